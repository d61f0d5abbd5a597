"""The card of a customer, a contact or an asset: who and what they are, their contracts
and equipment, and every ticket, newest first, a page at a time. Enter on a contact or
an asset opens its card; Enter on a ticket opens the ticket."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_, NP_, _, n_, pgettext
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.services import cards
from helpdesk_tui.widgets.footer import Footer

KINDS = ("customer", "contact", "asset")

# the tables' headers, translated where shown: `pgettext("card", …)`
HEADERS = (
    NP_("card", "Key"),
    NP_("card", "Created"),
    NP_("card", "Status"),
    NP_("card", "Pri"),
    NP_("card", "Service"),
    NP_("card", "Subject"),
    NP_("card", "Contact"),
    NP_("card", "Asset"),
    NP_("card", "Name"),
    NP_("card", "Phone"),
    NP_("card", "E-mail"),
    NP_("card", "Site"),
    NP_("card", "Tag"),
    NP_("card", "Model"),
    NP_("card", "Serial"),
    NP_("card", "Warranty to"),
    NP_("card", "Contract to"),
    NP_("card", "Code"),
    NP_("card", "Address"),
)
ASSET_COLUMNS = ("Tag", "Name", "Model", "Serial", "Site", "Warranty to", "Contract to")
SUBJECT_WIDTH = (16, 60)  # the history's subject: as wide as the screen leaves it, within these
PARTY_WIDTH = 24  # a contact's or an asset's name in the history, at most


def cell(value: Any, style: str = "") -> Text:
    """Untrusted text as a table cell: never markup, control characters made visible."""
    return Text(visible_line("" if value is None else str(value)), style=style)


def short(text: str, width: int) -> str:
    """Cut to `width` characters with an ellipsis, so the columns after it stay in view."""
    return text if len(text) <= width else text[: width - 1] + "…"


def more(shown: int, total: int) -> str:
    return (
        f"{shown}" if shown == total else _("{shown} of {total}").format(shown=shown, total=total)
    )


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


class CardScreen(DeskScreen):
    """`kind` is customer (by code), contact (by id) or asset (by tag)."""

    BINDINGS = [
        Binding("escape,backspace", "back", N_("Back"), id="card.back"),
        Binding("right_square_bracket", "tab(1)", N_("Next tab"), key_display="]", id="card.next"),
        Binding("left_square_bracket", "tab(-1)", N_("Prev tab"), key_display="[", id="card.prev"),
        Binding("j", "move(1)", N_("Down"), show=False, id="card.down"),
        Binding("k", "move(-1)", N_("Up"), show=False, id="card.up"),
        Binding("g", "ends(False)", N_("Top"), show=False, id="card.top"),
        Binding("G", "ends(True)", N_("Bottom"), show=False, id="card.bottom"),
        Binding("ctrl+r", "refresh", N_("Refresh"), show=False, id="card.refresh"),
    ]

    COMPONENT_CLASSES = {"card--expired", "card--breached"}
    DEFAULT_CSS = """
    CardScreen > .card--expired { color: $error; text-style: bold; }
    CardScreen > .card--breached { color: $error; }
    CardScreen #card-head { padding: 0 1; height: auto; }
    CardScreen #card-contracts { padding: 0 1; height: auto; max-height: 8; }
    CardScreen TabbedContent { height: 1fr; }
    CardScreen DataTable { height: 1fr; }
    """

    def __init__(self, kind: str, ident: str | int) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(kind)
        self.kind = kind
        self.ident = ident
        self.card: Any = None
        self.party_id: int | None = None
        self.next_page: Any = None
        self.loading_more = False
        self.contact_ids: list[int] = []
        self.asset_tags: list[str] = []
        self.ticket_keys: list[str] = []
        self.history_rows: list[cards.HistoryRow] = []  # loaded, newest first
        self.subject_width = SUBJECT_WIDTH[1]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="card-head")
        yield Static(id="card-contracts")
        with TabbedContent(id="card-tabs"):
            with TabPane(_("History"), id="tab-history"):
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            if self.kind == "customer":
                with TabPane(_("Contacts"), id="tab-contacts"):
                    yield DataTable(id="contacts", cursor_type="row")
                with TabPane(_("Assets"), id="tab-assets"):
                    yield DataTable(id="assets", cursor_type="row")
                with TabPane(_("Sites"), id="tab-sites"):
                    yield DataTable(id="sites", cursor_type="row")
        yield Footer()

    def _history_columns(self, history: DataTable) -> None:
        columns = ["Key", "Created", "Status", "Pri", "Service", "Subject"]
        columns += ["Contact", "Asset"] if self.kind == "customer" else []
        columns += ["Contact"] if self.kind == "asset" else []
        columns += ["Asset"] if self.kind == "contact" else []
        for name in columns:
            history.add_column(pgettext("card", name), key=name.lower())

    def on_mount(self) -> None:
        history = self.query_one("#history", DataTable)
        self._history_columns(history)
        if self.kind == "customer":
            self.query_one("#contacts", DataTable).add_columns(
                *(pgettext("card", name) for name in ("Name", "Phone", "E-mail", "Site"))
            )
            self.query_one("#assets", DataTable).add_columns(
                *(pgettext("card", name) for name in ASSET_COLUMNS)
            )
            self.query_one("#sites", DataTable).add_columns(
                *(pgettext("card", name) for name in ("Code", "Name", "Address"))
            )
        history.focus()
        self.load()

    # -- loading ------------------------------------------------------------------------------
    def load(self) -> None:
        store, actor = self.desk.store, self.desk.actor
        fn = {
            "customer": cards.customer_card,
            "contact": cards.contact_card,
            "asset": cards.asset_card,
        }[self.kind]
        ident = int(self.ident) if self.kind == "contact" else str(self.ident)
        self.call(fn, store, actor, ident, done=self._loaded, failed=self._failed)

    def _failed(self, error: Exception) -> bool:
        """Not found or not allowed: said once, and back where the agent came from."""
        self.desk.report_error(error)
        if self.card is None:
            self.dismiss()
        return True

    def _loaded(self, card: Any) -> None:
        self.card = card
        self.party_id = card.id
        self.title = {"customer": _("Customer"), "contact": _("Contact"), "asset": _("Asset")}[
            self.kind
        ]
        self.sub_title = visible_line(card.name)
        self.query_one("#card-head", Static).update(self._head(card))
        contracts = self.query_one("#card-contracts", Static)
        if self.kind == "customer":
            contracts.update(self._contracts(card))
            self._fill_customer(card)
        else:
            contracts.display = False
        self._add_history(card.history, fresh=True)
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("tab-history").label = _("History ({n})").format(n=card.record.total)

    def _head(self, card: Any) -> Text:
        text = Text()
        text.append(visible_line(card.name), style="bold")
        if self.kind == "customer":
            text.append(f"  {card.code}", style="dim")
            if card.segment:
                text.append(f" · {card.segment}")
            text.append(f" · {card.language}")
            text.append(" · ")
            text.append(
                n_("{n} site", "{n} sites", len(card.sites)).format(n=len(card.sites)) + ", "
            )
            text.append(
                n_("{n} contact", "{n} contacts", card.contacts_total).format(n=card.contacts_total)
                + ", "
            )
            text.append(
                n_("{n} asset", "{n} assets", card.assets_total).format(n=card.assets_total)
            )
        elif self.kind == "contact":
            parts = [card.phone, card.email, card.site, card.language]
            text.append("  " + " · ".join(visible_line(p) for p in parts if p))
            text.append("\n")
            text.append(
                _("of {name} ({code})").format(
                    name=visible_line(card.customer_name), code=card.customer
                ),
                style="dim",
            )
        else:
            text.append(f"  {visible_line(card.tag)}", style="dim")
            text.append("\n")
            fields = [
                (_("model"), card.model),
                (_("serial"), card.serial),
                (_("site"), card.site_name or card.site),
                (_("service"), card.service),
                (_("warranty to"), day(card.warranty_end)),
                (_("contract to"), day(card.contract_end)),
            ]
            text.append(" · ".join(f"{k} {visible_line(v) or '—'}" for k, v in fields))
            text.append("\n")
            text.append(
                _("of {name} ({code})").format(
                    name=visible_line(card.customer_name), code=card.customer
                ),
                style="dim",
            )
        if not card.active:
            text.append("  " + _("INACTIVE"), style="bold")
        text.append("\n")
        text.append(_("Tickets: "), style="bold")
        text.append(card.record.line())
        return text

    def _contracts(self, card: cards.CustomerCard) -> Text:
        text = Text(_("Contracts"), style="bold")
        if not card.contracts:
            text.append("\n" + _("none: every call gets the default plan"), style="dim")
        for c in card.contracts:
            covered = ", ".join(c.services) if c.services else _("every service")
            line = (
                f"\n{c.code}  {c.plan}  {day(c.valid_from)} → {day(c.valid_to)}  "
                f"{covered}  {c.name}"
            )
            style = "" if c.state == "valid" and c.active else "dim"
            text.append("\n")
            text.append(visible_line(line.lstrip("\n")), style=style)
            if c.state == "expired":
                text.append(
                    "  " + _("EXPIRED"), style=self.get_component_rich_style("card--expired")
                )
            elif c.state == "future":
                text.append("  " + _("not started"), style="bold")
            if not c.active:
                text.append("  " + _("inactive"), style="bold")
        return text

    def _fill_customer(self, card: cards.CustomerCard) -> None:
        contacts = self.query_one("#contacts", DataTable)
        contacts.clear()
        self.contact_ids = []
        for c in card.contacts:
            contacts.add_row(cell(c.name), cell(c.phone), cell(c.email), cell(c.site))
            self.contact_ids.append(c.id)
        assets = self.query_one("#assets", DataTable)
        assets.clear()
        self.asset_tags = []
        for a in card.assets:
            assets.add_row(
                cell(a.tag),
                cell(a.name),
                cell(a.model),
                cell(a.serial),
                cell(a.site_name or a.site),
                cell(day(a.warranty_end)),
                cell(day(a.contract_end)),
            )
            self.asset_tags.append(a.tag)
        sites = self.query_one("#sites", DataTable)
        sites.clear()
        for site in card.sites:
            sites.add_row(cell(site.code), cell(site.name), cell(site.address))
        tabs = self.query_one(TabbedContent)
        contacts_shown = more(len(card.contacts), card.contacts_total)
        tabs.get_tab("tab-contacts").label = _("Contacts ({n})").format(n=contacts_shown)
        assets_shown = more(len(card.assets), card.assets_total)
        tabs.get_tab("tab-assets").label = _("Assets ({n})").format(n=assets_shown)
        tabs.get_tab("tab-sites").label = _("Sites ({n})").format(n=len(card.sites))

    def _add_history(self, page: cards.HistoryPage, *, fresh: bool = False) -> None:
        """`page` after the rows shown, or instead of them (`fresh`: the card (re)loaded)."""
        if fresh:
            self.history_rows = []
        self.history_rows.extend(page.rows)
        if not self._refit(rebuild=fresh):
            self._add_history_rows(page.rows)
        self.next_page = page.next
        self.loading_more = False

    def _refit(self, *, rebuild: bool = False) -> bool:
        """Show every row again if the subject's width changed (or `rebuild`); whether so."""
        width = self._subject_fit()
        if width == self.subject_width and not rebuild:
            return False
        self.subject_width = width
        self._show_history()
        return True

    def _history_cells(self, r: cards.HistoryRow) -> list[str]:
        """A history row's cells as plain text: the subject whole, the parties cut."""
        cells = [
            r.key,
            r.created_at.astimezone().strftime("%d.%m.%Y %H:%M"),
            status_label(r.status),
            r.priority,
            r.service,
            visible_line(r.subject),
        ]
        if self.kind in ("customer", "asset"):
            cells.append(short(visible_line(r.contact), PARTY_WIDTH))
        if self.kind in ("customer", "contact"):
            cells.append(short(visible_line(r.asset), PARTY_WIDTH))
        return cells

    def _subject_fit(self) -> int:
        """The subject's width that lets every column of the history fit the screen's width
        (no scrolling sideways to see who called), within SUBJECT_WIDTH."""
        history = self.query_one("#history", DataTable)
        pad = 2 * history.cell_padding
        widths = [cell_len(str(column.label)) for column in history.columns.values()]
        for r in self.history_rows:
            cells = self._history_cells(r)
            widths = [max(w, cell_len(c)) for w, c in zip(widths, cells, strict=True)]
        others = sum(w + pad for i, w in enumerate(widths) if i != 5)
        room = (history.size.width or self.app.size.width) - others - pad - 2  # a scrollbar
        low, high = SUBJECT_WIDTH
        return max(low, min(high, room))

    def _add_history_rows(self, rows: Sequence[cards.HistoryRow]) -> None:
        history = self.query_one("#history", DataTable)
        breached = self.get_component_rich_style("card--breached")
        for r in rows:
            cells = self._history_cells(r)
            row = [cell(cells[0], "bold"), *(cell(c) for c in cells[1:5])]
            row.append(
                Text(short(cells[5], self.subject_width), style=breached if r.breached else "")
            )
            row += [cell(c) for c in cells[6:]]
            history.add_row(*row)
            self.ticket_keys.append(r.key)

    def _show_history(self) -> None:
        history = self.query_one("#history", DataTable)
        at = history.cursor_row
        history.clear(columns=True)  # a column never narrows while it lives
        self._history_columns(history)
        self.ticket_keys = []
        self._add_history_rows(self.history_rows)
        if self.history_rows:
            history.move_cursor(row=min(at, len(self.history_rows) - 1))

    def on_resize(self, event: events.Resize) -> None:
        if self.history_rows:
            self._refit()

    def _more(self) -> None:
        if self.next_page is None or self.loading_more or self.party_id is None:
            return
        self.loading_more = True
        self.call(
            cards.history,
            self.desk.store,
            self.desk.actor,
            self.kind,
            self.party_id,
            after=self.next_page,
            done=self._add_history,
            group="history",
        )

    # -- events -------------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#history")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 5:
            self._more()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        row = event.cursor_row
        table = event.data_table.id
        if table == "history" and row < len(self.ticket_keys):
            self.desk.open_ticket(self.ticket_keys[row])
        elif table == "contacts" and row < len(self.contact_ids):
            self.app.push_screen(CardScreen("contact", self.contact_ids[row]))
        elif table == "assets" and row < len(self.asset_tags):
            self.app.push_screen(CardScreen("asset", self.asset_tags[row]))

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        panes = [p.id for p in tabs.query(TabPane)]
        if not panes:
            return
        index = panes.index(tabs.active) if tabs.active in panes else 0
        tabs.active = panes[(index + step) % len(panes)] or panes[0]
        pane = tabs.get_pane(tabs.active)
        pane.query_one(DataTable).focus()

    def _table(self) -> DataTable:
        tabs = self.query_one(TabbedContent)
        return tabs.get_pane(tabs.active).query_one(DataTable)

    def action_move(self, step: int) -> None:
        table = self._table()
        table.move_cursor(row=max(0, table.cursor_row + step))

    def action_ends(self, bottom: bool) -> None:
        """g / G: the first or the last row loaded (the history loads more from there)."""
        table = self._table()
        table.move_cursor(row=table.row_count - 1 if bottom else 0)

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()
