"""The vendor's side of an escalation to line 4: their case number, the date they
promised, who was contacted. Asked between picking the vendor and writing the note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.promises import parse_promise
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import LocalBindings
from helpdesk_tui.screens.dialogs import DIALOG_CSS
from helpdesk_tui.services.escalation import desk_zone
from helpdesk_tui.services.vendor_cases import VendorTerms

FIELDS = ("#vendor-case", "#vendor-promised", "#vendor-contact")


class VendorCaseScreen(LocalBindings, ModalScreen[VendorTerms | None]):
    """Dismissed with the terms (an empty case: escalate without recording one), or None
    when the agent gives up (Esc)."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="vendor_case.cancel"),
        Binding("ctrl+s", "done", N_("Continue"), id="vendor_case.done"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="VendorCaseScreen")

    def __init__(self, title: str) -> None:
        super().__init__()
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.heading), classes="dialog-title")
            yield Input(placeholder=_("their case number (empty: record none)"), id="vendor-case")
            yield Input(
                placeholder=_("promised by: 2026-11-30, or 2026-11-30 15:00"), id="vendor-promised"
            )
            yield Input(
                placeholder=_("who at the vendor: name, phone, e-mail"), id="vendor-contact"
            )
            yield Static("", classes="dialog-error", id="vendor-error")
            yield Static(
                _(
                    "Enter: next field, then continue to the note · Esc: cancel. The ticket will "
                    "wait for the vendor; our own SLA keeps counting."
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#vendor-case", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ids = [f.lstrip("#") for f in FIELDS]
        index = ids.index(event.input.id or "")
        if index + 1 < len(ids) and self.query_one("#vendor-case", Input).value.strip():
            self.query_one(FIELDS[index + 1], Input).focus()
        else:
            self.action_done()

    def action_done(self) -> None:
        case = self.query_one("#vendor-case", Input).value.strip()
        promised = self.query_one("#vendor-promised", Input).value.strip()
        contact = self.query_one("#vendor-contact", Input).value.strip()
        if case and promised:
            try:
                when = parse_promise(promised, desk_zone(self.app.catalog))  # type: ignore[attr-defined]
            except Invalid as exc:
                self._error(str(exc))
                return
            if when <= self.app.clock():  # type: ignore[attr-defined]
                self._error(_("that date has already passed"))
                return
        self.dismiss(VendorTerms(case, promised or None, contact))

    def _error(self, message: str) -> None:
        self.query_one("#vendor-error", Static).update(Text(message))
        self.query_one("#vendor-promised", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
