"""Macros: every macro, found by typing, the one under the cursor shown step by step with
where it comes from. Supervisors and admins write new ones (`w`), edit (Enter or `e`) and
delete (`d`) those made here; the macros of data/macros.toml are read here and edited in
the file. Agents run macros on a ticket with `m`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.fuzzy import Matcher

from helpdesk_tui.domain.macros import step_line
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.i18n import N_, _, format_datetime, localized, n_
from helpdesk_tui.screens.dialogs import ConfirmScreen
from helpdesk_tui.screens.finder import FinderScreen
from helpdesk_tui.services import macros
from helpdesk_tui.services.macros import MacroRow


def source_text(row: MacroRow) -> str:
    """Where a macro comes from, in words."""
    if row.origin == "data":
        return _("from data/macros.toml")
    text = _("made here")
    if row.updated_by:
        text = _("made here, last saved by {who}").format(who=row.updated_by)
    if row.hidden:
        text += " · " + _("hidden by the macro of the same code in data/macros.toml")
    return text


def steps_count(row: MacroRow) -> str:
    n = len(row.macro.steps)
    return n_("{n} step", "{n} steps", n).format(n=n)


class MacrosScreen(FinderScreen[MacroRow]):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="macros.back"),
        Binding("slash", "find", N_("Find"), id="macros.find", key_display="/"),
        Binding("e", "edit", N_("Edit"), id="macros.edit", tooltip=N_("Edit the macro shown")),
        Binding("w", "write", N_("Write"), id="macros.write", tooltip=N_("Write a new macro")),
        Binding(
            "d",
            "delete",
            N_("Delete"),
            id="macros.delete",
            tooltip=N_("Delete the macro shown (one made here)"),
        ),
        Binding("j", "move(1)", N_("Down"), show=False, id="macros.down"),
        Binding("k", "move(-1)", N_("Up"), show=False, id="macros.up"),
        Binding("ctrl+r", "refresh", N_("Refresh"), show=False, id="macros.refresh"),
    ]

    DEFAULT_CSS = "MacrosScreen #mac-list { width: 45%; }"

    ID = "mac"
    VIEW = "steps"
    TITLE_TEXT = N_("Macros")
    READ_ONLY = N_("read only: supervisors and admins write macros")
    PLACEHOLDER = N_("find: name, code, step")
    STATUS = N_("{shown} of {total} macros")
    PERMISSION = "macro.edit"
    WRITES = ("edit", "write", "delete")

    def read_rows(self, done: Callable[[list[MacroRow]], None]) -> None:
        self.call(macros.list_rows, self.desk.store, done=done)

    def row_id(self, row: MacroRow) -> str:
        return f"{row.origin}:{row.code}"

    def score(self, matcher: Matcher, query: str, row: MacroRow) -> float:
        steps = " ".join(s.describe() for s in row.macro.steps)
        return matcher.match(f"{localized(row.macro)} {row.code} {steps}")

    def prompt(self, row: MacroRow) -> Text:
        prompt = Text(visible_line(localized(row.macro)), style="dim" if row.hidden else "bold")
        prompt.append(f"\n{row.code} · {steps_count(row)} · {source_text(row)}", style="dim")
        return prompt

    def show(self, row: MacroRow) -> None:
        meta = Text()
        meta.append(row.code, style="bold")
        meta.append(f" · {source_text(row)}")
        if row.updated_at:
            when = format_datetime(datetime.fromisoformat(row.updated_at).astimezone())
            meta.append(" · " + _("saved {when}").format(when=when))
        self.meta.update(meta)
        steps = Text()
        for number, step in enumerate(row.macro.steps, 1):
            steps.append(f"{number}. ", style="bold")
            steps.append(visible_line(step_line(step)) + "\n")
        self.body.update(steps)

    def _editable(self) -> MacroRow | None:
        row = self.current
        if row is None:
            self.notify(_("Pick a macro first."), severity="warning")
            return None
        if row.origin == "data":
            self.notify(
                _("“{code}” comes from data/macros.toml: edit it in the file.").format(
                    code=row.code
                ),
                severity="warning",
                markup=False,
            )
            return None
        return row

    def action_edit(self) -> None:
        from helpdesk_tui.screens.macro_editor import MacroEditorScreen

        row = self._editable()
        if row is not None:
            self.app.push_screen(MacroEditorScreen(row), self._saved)

    def action_write(self) -> None:
        from helpdesk_tui.screens.macro_editor import MacroEditorScreen

        self.app.push_screen(MacroEditorScreen(None), self._saved)

    def action_delete(self) -> None:
        row = self._editable()
        if row is None:
            return

        def deleted(_macro) -> None:
            self.notify(
                _("Deleted the macro “{code}”.").format(code=row.code), timeout=4, markup=False
            )
            self.load()

        def answered(yes: bool | None) -> None:
            if yes:
                self.call(macros.delete, self.desk.store, self.desk.actor, row.code, done=deleted)

        self.app.push_screen(
            ConfirmScreen(
                _("Delete the macro “{name}” ({code})?").format(
                    name=localized(row.macro), code=row.code
                ),
                _("Agents can no longer run it; the audit keeps what it was."),
            ),
            answered,
        )

    def _saved(self, row: MacroRow | None) -> None:
        if row is not None:
            self.load(select=f"app:{row.code}")
