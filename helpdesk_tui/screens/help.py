"""`?`: every key of the screen underneath, what the colours mean, and where to go next."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.actions import TICKET_BINDINGS
from helpdesk_tui.screens.base import LocalBindings
from helpdesk_tui.widgets.ticket_table import TicketTable

COLOURS = (
    (N_("SLA running"), N_("the deadline is comfortably ahead")),
    (N_("SLA at risk"), N_("more than the plan's threshold (75 %) of the target is used")),
    (N_("SLA breached"), N_("the deadline has passed")),
    (N_("⏸ paused"), N_("waiting for the customer: the clock stands still")),
)


def _key(app, binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    return ", ".join(app.get_key_display(Binding(k, "")) for k in binding.key.split(","))


class HelpScreen(LocalBindings, ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "close", N_("Close"), id="help.close"),
        Binding("j", "scroll(1)", N_("Down"), show=False, id="help.down"),
        Binding("k", "scroll(-1)", N_("Up"), show=False, id="help.up"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%; border: thick $primary;
        background: $surface; padding: 0 2;
    }
    HelpScreen .help-title { text-style: bold; padding: 1 0 0 0; color: $accent; }
    """

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def _table(self, bindings: list[Binding]) -> Table:
        table = Table.grid(padding=(0, 3))
        table.add_column(style="bold", no_wrap=True, min_width=14)
        table.add_column()
        seen = set()
        for binding in bindings:
            if binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            description = _(binding.description)  # marked N_ where the binding is made
            tooltip = _(binding.tooltip)
            if tooltip and tooltip.split()[0].lower() == description.split()[0].lower():
                description = tooltip  # "Take the ticket…" says all "Take — Take the…" says
            elif tooltip:
                description += f" — {tooltip}"
            table.add_row(_key(self.app, binding), Text(description))
        return table

    def compose(self) -> ComposeResult:
        screen_bindings = [
            b
            for b in type(self.under).BINDINGS
            if isinstance(b, Binding) and b not in TICKET_BINDINGS
        ]
        with VerticalScroll():
            yield Static(_("This screen"), classes="help-title")
            yield Static(self._table(screen_bindings))
            if any(b in TICKET_BINDINGS for b in type(self.under).BINDINGS):
                yield Static(_("On the current ticket"), classes="help-title")
                yield Static(self._table(TICKET_BINDINGS))
                yield Static(_("In the queue"), classes="help-title")
                yield Static(
                    self._table([b for b in TicketTable.BINDINGS if isinstance(b, Binding)])
                )
            yield Static(_("Everywhere"), classes="help-title")
            yield Static(
                self._table(
                    [
                        b
                        for b in type(self.app).BINDINGS
                        if isinstance(b, Binding)
                        and self.app.check_action(b.action, ()) is not False
                    ]
                    + [
                        Binding(
                            "ctrl+p",
                            "palette",
                            N_("Command palette: every action, and jump to a ticket by key"),
                        )
                    ]
                )
            )
            yield Static(_("Colours"), classes="help-title")
            colours = Table.grid(padding=(0, 3))
            colours.add_column(style="bold", no_wrap=True, min_width=14)
            colours.add_column()
            for name, meaning in COLOURS:
                colours.add_row(_(name), _(meaning))
            yield Static(colours)
            yield Static(
                Text(
                    _(
                        "Keys can be changed in the config file ([keys] section, by the ids "
                        "shown in `helpdesk config`). Esc closes this help."
                    )
                ),
                classes="help-title",
            )

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss()
