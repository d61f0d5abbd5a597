"""Macros: every macro, found by typing, the one under the cursor shown step by step with
where it comes from. Supervisors and admins write new ones (`w`), edit (Enter or `e`) and
delete (`d`) those made here; the macros of data/macros.toml are read here and edited in
the file. Agents run macros on a ticket with `m`."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.fuzzy import Matcher
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.macros import step_line
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.i18n import N_, _, format_datetime, localized, n_
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.dialogs import ConfirmScreen
from helpdesk_tui.services import macros
from helpdesk_tui.services.macros import MacroRow
from helpdesk_tui.widgets.footer import Footer


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


class MacrosScreen(DeskScreen):
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

    DEFAULT_CSS = """
    MacrosScreen #mac-filter { margin: 0 1; }
    MacrosScreen #mac-status { height: 1; padding: 0 2; color: $text-muted; }
    MacrosScreen #mac-body { height: 1fr; }
    MacrosScreen #mac-list { width: 45%; min-width: 36; border: none; padding: 0 1; }
    MacrosScreen #mac-view { width: 1fr; border-left: solid $panel; padding: 0 1; }
    MacrosScreen #mac-meta { color: $text-muted; padding: 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[MacroRow] = []
        self.shown: list[MacroRow] = []

    @property
    def may_write(self) -> bool:
        return permissions.allows(self.desk.actor.role, "macro.edit")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("find: name, code, step"), id="mac-filter")
        yield Static(id="mac-status")
        with Horizontal(id="mac-body"):
            yield OptionList(id="mac-list")
            with VerticalScroll(id="mac-view"):
                yield Static(id="mac-meta")
                yield Static(id="mac-steps")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Macros")
        if not self.may_write:
            self.sub_title = _("read only: supervisors and admins write macros")
        self.query_one("#mac-filter", Input).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "write", "delete"):
            return self.may_write
        return True

    def load(self, select: str | None = None) -> None:
        def loaded(rows: list[MacroRow]) -> None:
            self.rows = rows
            self._filter(self.query_one("#mac-filter", Input).value, select=select)

        self.call(macros.list_rows, self.desk.store, done=loaded)

    @property
    def options(self) -> OptionList:
        return self.query_one("#mac-list", OptionList)

    @on(Input.Changed, "#mac-filter")
    def _typed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    @on(Input.Submitted, "#mac-filter")
    def _submitted(self) -> None:
        if self.shown:
            self.options.focus()

    def _filter(self, query: str, *, select: str | None = None) -> None:
        """Narrowed in memory: a desk has a few dozen macros."""
        if query.strip():
            matcher = Matcher(query)

            def score(row: MacroRow) -> float:
                steps = " ".join(s.describe() for s in row.macro.steps)
                return matcher.match(f"{localized(row.macro)} {row.code} {steps}")

            scored = [(score(r), i, r) for i, r in enumerate(self.rows)]
            self.shown = [r for s, _i, r in sorted(scored, key=lambda x: (-x[0], x[1])) if s > 0]
        else:
            self.shown = list(self.rows)
        options = self.options
        options.clear_options()
        for row in self.shown:
            prompt = Text(visible_line(localized(row.macro)), style="dim" if row.hidden else "bold")
            prompt.append(f"\n{row.code} · {steps_count(row)} · {source_text(row)}", style="dim")
            options.add_options([Option(prompt, id=f"{row.origin}:{row.code}"), None])
        ids = [f"{r.origin}:{r.code}" for r in self.shown]
        if ids:
            options.highlighted = ids.index(select) if select in ids else 0
        else:
            self.query_one("#mac-meta", Static).update("")
            self.query_one("#mac-steps", Static).update("")
        status = _("{shown} of {total} macros").format(shown=len(self.shown), total=len(self.rows))
        self.query_one("#mac-status", Static).update(status)

    @property
    def current(self) -> MacroRow | None:
        option = self.options.highlighted_option
        return next((r for r in self.shown if option and f"{r.origin}:{r.code}" == option.id), None)

    @on(OptionList.OptionHighlighted, "#mac-list")
    def _highlighted(self) -> None:
        row = self.current
        if row is None:
            return
        meta = Text()
        meta.append(row.code, style="bold")
        meta.append(f" · {source_text(row)}")
        if row.updated_at:
            when = format_datetime(datetime.fromisoformat(row.updated_at).astimezone())
            meta.append(" · " + _("saved {when}").format(when=when))
        self.query_one("#mac-meta", Static).update(meta)
        steps = Text()
        for number, step in enumerate(row.macro.steps, 1):
            steps.append(f"{number}. ", style="bold")
            steps.append(visible_line(step_line(step)) + "\n")
        self.query_one("#mac-steps", Static).update(steps)

    @on(OptionList.OptionSelected, "#mac-list")
    def _selected(self) -> None:
        if self.may_write:
            self.action_edit()

    def action_back(self) -> None:
        self.dismiss()

    def action_find(self) -> None:
        self.query_one("#mac-filter", Input).focus()

    def action_move(self, delta: int) -> None:
        if self.shown:
            (self.options.action_cursor_down if delta > 0 else self.options.action_cursor_up)()

    def action_refresh(self) -> None:
        row = self.current
        self.load(select=f"{row.origin}:{row.code}" if row else None)

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
