"""A desk's items of one kind (macros, templates) found by typing: the list narrowed in
memory as the agent types, the item under the cursor shown beside it. Subclasses say how
their rows are read, scored, listed and shown; writing them is each screen's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.fuzzy import Matcher
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from helpdesk_tui.domain import permissions
from helpdesk_tui.i18n import _
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.widgets.footer import Footer

Row = TypeVar("Row")


class FinderScreen(DeskScreen, Generic[Row]):
    """Widget ids are `#{ID}-filter`, `-status`, `-list`, `-meta` and `-{VIEW}` (the body
    beside the list). Texts are marked with `N_` and translated when shown."""

    ID = ""
    VIEW = ""
    TITLE_TEXT = ""
    READ_ONLY = ""  # the sub-title of those who may not write
    PLACEHOLDER = ""
    STATUS = ""  # "{shown} of {total} …"
    PERMISSION = ""  # the permission to write
    WRITES: tuple[str, ...] = ("edit", "write")  # actions only writers have

    # Specific enough to win over the widgets' own rules (a focused OptionList's border).
    DEFAULT_CSS = """
    FinderScreen Input.finder-filter { margin: 0 1; }
    FinderScreen Static.finder-status { height: 1; padding: 0 2; color: $text-muted; }
    FinderScreen Horizontal.finder-body { height: 1fr; }
    FinderScreen .finder-body OptionList.finder-list { min-width: 36; border: none; padding: 0 1; }
    FinderScreen .finder-body VerticalScroll.finder-view {
        width: 1fr; border-left: solid $panel; padding: 0 1;
    }
    FinderScreen .finder-view Static.finder-meta { color: $text-muted; padding: 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.shown: list[Row] = []

    # -- what a subclass says ------------------------------------------------------------
    def read_rows(self, done: Callable[[list[Row]], None]) -> None:
        """Read every row in a worker and hand them to `done`."""
        raise NotImplementedError

    def row_id(self, row: Row) -> str:
        raise NotImplementedError

    def score(self, matcher: Matcher, query: str, row: Row) -> float:
        raise NotImplementedError

    def prompt(self, row: Row) -> Text:
        """The row's entry in the list (its name is data: `Text`, never markup)."""
        raise NotImplementedError

    def show(self, row: Row) -> None:
        """Fill the meta line and the body beside the list with `row`."""
        raise NotImplementedError

    # -- the screen ------------------------------------------------------------------------
    @property
    def may_write(self) -> bool:
        return permissions.allows(self.desk.actor.role, self.PERMISSION)

    def compose(self) -> ComposeResult:
        key = self.ID
        yield Header()
        yield Input(placeholder=_(self.PLACEHOLDER), id=f"{key}-filter", classes="finder-filter")
        yield Static(id=f"{key}-status", classes="finder-status")
        with Horizontal(id=f"{key}-body", classes="finder-body"):
            yield OptionList(id=f"{key}-list", classes="finder-list")
            with VerticalScroll(id=f"{key}-view", classes="finder-view"):
                yield Static(id=f"{key}-meta", classes="finder-meta")
                yield Static(id=f"{key}-{self.VIEW}")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE_TEXT)
        if not self.may_write:
            self.sub_title = _(self.READ_ONLY)
        self.filter_box.focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITES:
            return self.may_write
        return True

    def load(self, select: str | None = None) -> None:
        """(Re)read the rows; the one of id `select` is highlighted, else the first."""

        def loaded(rows: list[Row]) -> None:
            self.rows = rows
            self._filter(self.filter_box.value, select=select)

        self.read_rows(loaded)

    @property
    def filter_box(self) -> Input:
        return self.query_one(f"#{self.ID}-filter", Input)

    @property
    def options(self) -> OptionList:
        return self.query_one(f"#{self.ID}-list", OptionList)

    @property
    def meta(self) -> Static:
        return self.query_one(f"#{self.ID}-meta", Static)

    @property
    def body(self) -> Static:
        return self.query_one(f"#{self.ID}-{self.VIEW}", Static)

    @on(Input.Changed, ".finder-filter")
    def _typed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    @on(Input.Submitted, ".finder-filter")
    def _submitted(self) -> None:
        if self.shown:
            self.options.focus()

    def _filter(self, query: str, *, select: str | None = None) -> None:
        """Narrowed in memory: a desk has a few dozen macros, a few hundred templates."""
        if query.strip():
            matcher = Matcher(query)
            scored = [(self.score(matcher, query, r), i, r) for i, r in enumerate(self.rows)]
            self.shown = [r for s, _i, r in sorted(scored, key=lambda x: (-x[0], x[1])) if s > 0]
        else:
            self.shown = list(self.rows)
        options = self.options
        options.clear_options()
        for row in self.shown:
            options.add_options([Option(self.prompt(row), id=self.row_id(row)), None])  # a rule
        ids = [self.row_id(r) for r in self.shown]
        if ids:
            options.highlighted = ids.index(select) if select in ids else 0
        else:
            self.meta.update("")
            self.body.update("")
        status = _(self.STATUS).format(shown=len(self.shown), total=len(self.rows))
        self.query_one(f"#{self.ID}-status", Static).update(status)

    @property
    def current(self) -> Row | None:
        option = self.options.highlighted_option
        return next((r for r in self.shown if option and self.row_id(r) == option.id), None)

    @on(OptionList.OptionHighlighted, ".finder-list")
    def _highlighted(self) -> None:
        row = self.current
        if row is not None:
            self.show(row)

    @on(OptionList.OptionSelected, ".finder-list")
    def _selected(self) -> None:
        if self.may_write:
            self.action_edit()

    def action_edit(self) -> None:
        raise NotImplementedError

    def action_back(self) -> None:
        self.dismiss()

    def action_find(self) -> None:
        self.filter_box.focus()

    def action_move(self, delta: int) -> None:
        if self.shown:
            (self.options.action_cursor_down if delta > 0 else self.options.action_cursor_up)()

    def action_refresh(self) -> None:
        row = self.current
        self.load(select=self.row_id(row) if row is not None else None)
