"""A vendor's card: their cases (newest first, a page at a time) and the promises they let
pass on tickets still open. Enter opens the ticket."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_, NP_, _, n_, pgettext
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.customer_card import cell
from helpdesk_tui.services import vendors
from helpdesk_tui.widgets.footer import Footer

LATE_COLUMNS = (
    NP_("vendor card", "Key"),
    NP_("vendor card", "Case"),
    NP_("vendor card", "Promised"),
    NP_("vendor card", "Our resolution due"),
    NP_("vendor card", "Status"),
    NP_("vendor card", "Subject"),
)
CASE_COLUMNS = (
    NP_("vendor card", "Key"),
    NP_("vendor card", "Case"),
    NP_("vendor card", "Opened"),
    NP_("vendor card", "Promised"),
    NP_("vendor card", "Closed"),
    NP_("vendor card", "Status"),
    NP_("vendor card", "Contact"),
    NP_("vendor card", "Subject"),
)


def when(value: datetime | None) -> str:
    return value.astimezone().strftime("%d.%m.%Y %H:%M") if value else "—"


class VendorCardScreen(DeskScreen):
    BINDINGS = [
        Binding("escape,backspace", "back", N_("Back"), id="vendor_card.back"),
        Binding("tab", "switch", N_("Late / cases"), id="vendor_card.switch"),
        Binding("ctrl+r", "refresh", N_("Refresh"), show=False, id="vendor_card.refresh"),
    ]
    COMPONENT_CLASSES = {"vendor--late"}
    DEFAULT_CSS = """
    VendorCardScreen > .vendor--late { color: $error; text-style: bold; }
    VendorCardScreen #vendor-head { padding: 0 1; height: auto; }
    VendorCardScreen .vendor-title { padding: 1 1 0 1; text-style: bold; }
    VendorCardScreen #vendor-late { height: auto; max-height: 12; }
    VendorCardScreen #vendor-cases { height: 1fr; }
    """

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.late_keys: list[str] = []
        self.case_keys: list[str] = []
        self.next_page: tuple[datetime, int] | None = None
        self.loading_more = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="vendor-head")
        yield Static(_("Promises passed (tickets still open)"), classes="vendor-title")
        yield DataTable(id="vendor-late", cursor_type="row")
        yield Static(_("Cases, newest first"), classes="vendor-title")
        yield DataTable(id="vendor-cases", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#vendor-late", DataTable).add_columns(
            *(pgettext("vendor card", name) for name in LATE_COLUMNS)
        )
        self.query_one("#vendor-cases", DataTable).add_columns(
            *(pgettext("vendor card", name) for name in CASE_COLUMNS)
        )
        self.query_one("#vendor-cases", DataTable).focus()
        self.load()

    def load(self) -> None:
        self.call(
            vendors.vendor_card,
            self.desk.store,
            self.desk.actor,
            self.code,
            now=self.desk.clock(),
            done=self._loaded,
            failed=self._failed,
        )

    def _failed(self, error: Exception) -> bool:
        self.desk.report_error(error)
        self.dismiss()
        return True

    def _loaded(self, card: vendors.VendorCard) -> None:
        self.title = _("Vendor")
        self.sub_title = visible_line(card.name)
        head = Text()
        head.append(visible_line(card.name), style="bold")
        head.append(f"  {card.code} · {card.line}", style="dim")
        cases = n_("{n} case, {open} open", "{n} cases, {open} open", card.cases_total)
        head.append("\n" + cases.format(n=card.cases_total, open=card.cases_open) + " · ")
        late = self.get_component_rich_style("vendor--late") if card.late_total else ""
        passed = n_("{n} promise passed", "{n} promises passed", card.late_total)
        head.append(passed.format(n=card.late_total), style=late)
        self.query_one("#vendor-head", Static).update(head)
        table = self.query_one("#vendor-late", DataTable)
        table.clear()
        self.late_keys = []
        for p in card.late:
            table.add_row(
                cell(p.key, "bold"),
                cell(p.case),
                Text(when(p.promised_at), style=self.get_component_rich_style("vendor--late")),
                cell(when(p.resolution_due)),
                cell(status_label(p.status)),
                cell(p.subject),
            )
            self.late_keys.append(p.key)
        cases = self.query_one("#vendor-cases", DataTable)
        cases.clear()
        self.case_keys = []
        self._add_cases(card.cases, card.next)

    def _add_cases(self, rows: tuple[vendors.CaseRow, ...], nxt) -> None:
        cases = self.query_one("#vendor-cases", DataTable)
        late = self.get_component_rich_style("vendor--late")
        for r in rows:
            cases.add_row(
                cell(r.key, "bold"),
                cell(r.case),
                cell(when(r.opened_at)),
                Text(when(r.promised_at), style=late if r.late else ""),
                cell(when(r.closed_at)),
                cell(status_label(r.status)),
                cell(r.contact),
                cell(r.subject),
            )
            self.case_keys.append(r.key)
        self.next_page = nxt
        self.loading_more = False

    def _more(self) -> None:
        if self.next_page is None or self.loading_more:
            return
        self.loading_more = True
        self.call(
            vendors.vendor_card,
            self.desk.store,
            self.desk.actor,
            self.code,
            after=self.next_page,
            now=self.desk.clock(),
            done=lambda card: self._add_cases(card.cases, card.next),
            group="cases",
        )

    @on(DataTable.RowHighlighted, "#vendor-cases")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 5:
            self._more()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        keys = self.late_keys if event.data_table.id == "vendor-late" else self.case_keys
        if event.cursor_row < len(keys):
            self.desk.open_ticket(keys[event.cursor_row])

    def action_switch(self) -> None:
        late = self.query_one("#vendor-late", DataTable)
        cases = self.query_one("#vendor-cases", DataTable)
        (cases if late.has_focus else late).focus()

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()
