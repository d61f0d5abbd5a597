"""A fuzzy picker: type to narrow, j/k or arrows to move, Enter to pick, Esc to cancel.

A picker whose choice changes what the screen below shows (a filter, a sort) can be given
`apply`: the choice is applied while the picker is still up, and the picker closes when the
screen below has its new content (or after `HOLD_S` at most). The screen below is then
painted once, with its new rows, instead of once as it was and again a frame later: two
full repaints of the screen per key, and the query's thread competing with the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from helpdesk_tui.domain.text import visible, visible_line
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import LocalBindings

HOLD_S = 0.25  # the longest a picked picker waits for the screen below


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    detail: str = ""  # shown dim after the label, also searched
    preview: str = ""  # shown beside the list when highlighted


class Prompt:
    """An option's label with its detail: on one line (the detail at the right) when both
    fit, else the label wrapped and the detail under it, so neither is cut mid-word."""

    def __init__(self, label: Text, detail: Text) -> None:
        self.label = label
        self.detail = detail

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if self.label.cell_len + 2 + self.detail.cell_len <= width:
            gap = width - self.label.cell_len - self.detail.cell_len
            yield Text.assemble(self.label, " " * gap, self.detail)
        else:
            yield self.label
            yield Text.assemble("  ", self.detail)


class PickerScreen(LocalBindings, ModalScreen[str | None]):
    """Pick one of `choices`; returns its id, or None on Esc."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="picker.cancel"),
        Binding("down,ctrl+n", "move(1)", N_("Down"), show=False, id="picker.down"),
        Binding("up,ctrl+p", "move(-1)", N_("Up"), show=False, id="picker.up"),
        Binding("enter", "pick", N_("Pick"), id="picker.pick", priority=True),
    ]

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > #picker-box {
        width: 90%; max-width: 120; height: 80%; max-height: 34;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PickerScreen #picker-title { text-style: bold; padding: 0 0 1 0; }
    PickerScreen #picker-body { height: 1fr; }
    PickerScreen OptionList { height: 1fr; width: 1fr; border: none; }
    PickerScreen #picker-preview { width: 1fr; border-left: solid $panel; padding: 0 1; }
    PickerScreen #picker-hint { color: $text-muted; }
    """

    def __init__(
        self,
        title: str,
        choices: list[Choice],
        *,
        hint: str = N_("Type to filter · ↑↓ move · Enter pick · Esc cancel"),
        on_highlight: Callable[[Choice], None] | None = None,
        apply: Callable[[str, Callable[[], None]], None] | None = None,
    ) -> None:
        """`apply(choice id, done)`, if given, is called on a pick; the picker closes (and
        returns the id) when `done()` is called, or after `HOLD_S`."""
        super().__init__()
        self.apply = apply
        self._picked = False
        self.title_text = title
        self.choices = choices
        self.hint = hint
        self.on_highlight = on_highlight
        self.shown: list[Choice] = list(choices)
        self.has_preview = any(c.preview for c in choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(Text(self.title_text), id="picker-title")
            yield Input(placeholder=_("filter…"), id="picker-filter")
            with Horizontal(id="picker-body"):
                yield OptionList(id="picker-list")
                if self.has_preview:
                    with VerticalScroll(id="picker-preview"):
                        yield Static(id="picker-preview-text")
            yield Static(_(self.hint), id="picker-hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        if query.strip():
            matcher = Matcher(query)
            scored = [(matcher.match(f"{c.label} {c.detail}"), c) for c in self.choices]
            self.shown = [c for score, c in sorted(scored, key=lambda x: -x[0]) if score > 0]
        else:
            self.shown = list(self.choices)
        options = self.query_one(OptionList)
        options.clear_options()
        for choice in self.shown:
            options.add_option(Option(self._prompt(choice), id=choice.id))
        if self.shown:
            options.highlighted = 0
        self._preview()

    @staticmethod
    def _prompt(choice: Choice) -> Prompt | Text:
        label = Text(visible_line(choice.label))
        if not choice.detail:
            return label
        return Prompt(label, Text(visible_line(choice.detail), style="dim"))

    def _preview(self) -> None:
        if not self.has_preview:
            return
        options = self.query_one(OptionList)
        index = options.highlighted
        text = ""
        if index is not None and 0 <= index < len(self.shown):
            text = self.shown[index].preview
            if self.on_highlight:
                self.on_highlight(self.shown[index])
        self.query_one("#picker-preview-text", Static).update(Text(visible(text)))

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._preview()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_pick(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is not None and 0 <= index < len(self.shown):
            self._pick(self.shown[index].id)

    def action_cancel(self) -> None:
        self._close(None)

    def _pick(self, choice_id: str) -> None:
        if self._picked:  # applied already: waiting for the screen below
            return
        if self.apply is None:
            self._close(choice_id)
            return
        self._picked = True
        self.set_timer(HOLD_S, lambda: self._close(choice_id))
        self.apply(choice_id, lambda: self._close(choice_id))

    def _close(self, result: str | None) -> None:
        """Dismiss once (done, the hold's timer and Esc may all ask)."""
        if self.app.screen is self:
            self.dismiss(result)
