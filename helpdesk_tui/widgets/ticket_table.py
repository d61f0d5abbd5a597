"""A virtual ticket table: renders only the lines in view, asks for rows it lacks.

Built on the Line API (`ScrollView.render_line` → `Strip`): its height is the queue's row
count, but it holds only the rows its screen has fetched, by position. When a line in
view has no row yet it draws a placeholder and posts `TicketTable.NeedRows`; the screen
fetches that window (keyset from a neighbouring row it already has, else the reversed
order or an offset) and hands it back with `put_rows`. So opening, scrolling and jumping
cost the same with 300 tickets or a million. The SLA column counts down each second from
the rows' deadlines and calendars, without touching the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style as TextualStyle

from helpdesk_tui.domain.clocks import ClockUse, clock_use, percent
from helpdesk_tui.domain.sla import BusinessCalendar, ClockState
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_, _, format_duration, language
from helpdesk_tui.services.queue import QueueRow
from helpdesk_tui.widgets.scrollbar import install_steady_scrollbar

BLOCK = 100  # rows per block of what the table holds (a request asks for one or a few)
RUN_BLOCKS = 3  # adjacent blocks asked for in one request at most
REST_AFTER_S = 0.1  # a first page's paint before the rest of its block is asked for
KEPT_LINES = 400  # rows drawn within the current second, kept for a scroll to reuse
PLAIN = Style()  # a cell with no style of its own (one object: a row made seven)


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # marked `N_`, shown with `_`
    width: int  # 0: takes the rest
    min_table_width: int = 0  # hidden when the table is narrower
    width_ru: int = 0  # a wider column in Russian (its durations are longer: "2 ч 15 мин")


COLUMNS = (
    Column("key", N_("Key"), 9),
    Column("priority", N_("P"), 3),
    Column("sla", N_("SLA left"), 10, width_ru=12),
    # % of each clock's target used: response, resolution, update
    Column("use_response", N_("Rsp%"), 4),
    Column("use_resolution", N_("Res%"), 4),
    Column("use_update", N_("Upd%"), 4),
    Column("status", N_("Status"), 13),
    Column("subject", N_("Subject"), 0),
    Column("where", N_("Customer / site"), 26, 100),
    Column("assignee", N_("Assignee"), 11, 90),
    Column("age", N_("Age"), 5, 70),
)


def sla_state(row: QueueRow, now: datetime) -> str:
    """running | at-risk | breached | paused | none, for colouring."""
    if row.deadline is None:
        return "none"
    if row.paused_at is not None:
        return "breached" if row.deadline <= row.paused_at else "paused"
    if now >= row.deadline:
        return "breached"
    if row.risk_at is not None and now >= row.risk_at:
        return "at-risk"
    return "running"


def sla_left(row: QueueRow, calendar: BusinessCalendar | None, now: datetime) -> str:
    """Business time to the running deadline (negative when overdue; frozen when paused)."""
    if row.deadline is None:
        return "—"
    start = row.paused_at or now
    seconds = (
        calendar.between(start, row.deadline)
        if calendar is not None
        else (row.deadline - start).total_seconds()
    )
    text = format_duration(seconds)
    return ("⏸ " + text) if row.paused_at is not None else text


# a clock's state → the table's style for it (a met clock is shown as a good one)
STATE_STYLES = {
    ClockState.RUNNING: "running",
    ClockState.MET: "running",
    ClockState.AT_RISK: "at-risk",
    ClockState.BREACHED: "breached",
    ClockState.PAUSED: "paused",
}


def clock_uses(
    row: QueueRow, calendar: BusinessCalendar | None, now: datetime
) -> tuple[ClockUse, ClockUse, ClockUse]:
    """The row's three clocks as % used, from its stored fields and `now` (no query)."""
    if calendar is None:
        return tuple(ClockUse(name, None, None) for name in ("response", "resolution", "update"))
    done = row.resolved_at
    return (
        clock_use(
            calendar, now, "response", row.response_due, row.response_risk_at,
            row.response_target_s, row.first_response_at, row.paused_at,
            row.response_business_s,
        ),
        clock_use(
            calendar, now, "resolution", row.resolution_due, row.resolution_risk_at,
            row.resolution_target_s, done, row.paused_at, row.resolution_business_s,
        ),
        clock_use(
            calendar, now, "update", row.update_due, row.update_risk_at,
            row.update_target_s, done, row.paused_at,
        ),
    )  # fmt: skip


def age(created: datetime, now: datetime) -> str:
    """How old a ticket is, in its largest unit: "40m", "5h", "3d" ("40м", "5ч", "3д")."""
    seconds = max(0, (now - created).total_seconds())
    if seconds < 3600:
        return _("{n}m").format(n=int(seconds // 60))
    if seconds < 86400:
        return _("{n}h").format(n=int(seconds // 3600))
    return _("{n}d").format(n=int(seconds // 86400))


class TicketTable(ScrollView, can_focus=True):
    """The queue's rows; keyboard first (j/k, g/G, page keys, enter)."""

    BINDINGS = [
        Binding("j,down", "cursor(1)", N_("Down"), show=False, id="table.down"),
        Binding("k,up", "cursor(-1)", N_("Up"), show=False, id="table.up"),
        Binding("g,home", "first", N_("First"), show=False, id="table.first"),
        Binding("G,end", "last", N_("Last"), show=False, id="table.last"),
        Binding("pagedown,ctrl+f", "page(1)", N_("Page down"), show=False, id="table.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", N_("Page up"), show=False, id="table.page_up"),
        Binding("enter", "select", N_("Open"), id="table.open", tooltip=N_("Open the ticket")),
    ]

    COMPONENT_CLASSES = {
        "ticket-table--header",
        "ticket-table--cursor",
        "ticket-table--placeholder",
        "ticket-table--running",
        "ticket-table--at-risk",
        "ticket-table--breached",
        "ticket-table--paused",
        "ticket-table--p1",
        "ticket-table--p2",
        "ticket-table--mine",
    }

    DEFAULT_CSS = """
    TicketTable {
        height: 1fr;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        background: $surface;
    }
    TicketTable > .ticket-table--header { text-style: bold; background: $panel; color: $text; }
    TicketTable > .ticket-table--cursor { background: $block-cursor-blurred-background; }
    TicketTable:focus > .ticket-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    TicketTable > .ticket-table--placeholder { color: $text-muted; }
    TicketTable > .ticket-table--running { color: $success; }
    TicketTable > .ticket-table--at-risk { color: $warning; text-style: bold; }
    TicketTable > .ticket-table--breached { color: $error; text-style: bold; }
    TicketTable > .ticket-table--paused { color: $text-muted; }
    TicketTable > .ticket-table--p1 { color: $error; text-style: bold; }
    TicketTable > .ticket-table--p2 { color: $warning; }
    TicketTable > .ticket-table--mine { text-style: italic; }
    """

    # no repaint of the whole table on a move: watch_cursor refreshes the two lines
    cursor: reactive[int] = reactive(0, always_update=False, repaint=False)

    class NeedRows(Message):
        """Rows `start` … `start + count - 1` are in view but not loaded."""

        def __init__(self, table: TicketTable, start: int, count: int) -> None:
            super().__init__()
            self.table = table
            self.start = start
            self.count = count

    class Highlighted(Message):
        def __init__(self, table: TicketTable, row: QueueRow | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class Selected(Message):
        def __init__(self, table: TicketTable, row: QueueRow) -> None:
            super().__init__()
            self.table = table
            self.row = row

    def __init__(
        self,
        *,
        calendars: Mapping[int, BusinessCalendar] | None = None,
        me: str | None = None,
        clock: Callable[[], datetime] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.calendars: Mapping[int, BusinessCalendar] = calendars or {}
        self.me = me
        self.clock = clock or (lambda: datetime.now(UTC))
        self.total = 0
        self._rows: dict[int, QueueRow] = {}
        self._asked: set[int] = set()  # blocks requested and not yet answered
        self._styles: dict[str, Style] = {}
        self._request_scheduled = False
        self._pending: set[int] = set()
        self.generation = 0  # bumped on reset: answers to older requests are dropped
        self._frame: tuple[int, Style, list[tuple[Column, int]]] | None = None  # one paint
        # rows as drawn this second, by what they show: a cursor move that scrolls the view
        # by a line redraws every line, and all but one are here (kept for a second: the
        # SLA columns move on with the clock)
        self._lines: dict[tuple, Strip] = {}
        self._lines_second = 0
        # those lines as handed to the compositor (`_render_boxless`), by the line's id
        self._finished: dict[int, tuple[Strip, Strip]] = {}
        self._finished_for: tuple = ()
        # each row in view as the last tick found it (ticket key → row, cells)
        self._faces: dict[str, tuple[QueueRow, list]] = {}
        self.rest_due = False  # the rest of the first block will be asked for (a timer runs)

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def _in_sight(self) -> bool:
        """Rows to show, on the screen in front: what the second's redraw is for."""
        return bool(self.total and self.region.area and self.screen.is_current)

    def _tick(self) -> None:
        """The SLA columns count down (and turn at-risk, then breached) by themselves: each
        second, redraw the rows in view whose cells changed, from memory, while the table is
        on screen. They show minutes, so most seconds that is a line or two, not the whole
        table (a full repaint each second was 8–10 ms of the event loop, and a key pressed
        just after it waited for the next frame)."""
        if not self._in_sight():
            return
        layout = self._layout()
        top = int(self.scroll_y)
        shown: dict[str, tuple[QueueRow, list]] = {}
        moved: set[str] = set()
        for y in range(1, self.size.height):
            row = self.row_at(top + y - 1)
            if row is None:
                continue
            face = (row, self._cells(row, layout))
            shown[row.key] = face
            if self._faces.get(row.key) != face:  # new in view, or its cells moved on
                moved.add(row.key)
                self.refresh_line(top + y)
        self._faces = shown
        if moved:  # their lines kept this second may show the cells before they moved
            self._lines = {k: line for k, line in self._lines.items() if k[1].key not in moved}

    # -- data in --------------------------------------------------------------------
    def reset(
        self, total: int, *, cursor: int | None = None, first: Sequence[QueueRow] = ()
    ) -> None:
        """A new queue (tab, filter, sort) or a refresh: forget rows, keep the cursor.
        `first`: the queue's first rows, read with its count."""
        self.generation += 1
        self.total = max(0, total)
        self._rows.clear()
        self._lines.clear()
        self._asked.clear()
        self._rows.update(enumerate(first[: self.total]))
        self.virtual_size = Size(self.size.width, self.total + 1)
        new_cursor = self.cursor if cursor is None else cursor
        before = self.cursor
        self.cursor = min(max(0, new_cursor), max(0, self.total - 1))
        self._scroll_to_cursor(animate=False)
        self.refresh()
        self._schedule_request()
        rest = min(BLOCK, self.total) - len(first)
        if first and rest > 0:  # the first block's other rows, once the screen is painted
            self.rest_due = True
            self.set_timer(REST_AFTER_S, partial(self._ask_rest, self.generation, len(first)))
        if self.cursor == before and self.cursor in self._rows:  # else watch_cursor tells
            self.post_message(self.Highlighted(self, self._rows[self.cursor]))

    def _ask_rest(self, generation: int, start: int) -> None:
        """Rows `start` … of the first block, unless a newer queue or a scroll got them."""
        self.rest_due = False
        count = min(BLOCK, self.total) - start
        if generation == self.generation and 0 not in self._asked and start not in self._rows:
            self._asked.add(0)
            self.post_message(self.NeedRows(self, start, count))

    def put_rows(self, generation: int, start: int, rows: list[QueueRow]) -> None:
        if generation != self.generation:
            return
        for offset, row in enumerate(rows):
            if 0 <= start + offset < self.total:
                self._rows[start + offset] = row
        for block in range(start // BLOCK, (start + max(1, len(rows)) - 1) // BLOCK + 1):
            self._asked.discard(block)
        self.refresh()
        if self.cursor in self._rows and start <= self.cursor < start + len(rows):
            self.post_message(self.Highlighted(self, self._rows[self.cursor]))

    def row_at(self, position: int) -> QueueRow | None:
        return self._rows.get(position)

    def neighbour_key(self, position: int, count: int = BLOCK) -> tuple[str, tuple] | None:
        """A loaded row next to rows `position` … `position + count - 1`, to page by keyset:
        ("after", key of the row above) or ("before", key of the row below)."""
        above = self._rows.get(position - 1)
        if above is not None:
            return "after", above.sort_key
        below = self._rows.get(position + count)
        if below is not None:
            return "before", below.sort_key
        return None

    @property
    def current(self) -> QueueRow | None:
        return self._rows.get(self.cursor)

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def position_of_key(self, key: str) -> int | None:
        for position, row in self._rows.items():
            if row.key == key:
                return position
        return None

    # -- movement -------------------------------------------------------------------
    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        self._scroll_to_cursor()
        if int(self.scroll_y) == top:  # only two lines change (a scroll repaints them all)
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        self.post_message(self.Highlighted(self, self._rows.get(new)))
        self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        """Ask for the rows a page above and below the view once the move is painted, so
        the next page key finds them loaded (from the neighbouring row's key: cheap)."""
        top, height = int(self.scroll_y), self.page_height
        for position in range(max(0, top - height), min(self.total, top + 2 * height)):
            if position not in self._rows:
                self._want(position)

    def _scroll_to_cursor(self, animate: bool = False) -> None:
        top = int(self.scroll_y)
        height = self.page_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=animate, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=animate, immediate=True)

    def action_cursor(self, delta: int) -> None:
        if self.total:
            self.cursor = min(max(0, self.cursor + delta), self.total - 1)

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self.page_height)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        if self.total:
            self.cursor = self.total - 1

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: Click) -> None:
        position = int(self.scroll_y) + event.y - 1
        if event.y >= 1 and 0 <= position < self.total:
            self.cursor = position
            if event.chain == 2:
                self.action_select()

    # -- rendering --------------------------------------------------------------------
    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """A page down moves the thumb by a fraction of a cell: drawn again only if moved."""
        return install_steady_scrollbar(self)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._lines.clear()
        super().notify_style_update()

    def _expire_lines(self) -> None:
        second = int(self.clock().timestamp())
        if second != self._lines_second or len(self._lines) > KEPT_LINES:
            self._lines.clear()
            self._lines_second = second
        if len(self._finished) > KEPT_LINES:
            self._finished.clear()

    def _style(self, name: str, partial: bool = False) -> Style:
        """A component style; `partial` gives only what the CSS sets (a cell's colour must
        not paint the table's background over the cursor)."""
        cache_key = f"{name}/partial" if partial else name
        if cache_key not in self._styles:
            self._styles[cache_key] = self.get_component_rich_style(
                f"ticket-table--{name}", partial=partial
            )
        return self._styles[cache_key]

    def _layout(self) -> list[tuple[Column, int]]:
        width = self.scrollable_content_region.width
        russian = language() == "ru"
        shown = [
            (c, c.width_ru if russian and c.width_ru else c.width)
            for c in COLUMNS
            if width >= c.min_table_width
        ]
        fixed = sum(w + 1 for _c, w in shown if w)
        flex = max(10, width - fixed - 1)
        return [(c, w or flex) for c, w in shown]

    def _frame_values(self) -> tuple[int, Style, list[tuple[Column, int]]]:
        return self.scrollable_content_region.width, self.rich_style, self._layout()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The width, the table's style and the columns once per paint, not once per line
        (a page down repaints every line: they were a third of its time)."""
        self._frame = self._frame_values()
        self._expire_lines()
        try:
            if self._boxless():
                return self._render_boxless(crop)
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _boxless(self) -> bool:
        """No border, outline, padding, tint, opacity or hatch: all Textual's per-line
        styling does to our lines is what `_render_boxless` does."""
        styles = self.styles
        return (
            not any(edge for edge, _colour in styles.border)
            and not any(edge for edge, _colour in styles.outline)
            and not any(styles.padding)
            and not styles.tint.a
            and self.opacity == 1.0
            and styles.text_opacity == 1.0
            and not (styles.has_rule("hatch") and styles.hatch != "none")
        )

    def _render_boxless(self, crop: Region) -> list[Strip]:
        """Our lines as `Widget.render_lines` (Textual's `StylesCache`) hands them to the
        compositor for a boxless widget, each line finished once: Textual copies every line
        into a new strip on each paint, so the app's colour filter ran again on all of them
        even when the view only moved by a line (the cursor key that scrolls). Kept equal
        to Textual's by tests/screens/test_table_drawing.py."""
        width = self.region.width
        content_width = self.content_region.width
        base_background, background = self.background_colors
        filters = tuple(self.get_line_filters())
        context = (width, content_width, base_background, background, filters)
        finished = self._finished
        if context != self._finished_for:
            finished.clear()
            self._finished_for = context
        inner = TextualStyle(background=base_background + background).rich_style
        strips = []
        for y in crop.line_range:
            line = self.render_line(y)
            done = finished.get(id(line))
            if done is not None and done[0] is line:
                strips.append(done[1])
                continue
            strip = Strip(line.adjust_cell_length(content_width, inner), width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            finished[id(line)] = (line, strip)  # the line kept alive: its id stays its own
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def render_line(self, y: int) -> Strip:
        width, base, layout = self._frame or self._frame_values()
        if y == 0:
            header = self._style("header")
            cells = [(_(c.label), w, header) for c, w in layout]
            return self._strip(cells, width, base + header)
        position = int(self.scroll_y) + y - 1
        if position >= self.total:
            return Strip.blank(width, base)
        row = self._rows.get(position)
        on_cursor = position == self.cursor
        line_style = base + self._style("cursor") if on_cursor else base
        over = self._style("cursor", partial=True) if on_cursor else None
        if row is None:
            self._want(position)
            text = "…" if position % 2 == 0 else ""
            placeholder = self._style("placeholder", partial=True)
            return self._strip([(text, width, placeholder)], width, line_style, over)
        if self._frame is None:  # drawn outside a paint
            self._expire_lines()
        key = (position, row, width, on_cursor and (1 + self.has_focus))
        strip = self._lines.get(key)
        if strip is None:
            strip = self._strip(self._cells(row, layout), width, line_style, over)
            self._lines[key] = strip
        return strip

    def _cells(
        self, row: QueueRow, layout: list[tuple[Column, int]] | None = None
    ) -> list[tuple[str, int, Style]]:
        now = self.clock()
        state = sla_state(row, now)
        sla_style = self._style(state, partial=True) if state != "none" else PLAIN
        prio_style = self._style(f"p{row.priority}", partial=True) if row.priority <= 2 else PLAIN
        mine = self._style("mine", partial=True) if self.me and row.assignee == self.me else PLAIN
        calendar = self.calendars.get(row.calendar_id)
        uses = {
            f"use_{use.name}": (
                percent(use.share),
                self._style(STATE_STYLES[use.state], partial=True) if use.state else PLAIN,
            )
            for use in clock_uses(row, calendar, now)
        }
        values = {
            **uses,
            "key": (row.key, PLAIN),
            "priority": (f"P{row.priority}", prio_style),
            "sla": (sla_left(row, calendar, now), sla_style),
            "status": (status_label(row.status), PLAIN),
            "subject": (visible_line(row.subject), PLAIN),
            "where": (visible_line(row.where), PLAIN),
            "assignee": (row.assignee or "—", mine),
            "age": (age(row.created_at, now), PLAIN),
        }
        return [(values[c.key][0], w, values[c.key][1]) for c, w in layout or self._layout()]

    @staticmethod
    def _strip(
        cells: list[tuple[str, int, Style]],
        width: int,
        line_style: Style,
        over: Style | None = None,
    ) -> Strip:
        """One line of cells; `over` (the cursor) is laid over every cell's own style."""
        gap = Segment(" ", line_style)
        segments = [gap]
        length = 1
        for text, cell_width, style in cells:
            if length > 1:
                segments.append(gap)
                length += 1
            if cell_len(text) > cell_width:
                text = set_cell_size(text, cell_width - 1) + "…"
            cell_style = line_style + style + over if over is not None else line_style + style
            segments.append(Segment(set_cell_size(text, cell_width), cell_style))
            length += cell_width
        # each cell exactly its width, so the line is as long as the layout made it: no
        # need to measure it again, nor (when the columns fill the width) to crop or pad it
        strip = Strip(segments, length)
        return strip if length == width else strip.adjust_cell_length(width, line_style)

    # -- asking for rows ------------------------------------------------------------------
    def _want(self, position: int) -> None:
        block = position // BLOCK
        if block not in self._asked:
            self._asked.add(block)
            self._pending.add(block)
            self._schedule_request()

    def _schedule_request(self) -> None:
        if not self._request_scheduled:
            self._request_scheduled = True
            self.call_later(self._send_requests)

    def _send_requests(self) -> None:
        """One request for each run of adjacent blocks in view: a jump to the end (`G`) of
        a queue whose last block is short needs it and the block above; asked apart, they
        were two reads in two threads, the second skipping the first's rows again, and
        two paints, the first of a view still half placeholders."""
        self._request_scheduled = False
        runs: list[list[int]] = []  # [first block, last block]
        for block in sorted(self._pending):
            if runs and block == runs[-1][1] + 1 and block - runs[-1][0] < RUN_BLOCKS:
                runs[-1][1] = block
            else:
                runs.append([block, block])
        self._pending.clear()
        for first, last in runs:
            start = first * BLOCK
            count = min((last + 1) * BLOCK, self.total) - start
            if count > 0:
                self.post_message(self.NeedRows(self, start, count))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total + 1)
        self._scroll_to_cursor()
