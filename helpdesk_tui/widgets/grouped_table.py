"""The queue with marks, and the queue grouped by service, category, customer, site or asset.

`MarkableTable` is the plain virtual table (`TicketTable`, untouched) with a mark drawn in
its left margin for each marked ticket. `GroupedTable` lays group header rows over the same
Line API: a header per group (its count, how many are breached or at risk, the earliest
deadline), then, for an expanded group, its tickets, which it asks its screen for a block
at a time (`NeedGroupRows`, answered with `put_group_rows`) exactly like the plain table
asks for its rows; a collapsed group costs one line whatever its size.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.i18n import N_, _, format_duration
from helpdesk_tui.services.grouped_queue import Group
from helpdesk_tui.services.queue import QueueRow
from helpdesk_tui.widgets.ticket_table import BLOCK, TicketTable

MARK = "●"


class MarkableTable(TicketTable):
    """The plain queue, with marked tickets flagged in the left margin."""

    DEFAULT_CSS = """
    MarkableTable > .ticket-table--mark { color: $accent; text-style: bold; }
    """
    COMPONENT_CLASSES = TicketTable.COMPONENT_CLASSES | {"ticket-table--mark"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.marked: Collection[str] = frozenset()

    def set_marked(self, keys: Collection[str]) -> None:
        self.marked = keys
        self.refresh()

    def _with_mark(self, strip: Strip, row: QueueRow | None) -> Strip:
        if row is None or row.key not in self.marked or not strip.cell_length:
            return strip
        first = next(iter(strip), None)
        base = first.style if first is not None and first.style else Style()
        mark = Segment(MARK, base + self._style("mark", partial=True))
        return Strip([mark, *strip.crop(1)], strip.cell_length)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if y == 0 or not self.marked:
            return strip
        return self._with_mark(strip, self.row_at(int(self.scroll_y) + y - 1))


@dataclass(frozen=True)
class Place:
    """What a line of the grouped table holds: a group's header (`offset` -1) or its row."""

    group: Group
    index: int  # of the group
    offset: int  # within the group; -1: the header


class GroupedTable(MarkableTable):
    """Group headers and, under each expanded group, its tickets (virtual, by block)."""

    BINDINGS = [
        Binding("enter", "select", N_("Open / fold"), id="grouped.open", show=False),
    ]

    DEFAULT_CSS = """
    GroupedTable { display: none; }
    GroupedTable > .ticket-table--group { text-style: bold; background: $boost; }
    """
    COMPONENT_CLASSES = MarkableTable.COMPONENT_CLASSES | {"ticket-table--group"}

    class NeedGroupRows(Message):
        """Rows `start` … `start + count - 1` of the group `value` are in view, not loaded."""

        def __init__(self, table: GroupedTable, value: int | None, start: int, count: int):
            super().__init__()
            self.table = table
            self.value = value
            self.start = start
            self.count = count

    class Folded(Message):
        """A group was expanded or collapsed (the screen keeps the status line)."""

        def __init__(self, table: GroupedTable) -> None:
            super().__init__()
            self.table = table

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.groups: list[Group] = []
        self.expanded: set[int | None] = set()
        self._starts: list[int] = []  # each group's header position
        self._group_rows: dict[int | None, dict[int, QueueRow]] = {}
        self._group_asked: set[tuple[int | None, int]] = set()
        self._group_pending: set[tuple[int | None, int]] = set()

    # -- data in ----------------------------------------------------------------------------
    def set_groups(self, groups: list[Group], *, keep: bool = True) -> None:
        """New counts (a tab, a filter, a refresh): rows are forgotten, folds kept."""
        self.generation += 1
        values = {g.value for g in groups}
        self.expanded = {v for v in self.expanded if v in values} if keep else set()
        self.groups = list(groups)
        self._group_rows.clear()
        self._group_asked.clear()
        self._relayout()

    def _relayout(self) -> None:
        starts, position = [], 0
        for g in self.groups:
            starts.append(position)
            position += 1 + (g.count if g.value in self.expanded else 0)
        self._starts = starts
        self.total = position
        self.virtual_size = Size(self.size.width, self.total + 1)
        self.cursor = min(max(0, self.cursor), max(0, self.total - 1))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def put_group_rows(
        self, generation: int, value: int | None, start: int, rows: list[QueueRow]
    ) -> None:
        if generation != self.generation:
            return
        store = self._group_rows.setdefault(value, {})
        for offset, row in enumerate(rows):
            store[start + offset] = row
        for block in range(start // BLOCK, (start + max(1, len(rows)) - 1) // BLOCK + 1):
            self._group_asked.discard((value, block))
        self.refresh()
        place = self.place(self.cursor)
        if place is not None and place.group.value == value and place.offset >= 0:
            self.post_message(self.Highlighted(self, self.current))

    # -- where things are -------------------------------------------------------------------
    def place(self, position: int) -> Place | None:
        if not self._starts or not 0 <= position < self.total:
            return None
        index = bisect_right(self._starts, position) - 1
        return Place(self.groups[index], index, position - self._starts[index] - 1)

    def row_at(self, position: int) -> QueueRow | None:
        place = self.place(position)
        if place is None or place.offset < 0:
            return None
        return self._group_rows.get(place.group.value, {}).get(place.offset)

    @property
    def current(self) -> QueueRow | None:
        return self.row_at(self.cursor)

    @property
    def current_group(self) -> Group | None:
        place = self.place(self.cursor)
        return place.group if place is not None else None

    @property
    def loaded(self) -> int:
        return sum(len(rows) for rows in self._group_rows.values())

    def neighbour_key_in(
        self, value: int | None, start: int, count: int
    ) -> tuple[str, tuple] | None:
        rows = self._group_rows.get(value, {})
        above = rows.get(start - 1)
        if above is not None:
            return "after", above.sort_key
        below = rows.get(start + count)
        if below is not None:
            return "before", below.sort_key
        return None

    def position_of_key(self, key: str) -> int | None:
        for index, g in enumerate(self.groups):
            if g.value not in self.expanded:
                continue
            for offset, row in self._group_rows.get(g.value, {}).items():
                if row.key == key:
                    return self._starts[index] + 1 + offset
        return None

    # -- folding ------------------------------------------------------------------------------
    def toggle(self, position: int | None = None) -> None:
        """Expand or collapse the group at `position` (the cursor's); the cursor goes to
        its header."""
        place = self.place(self.cursor if position is None else position)
        if place is None:
            return
        value = place.group.value
        if value in self.expanded:
            self.expanded.discard(value)
        else:
            self.expanded.add(value)
        self._relayout()
        self.cursor = self._starts[place.index]
        self.post_message(self.Folded(self))

    def toggle_all(self) -> None:
        """Collapse every group if any is expanded, else expand them all."""
        group = self.current_group
        self.expanded = set() if self.expanded else {g.value for g in self.groups}
        self._relayout()
        if group is not None:
            index = next(i for i, g in enumerate(self.groups) if g.value == group.value)
            self.cursor = self._starts[index]
        self.post_message(self.Folded(self))

    def action_select(self) -> None:
        place = self.place(self.cursor)
        if place is None:
            return
        if place.offset < 0:
            self.toggle()
        else:
            super().action_select()

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.row_at(new)))

    # -- drawing ------------------------------------------------------------------------------
    def _tick(self) -> None:
        """Group headers count their breaches and deadlines too: redraw all in view."""
        if self._in_sight():
            self.refresh()

    def render_line(self, y: int) -> Strip:
        if y == 0:
            return TicketTable.render_line(self, 0)
        width, base, layout = self._frame or self._frame_values()
        position = int(self.scroll_y) + y - 1
        place = self.place(position)
        if place is None:
            return Strip.blank(width, base)
        on_cursor = position == self.cursor
        line_style = base + self._style("cursor") if on_cursor else base
        over = self._style("cursor", partial=True) if on_cursor else None
        if place.offset < 0:
            return self._header(place.group, width, line_style, over)
        row = self._group_rows.get(place.group.value, {}).get(place.offset)
        if row is None:
            self._want_in(place.group.value, place.offset)
            placeholder = self._style("placeholder", partial=True)
            text = "  …" if place.offset % 2 == 0 else ""
            return self._strip([(text, width, placeholder)], width, line_style, over)
        return self._with_mark(self._strip(self._cells(row, layout), width, line_style, over), row)

    def _header(self, g: Group, width: int, line_style: Style, over: Style | None) -> Strip:
        group_style = line_style if over is not None else line_style + self._style("group")
        fold = "▾" if g.value in self.expanded else "▸"
        state = g.state
        sla = Style()
        if state in ("breached", "at-risk", "running"):
            sla = self._style(state, partial=True)
        parts = [(f"{fold} {visible_line(g.name)}", Style())]
        parts.append(("  " + _("{n} open").format(n=f"{g.count:,}"), Style()))
        if g.breached:
            breached = " · " + _("{n} breached").format(n=f"{g.breached:,}")
            parts.append((breached, self._style("breached", partial=True)))
        if g.at_risk:
            at_risk = " · " + _("{n} at risk").format(n=f"{g.at_risk:,}")
            parts.append((at_risk, self._style("at-risk", partial=True)))
        if g.first_due is not None:
            parts.append((" · " + _("due {left}").format(left=self._due(g.first_due)), sla))
        segments = [Segment(" ", group_style)]
        for text, style in parts:
            cell = group_style + style + over if over is not None else group_style + style
            segments.append(Segment(text, cell))
        return Strip(segments).adjust_cell_length(width, group_style)

    def _due(self, due: datetime) -> str:
        seconds = (due - self.clock()).total_seconds()
        return format_duration(seconds)

    # -- asking for rows ----------------------------------------------------------------------
    def _want_in(self, value: int | None, offset: int) -> None:
        block = offset // BLOCK
        if (value, block) not in self._group_asked:
            self._group_asked.add((value, block))
            self._group_pending.add((value, block))
            if not self._request_scheduled:
                self._request_scheduled = True
                self.call_later(self._send_group_requests)

    def _send_group_requests(self) -> None:
        self._request_scheduled = False
        counts = {g.value: g.count for g in self.groups}
        for value, block in sorted(self._group_pending, key=lambda vb: (str(vb[0]), vb[1])):
            start = block * BLOCK
            count = min(BLOCK, counts.get(value, 0) - start)
            if count > 0:
                self.post_message(self.NeedGroupRows(self, value, start, count))
        self._group_pending.clear()

    def reset(self, total: int, *, cursor: int | None = None) -> None:
        """A plain queue's count answering late (grouping was just turned on): the
        grouped table is filled by `set_groups`, so there is nothing to do."""
