"""Changes made elsewhere (another terminal, the CLI, the mail intake) show by themselves
within a second; the cursor stays on its ticket and text being written is untouched."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlmodel import select
from textual.widgets import TextArea

from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.services import agents, ticket_actions
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store, open_store
from helpdesk_tui.widgets.ticket_pane import TicketPane
from helpdesk_tui.widgets.ticket_table import TicketTable
from tests.screens.helpers import new_ticket, paste, ready

# Shown without a key: the wait is generous so a loaded CI machine cannot fail it; how fast
# (the one-second budget) is measured by benchmark 7, not by a timed test. A change that is
# lost is never shown, so it still fails here.
WITHIN = 5.0  # seconds


@pytest.fixture
def elsewhere(demo_store) -> Store:
    """The same database opened by another process (its own engine and connections)."""
    other = open_store(demo_store.url)
    yield other
    other.dispose()


async def _until(pilot, condition: Callable[[], bool], limit: float) -> float:
    """Wait, pressing nothing, until `condition()`; returns the seconds it took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not condition():
        if loop.time() - start > limit:
            raise AssertionError(f"not shown within {limit} s")
        await pilot.pause(0.02)
    return loop.time() - start


def _keys(table: TicketTable) -> list[str]:
    return [table.row_at(p).key for p in range(table.total) if table.row_at(p)]


async def test_a_change_elsewhere_shows_in_the_queue_and_pane_without_a_key(
    app_for, demo_store, elsewhere
):
    app = app_for("petrov", live_updates=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        table = app.screen.query_one(TicketTable)
        await pilot.press("G")  # the last row: the new urgent call will sort above it
        await ready(app, pilot)
        await pilot.pause(0.15)
        await ready(app, pilot)
        watched = table.current.key
        total = table.total
        pane = app.screen.query_one(TicketPane)
        assert pane.detail.key == watched

        # another terminal: a new urgent call for petrov (sorts above the cursor), and a
        # note from a colleague on the ticket under the cursor
        urgent = new_ticket(elsewhere, "Не работает ни одна касса", impact=1, urgency=1)
        smirnov = agents.resolve(elsewhere, "smirnov")
        ticket_actions.note(elsewhere, smirnov, watched, "Звонил в магазин: ждут инженера")

        def shown() -> bool:
            timeline = str(pane.query_one("#pane-timeline").children[-1].render())
            return table.total == total + 1 and "ждут инженера" in timeline

        await _until(pilot, shown, WITHIN)
        await ready(app, pilot)
        assert urgent in _keys(table)
        assert _keys(table).index(urgent) < table.cursor
        assert table.current.key == watched  # the cursor stayed on its ticket
        assert pane.detail.key == watched


async def test_a_change_committed_after_the_first_queue_was_read_is_shown(
    app_for, demo_store, elsewhere
):
    """The first queue is read before the application runs (`HelpdeskApp.read_first`),
    and the live feed is started before that read: a call registered in between (here,
    after the read and before the first frame) shows without a key, not at the next one."""
    app = app_for("petrov", live_updates=True)
    assert app.first is not None  # read already
    urgent = new_ticket(elsewhere, "Не работает ни одна касса", impact=1, urgency=1)
    assert urgent not in [row.key for row in app.first.opened[1]]
    # the feed is followed once the workspace has that read's queue: a change reported
    # before it had one to refresh was dropped (seen on a loaded machine)
    follow, queues = app._follow_changes, []

    def follow_changes() -> None:
        queues.append(getattr(app.screen, "query_", None))
        follow()

    app._follow_changes = follow_changes
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        table = app.screen.query_one(TicketTable)
        await _until(pilot, lambda: urgent in _keys(table), WITHIN)
        assert len(queues) == 1 and queues[0] is not None


async def test_text_being_written_is_not_disturbed_by_a_change_elsewhere(
    app_for, demo_store, elsewhere
):
    app = app_for("petrov", live_updates=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        key = app.screen.query_one(TicketTable).current.key
        await pilot.press("r")
        await ready(app, pilot)
        assert isinstance(app.screen, ComposeScreen)
        await paste(app, pilot, "Половина ответа")
        smirnov = agents.resolve(elsewhere, "smirnov")
        ticket_actions.note(elsewhere, smirnov, key, "Заметка из другого терминала")
        await pilot.pause(0.8)  # the feed delivered it meanwhile
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one(TextArea).text == "Половина ответа"
        assert app.focused is app.screen.query_one(TextArea)


async def test_the_cursor_keeps_its_ticket_in_a_queue_sorted_by_customer(
    app_for, demo_store, elsewhere
):
    """Sorting by customer pages by offset: the cursor finds its ticket among the rows."""
    with demo_store.read() as s:
        first_customer = s.exec(select(m.Customer.id).order_by(m.Customer.name).limit(1)).one()
        contact = s.exec(
            select(m.Contact.email).where(m.Contact.customer_id == first_customer)
        ).first()
    app = app_for("petrov", live_updates=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        await pilot.press("o")
        await ready(app, pilot)
        await paste(app, pilot, "Sort by customer")
        await pilot.press("enter")
        await ready(app, pilot)
        table = app.screen.query_one(TicketTable)
        await pilot.press("G")
        await ready(app, pilot)
        watched, position = table.current.key, table.cursor
        new_ticket(elsewhere, "Не печатает чеки", contact=contact)
        await _until(pilot, lambda: table.total == position + 2, WITHIN)
        await ready(app, pilot)
        assert table.current.key == watched
        assert table.cursor == position + 1
