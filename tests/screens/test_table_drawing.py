"""The queue table draws its lines, and its scrollbar, without Textual's per-line styling
and Rich's scrollbar rendering on every paint (tests/bench: cursor and page keys). What it
hands the compositor must stay exactly what Textual would have drawn."""

from __future__ import annotations

import sys
from datetime import timedelta

from rich.segment import Segment
from rich.style import Style
from textual.filter import Monochrome
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from helpdesk_tui.widgets import strips
from helpdesk_tui.widgets.scrollbar import SteadyScrollBar
from helpdesk_tui.widgets.strips import _textual_divide
from helpdesk_tui.widgets.ticket_table import TicketTable
from tests.screens.helpers import queue_tab, ready


def _whole(widget: Widget) -> Region:
    return Region(0, 0, widget.region.width, widget.region.height)


def _textuals(table: TicketTable, crop: Region) -> list:
    """What `Widget.render_lines` (Textual's styling of each line) makes of our lines."""
    table._styles_cache.clear()
    table._frame = table._frame_values()
    try:
        return Widget.render_lines(table, crop)
    finally:
        table._frame = None


async def test_the_table_hands_over_the_lines_textual_would_draw(app_for):
    app = app_for("morozov")  # every open ticket: more rows than the screen
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await queue_tab(app, pilot, "all")
        table = screen.query_one(TicketTable)
        assert table._boxless()
        for crop in (_whole(table), Region(3, 2, 40, 5)):
            assert table.render_lines(crop) == _textuals(table, crop)
        first = table.render_lines(_whole(table))  # the rows' lines, finished once (not the
        again = table.render_lines(_whole(table))  # header: drawn anew, it is one line)
        assert all(a is b for a, b in zip(first[1:], again[1:], strict=True))
        # the cursor off focus, a mark in the margin, a colour filter (a terminal with
        # no colour), and a line down: still the same
        grey = [Monochrome()]
        app.get_line_filters = lambda: grey
        screen.query_one("#queue-search").focus()
        table.set_marked({table.row_at(1).key})
        await pilot.pause()
        assert table.render_lines(_whole(table)) == _textuals(table, _whole(table))
        table.focus()
        await pilot.press("G")
        await ready(app, pilot)
        assert table.render_lines(_whole(table)) == _textuals(table, _whole(table))


async def test_a_table_with_a_border_is_styled_by_textual(app_for):
    app = app_for("morozov")
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await queue_tab(app, pilot, "all")
        table = screen.query_one(TicketTable)
        table.styles.border = ("round", "red")
        table.styles.padding = (0, 1)
        await ready(app, pilot)
        assert not table._boxless()
        lines = table.render_lines(_whole(table))
        assert lines == _textuals(table, _whole(table))
        assert lines[0].text.startswith("╭")


async def test_the_scrollbar_draws_what_textuals_would_and_reuses_its_lines(app_for):
    app = app_for("morozov")
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await queue_tab(app, pilot, "all")
        table = screen.query_one(TicketTable)
        bar = table.vertical_scrollbar
        assert isinstance(bar, SteadyScrollBar) and bar.display
        for key in ("pagedown", "pagedown", "down", "G", "g"):
            await pilot.press(key)
            await ready(app, pilot)
            ours = bar.render_lines(_whole(bar))
            bar._styles_cache.clear()
            bar.refresh()
            assert ours == ScrollBar.render_lines(bar, _whole(bar)), key
        drawn = bar.render_lines(_whole(bar))
        again = bar.render_lines(_whole(bar))
        assert all(a is b for a, b in zip(drawn, again, strict=True))
        bar.mouse_over = True  # another colour: drawn again, as Textual draws it
        await pilot.pause()
        hover = bar.render_lines(_whole(bar))
        bar._styles_cache.clear()
        bar.refresh()
        assert hover == ScrollBar.render_lines(bar, _whole(bar)) and hover != drawn


async def test_each_second_only_the_rows_whose_cells_moved_are_redrawn(app_for):
    app = app_for("morozov")
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await queue_tab(app, pilot, "all")
        table = screen.query_one(TicketTable)
        redrawn: list[int] = []
        table.refresh_line = redrawn.append
        table._tick()  # rows never seen by a tick: all redrawn once
        top, lines = int(table.scroll_y), range(1, table.size.height)
        assert redrawn == [top + y for y in lines if table.row_at(top + y - 1)]
        redrawn.clear()
        table._tick()  # the same second: nothing moved
        assert redrawn == []
        frozen = table.clock()
        later = frozen + timedelta(seconds=90)
        table.clock = lambda: later
        layout = table._layout()
        moved = [
            top + y
            for y in lines
            if (row := table.row_at(top + y - 1))
            and table._cells(row, layout) != [*_cells_at(table, row, layout, frozen)]
        ]
        table._tick()
        assert moved and redrawn == moved  # a minute and a half on: those whose SLA moved
        redrawn.clear()
        table._tick()
        assert redrawn == []


def _cells_at(table: TicketTable, row, layout, when):
    clock = table.clock
    table.clock = lambda: when
    try:
        return table._cells(row, layout)
    finally:
        table.clock = clock


async def test_a_row_whose_cells_move_within_a_second_is_drawn_anew(app_for, monkeypatch):
    """Rows are kept as drawn for the second; a tick that finds a row's cells moved (a
    deadline's minute turns at any instant) must not hand back the line drawn before."""
    app = app_for("morozov")
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await queue_tab(app, pilot, "all")
        table = screen.query_one(TicketTable)
        table._tick()
        key = table.row_at(int(table.scroll_y)).key  # the first row in view (line 1)
        before = table.render_lines(_whole(table))[1].text
        cells = TicketTable._cells
        monkeypatch.setattr(  # its SLA column moves on, the clock still in the same second
            TicketTable,
            "_cells",
            lambda self, row, layout=None: [
                ("-1h 00m", w, style) if row.key == key and i == 2 else (text, w, style)
                for i, (text, w, style) in enumerate(cells(self, row, layout))
            ],
        )
        table._tick()
        await pilot.pause()
        after = table.render_lines(_whole(table))[1].text
        assert "-1h 00m" in after and after != before


def test_a_whole_line_is_divided_without_referring_to_itself():
    """The compositor divides every line it paints; Textual caches a line that needs no cut
    as `[self]` in the line itself, a cycle only the collector frees (its full collections
    were the slowest key presses). The mended `divide` leaves no reference behind and
    divides at cuts as Textual does."""
    line = Strip([Segment("HD-1042 "), Segment("Printer jams", Style(bold=True))], 20)
    before = sys.getrefcount(line)
    parts = _textual_divide(line, [20])
    assert len(parts) == 1 and parts[0] is line
    del parts
    assert sys.getrefcount(line) == before + 1  # Textual's: held by its own cache

    strips.mend()
    line = Strip([Segment("HD-1042 "), Segment("Printer jams", Style(bold=True))], 20)
    before = sys.getrefcount(line)
    parts = line.divide([20, 25])
    assert len(parts) == 1 and parts[0] is line
    del parts
    assert sys.getrefcount(line) == before
    cut = [p.text for p in line.divide([3, 8, 20])]
    fresh = Strip([Segment("HD-1042 "), Segment("Printer jams", Style(bold=True))], 20)
    assert (
        cut
        == [p.text for p in _textual_divide(fresh, [3, 8, 20])]
        == ["HD-", "1042 ", "Printer jams"]
    )


async def test_the_application_paints_with_the_mended_divide(app_for):
    app = app_for("morozov")
    async with app.run_test(size=(120, 24)):
        assert Strip.divide is strips._divide
