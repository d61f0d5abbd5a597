"""One ticket, full screen: every field, both clocks, the whole timeline, every action."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_
from helpdesk_tui.screens.actions import TICKET_BINDINGS, TicketActions
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.mass_incident_actions import EXCLUDE_BINDING, MassIncidentActions
from helpdesk_tui.services import ticket_views
from helpdesk_tui.services.ticket_actions import Changed
from helpdesk_tui.widgets.footer import Footer
from helpdesk_tui.widgets.ticket_pane import TicketPane


class TicketScreen(MassIncidentActions, TicketActions, DeskScreen):
    BINDINGS = [
        Binding("escape,backspace", "back", N_("Back"), id="ticket.back"),
        Binding("j", "scroll(1)", N_("Down"), show=False, id="ticket.down"),
        Binding("k", "scroll(-1)", N_("Up"), show=False, id="ticket.up"),
        Binding("g", "top", N_("Top"), show=False, id="ticket.top"),
        Binding("G", "bottom", N_("Bottom"), show=False, id="ticket.bottom"),
        Binding("ctrl+r", "refresh", N_("Refresh"), show=False, id="ticket.refresh"),
        *TICKET_BINDINGS,
        EXCLUDE_BINDING,
    ]

    DEFAULT_CSS = """
    TicketScreen TicketPane { width: 1fr; height: 1fr; }
    """

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.detail: ticket_views.TicketDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield TicketPane(clock=self.desk.clock)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TicketPane).focus()
        self.load()

    def load(self) -> None:
        self.call(
            ticket_views.read,
            self.desk.store,
            self.desk.actor,
            self.key,
            done=self._loaded,
            failed=self._missing,
            group="detail",
            exclusive=True,
        )

    def _loaded(self, detail: ticket_views.TicketDetail) -> None:
        first = self.detail is None
        self.detail = detail
        # the key, the state and the subject stay in the header however far the timeline
        # is scrolled (it opens on the newest events)
        self.title = detail.key
        status = status_label(detail.status)
        self.sub_title = f"{detail.priority} · {status} · {visible_line(detail.subject)}"
        pane = self.query_one(TicketPane)
        pane.show(detail, self.desk.calendars.get(detail.calendar_id))
        self.load_articles(pane, detail.key)
        self.load_children(pane, detail.key)
        self.app.handling.shown(detail)
        if first:
            pane.call_after_refresh(pane.scroll_end, animate=False)

    def _missing(self, error: Exception) -> bool:
        self.desk.report_error(error)
        self.dismiss()
        return True

    def target(self) -> tuple[str, int | None] | None:
        if self.detail is None:
            return None
        return self.detail.key, self.detail.version

    def changed(self, result: Changed) -> None:
        self.load()

    def reload_ticket(self) -> None:
        self.load()

    def on_tickets_changed(self, ids: frozenset[int]) -> None:
        if self.detail is not None and self.detail.id in ids:
            self.load()

    def action_back(self) -> None:
        app = self.app
        self.dismiss()
        app.handling.left(self.key)  # after: its question goes on top of the queue

    def action_scroll(self, lines: int) -> None:
        self.query_one(TicketPane).scroll_relative(y=lines, animate=False)

    def action_top(self) -> None:
        self.query_one(TicketPane).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one(TicketPane).scroll_end(animate=False)

    def action_refresh(self) -> None:
        self.load()
