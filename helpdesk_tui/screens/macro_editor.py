"""Writing or editing a macro made in the application: its code, its names in English and
Russian, and its steps, one per line, written as in data/macros.toml (`take = true`,
`reply = "ask-cash-desk"`, `escalate = "L3", note = "…"`).

The steps are checked on every key by the same rules as the data file's (pure, no store):
the line under the steps says what the macro will do, or which line and step is wrong and
why. Ctrl+S saves (the service checks again, and refuses a code the data file has or an
edit over somebody else's newer save); Esc leaves, asking first when something changed.
Returns the saved macro's row."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static, TextArea

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.macros import parse_typed, steps_text
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import WorkerCalls, shown_in
from helpdesk_tui.screens.dialogs import leave_unsaved
from helpdesk_tui.services import macros
from helpdesk_tui.services.macros import MacroInput, MacroRow
from helpdesk_tui.widgets.footer import Footer

# the step kinds, as they are written (code, not words: the same in every language)
SYNTAX = "\n".join(
    (
        "take = true",
        'reply = "ask-cash-desk"',
        'note = "… {{ticket.key}} …"',
        'status = "waiting_customer"',
        'resolve = "printer-paper"',
        'priority = "P2"',
        'impact = "1"   urgency = "2"',
        'assignee = "login" | "me" | "none"',
        'group = "l2-hardware"',
        'escalate = "L3", note = "…"',
    )
)


class MacroEditorScreen(WorkerCalls, Screen[MacroRow | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="macro.save", priority=True),
        Binding("escape", "leave", N_("Close"), id="macro.close"),
    ]

    DEFAULT_CSS = """
    MacroEditorScreen .me-row { height: auto; padding: 0 1; }
    MacroEditorScreen #me-code { width: 30; }
    MacroEditorScreen #me-name { width: 1fr; }
    MacroEditorScreen #me-name-ru { width: 1fr; }
    MacroEditorScreen #me-body { height: 1fr; }
    MacroEditorScreen #me-steps { width: 1fr; }
    MacroEditorScreen #me-help { width: 44; border-left: solid $panel; padding: 0 1; }
    MacroEditorScreen #me-help Label { color: $text-muted; }
    MacroEditorScreen #me-check { padding: 0 2; height: auto; }
    MacroEditorScreen #me-check.-bad { color: $error; }
    MacroEditorScreen #me-check.-good { color: $success; }
    MacroEditorScreen #me-error { color: $error; padding: 0 2; height: auto; }
    """

    def __init__(self, row: MacroRow | None) -> None:
        """`row`: a macro made here to edit; None writes a new one."""
        super().__init__()
        self.row = row
        self.initial = (
            MacroInput(row.code, row.macro.name, steps_text(row.macro.steps), row.macro.name_ru)
            if row is not None
            else MacroInput("", "", "")
        )

    def compose(self) -> ComposeResult:
        t = self.initial
        yield Header()
        with Horizontal(classes="me-row"):
            yield Input(
                t.code,
                placeholder=_("code: ask-and-wait"),
                id="me-code",
                disabled=self.row is not None,
            )
            yield Input(t.name, placeholder=_("name agents pick it by"), id="me-name")
            yield Input(t.name_ru, placeholder=_("name in Russian (optional)"), id="me-name-ru")
        with Horizontal(id="me-body"):
            yield TextArea(t.steps, id="me-steps", soft_wrap=True)
            with Vertical(id="me-help"):
                yield Label(_("One step per line, as in data/macros.toml:"))
                yield Static(Text(SYNTAX))
                yield Label(
                    _(
                        "A template is named without its -en/-ru ending: the contact's "
                        "language picks it. Lines starting with # are comments."
                    )
                )
        yield Static(id="me-check")
        yield Static(id="me-error")
        yield Footer()

    def on_mount(self) -> None:
        self.title = (
            _("Macro: {name}").format(name=self.row.macro.name) if self.row else _("New macro")
        )
        self.sub_title = _("Ctrl+S save · Esc close")
        self.query_one("#me-name" if self.row else "#me-code", Input).focus()
        self._check()

    # -- what is being written -------------------------------------------------------------
    def data(self) -> MacroInput:
        return MacroInput(
            code=self.query_one("#me-code", Input).value.strip(),
            name=self.query_one("#me-name", Input).value,
            steps=self.query_one("#me-steps", TextArea).text,
            name_ru=self.query_one("#me-name-ru", Input).value,
        )

    @property
    def changed(self) -> bool:
        return self.data() != self.initial

    def _check(self) -> None:
        """The steps checked as the data file's are, on every key (pure: no store)."""
        data = self.data()
        check = self.query_one("#me-check", Static)
        if not data.steps.strip():
            check.update(Text(_("No steps yet.")))
            check.set_classes("")
            return
        try:
            mac = parse_typed(data.code or "new", data.name or "-", data.steps)
        except Invalid as exc:
            check.update(Text("✗ " + str(exc)))
            check.set_classes("-bad")
            return
        steps = " → ".join(s.describe() for s in mac.steps)
        check.update(Text("✓ " + _("It will: {steps}").format(steps=steps)))
        check.set_classes("-good")

    @on(TextArea.Changed, "#me-steps")
    @on(Input.Changed)
    def _text_changed(self) -> None:
        self.query_one("#me-error", Static).update("")
        self._check()

    # -- saving and leaving ---------------------------------------------------------------------
    def action_save(self) -> None:
        self.call(
            macros.save,
            self.desk.store,
            self.desk.actor,
            self.data(),
            new=self.row is None,
            expected_updated_at=self.row.updated_at if self.row else None,
            done=self._saved,
            failed=shown_in(self.query_one("#me-error", Static)),
            group="me-save",
            exclusive=True,
        )

    def _saved(self, row: MacroRow) -> None:
        self.notify(
            _("Saved the macro “{name}” ({code}).").format(name=row.macro.name, code=row.code),
            timeout=4,
            markup=False,
        )
        self.dismiss(row)

    def action_leave(self) -> None:
        leave_unsaved(self, self.changed)
