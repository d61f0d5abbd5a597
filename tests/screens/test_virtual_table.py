"""The queue is virtual: with 200,000 tickets it shows the first page and goes to the last
row having read a few hundred rows, not the table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.app import App, ComposeResult

from helpdesk_tui.app import make_app
from helpdesk_tui.screens.workspace import WorkspaceScreen
from helpdesk_tui.services import agents, demo
from helpdesk_tui.store.db import open_store
from helpdesk_tui.widgets.ticket_table import TicketTable
from tests.screens.conftest import NOW
from tests.screens.helpers import paste, ready

TICKETS = 200_000
FEW = 400  # rows a screen may read to show a page and jump to the end


@pytest.fixture(scope="session")
def big_template(sqlite_template, tmp_path_factory) -> Path:
    """200,000 generated tickets (built once per session: about two minutes)."""
    path = tmp_path_factory.mktemp("big") / "big.sqlite3"
    shutil.copy(sqlite_template, path)
    store = open_store(f"sqlite:///{path}")
    demo.generate(store, TICKETS, seed=3, now=NOW)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture
def big_store(big_template):
    store = open_store(f"sqlite:///{big_template}")  # read-only use: no copy of 600 MB
    yield store
    store.dispose()


def _sql(store, query: str, **params):
    with store.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def _line(table: TicketTable, position: int) -> str:
    """What the table draws for queue row `position` (it must be in view)."""
    y = position - int(table.scroll_y) + 1
    assert 1 <= y < table.size.height, f"row {position} is not in view"
    return "".join(segment.text for segment in table.render_line(y))


@pytest.mark.slow
async def test_the_queue_pages_through_200k_tickets_reading_only_what_is_shown(big_store):
    app = make_app(
        big_store,
        agents.resolve(big_store, "sokolova"),  # a supervisor: the "All open" tab
        clock=lambda: NOW,
        live_updates=False,
        sla_tick=False,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        if not isinstance(app.screen, WorkspaceScreen):  # a supervisor lands on the board
            await pilot.press("w")
            await ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen) and screen.query_.tab.id == "all"
        table = screen.query_one(TicketTable)
        # include resolved, closed and cancelled: every ticket of the store
        await pilot.press("f")
        await ready(app, pilot)
        await paste(app, pilot, "include resolved")
        await pilot.press("enter")
        await ready(app, pilot)
        assert screen.query_.filters.all_statuses
        assert table.total == TICKETS
        assert "200,000 tickets" in str(screen.query_one("#queue-status").render())

        # the first page, in SLA order (no deadline first: SQLite sorts NULL low)
        (first,) = _sql(big_store, "SELECT key FROM ticket ORDER BY due_at, id LIMIT 1")
        assert table.current.key == first.key
        assert first.key in _line(table, 0)
        after_first_page = screen.rows_fetched
        assert 0 < after_first_page <= 2 * 100

        # to the last row, and back, and to the end again by the other key
        await pilot.press("G")
        await ready(app, pilot)
        (last,) = _sql(
            big_store, "SELECT key FROM ticket ORDER BY due_at, id LIMIT 1 OFFSET :n", n=TICKETS - 1
        )
        assert table.cursor == TICKETS - 1
        assert table.current.key == last.key
        assert last.key in _line(table, TICKETS - 1)
        await pilot.press("g")
        await ready(app, pilot)
        assert table.current.key == first.key
        await pilot.press("end")
        await ready(app, pilot)
        assert table.current.key == last.key
        assert screen.rows_fetched <= FEW, f"{screen.rows_fetched:,} rows read"

        # open tickets only: pages move by keyset, upwards too, from the rows on screen
        await pilot.press("f")
        await ready(app, pilot)
        await paste(app, pilot, "include resolved")  # toggles it off
        await pilot.press("enter")
        await ready(app, pilot)
        (open_count,) = _sql(big_store, "SELECT count(*) FROM ticket WHERE is_open")
        assert table.total == open_count[0]
        fetched = screen.rows_fetched
        await pilot.press("G")
        await ready(app, pilot)
        await pilot.press(*["pageup"] * 4)  # up across the boundary of a block of rows
        await ready(app, pilot)
        assert table.cursor < open_count[0] - 100
        for position in (table.cursor, int(table.scroll_y)):
            (row,) = _sql(
                big_store,
                "SELECT key FROM ticket WHERE is_open ORDER BY due_at, id LIMIT 1 OFFSET :n",
                n=position,
            )
            assert row.key in _line(table, position)
        assert screen.rows_fetched - fetched <= 3 * 100


class _Asking(App):
    """A table alone, its requests for rows recorded and never answered."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield TicketTable()

    def on_ticket_table_need_rows(self, event: TicketTable.NeedRows) -> None:
        self.asked.append((event.start, event.count))


async def test_a_jump_to_a_short_last_block_asks_for_the_rows_in_view_at_once():
    """220 rows: the last block holds 20, fewer than the view shows. `G` asked for the last
    block and the one above it apart (two reads, the second skipping the first's rows; on
    a million tickets the first `G` painted in 85–126 ms): now one request for both."""
    app = _Asking()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(TicketTable)
        table.reset(220)
        await pilot.pause()
        assert app.asked == [(0, 100)]
        table.focus()
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor == 219
        assert app.asked[1] == (100, 120), app.asked  # then the page above, once painted
