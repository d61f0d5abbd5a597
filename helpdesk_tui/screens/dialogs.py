"""Small modal dialogs: confirm, one-line input, and the conflict that offers a reload."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import LocalBindings
from helpdesk_tui.services.ticket_views import EventView
from helpdesk_tui.widgets.timeline import LABELS, summary

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 80%; max-width: 90; height: auto; border: thick $primary;
    background: $surface; padding: 1 2;
}}
{name} .dialog-title {{ text-style: bold; padding-bottom: 1; }}
{name} .dialog-hint {{ color: $text-muted; padding-top: 1; }}
{name} .dialog-error {{ color: $error; }}
"""


class ConfirmScreen(LocalBindings, ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmScreen")

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail))
            yield Static(_("y / Enter: yes · n / Esc: no"), classes="dialog-hint")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


def describe_conflict(error: BaseException) -> str:
    """Who changed what since the agent looked, one line per change, in the terminal's
    local time and the timeline's words; the service's own one-line message otherwise."""
    seen = getattr(error, "seen", None)
    key = getattr(error, "key", None) or _("The ticket")
    if not seen:
        return str(error)
    lines = [_("{key} was changed meanwhile; nothing of yours was saved over it:").format(key=key)]
    for change in seen:
        event = EventView(
            id=0,
            at=change.at,
            actor=change.actor,
            actor_name=change.actor,
            kind=change.kind,
            changes=change.changes,
            body="",
            public=False,
            version=change.version,
        )
        what = LABELS.get(change.kind, change.kind)
        fields = summary(event)
        when = change.at.astimezone().strftime("%H:%M")
        lines.append(f"• {when} {change.actor}: {what}" + (f" ({fields})" if fields else ""))
    return "\n".join(lines)


class ConflictScreen(LocalBindings, ModalScreen[bool]):
    """Somebody saved first: say who changed what; r reloads, Esc keeps things as they are.
    The agent's text is in its draft either way."""

    BINDINGS = [
        Binding("r,enter", "answer(True)", N_("Reload"), id="conflict.reload"),
        Binding("escape", "answer(False)", N_("Close"), id="conflict.close"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="ConflictScreen")

    def __init__(self, message: str, kept: bool) -> None:
        super().__init__()
        self.message = message
        self.kept = kept

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Changed by somebody else meanwhile"), classes="dialog-title")
            yield Static(Text(self.message))
            if self.kept:
                yield Static(
                    _("Your text is kept as a draft: it will be there when you reopen the editor."),
                    classes="dialog-hint",
                )
            yield Static(_("r / Enter: reload the ticket · Esc: close"), classes="dialog-hint")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class InputScreen(LocalBindings, ModalScreen[str | None]):
    """One line of input, checked by `validate` (returns an error message or None)."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="input.cancel")]
    DEFAULT_CSS = DIALOG_CSS.format(name="InputScreen")

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        value: str = "",
        validate: Callable[[str], str | None] | None = None,
        hint: str = N_("Enter: OK · Esc: cancel"),
    ) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.validate = validate
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")
            yield Static("", classes="dialog-error", id="dialog-error")
            yield Static(_(self.hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.validate(value) if self.validate else None
        if problem:
            self.query_one("#dialog-error", Static).update(Text(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def leave_unsaved(screen: ModalScreen | Screen, changed: bool) -> None:
    """Close an editor: at once when nothing changed, else after asking (Esc keeps it)."""
    if not changed:
        screen.dismiss(None)
        return
    screen.app.push_screen(
        ConfirmScreen(_("Close without saving?"), _("What you wrote here is not kept.")),
        lambda yes: yes and screen.dismiss(None),
    )
