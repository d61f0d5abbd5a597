"""How the queue looks at peak load: grouped by service with a group unfolded and a few
tickets marked, and the summary of a run on marked tickets, at 120×40."""

from __future__ import annotations

import time

import pytest

from helpdesk_tui.screens.batch_run import SummaryScreen
from helpdesk_tui.services import agents, marked, ticket_actions
from tests.screens.conftest import settle
from tests.screens.helpers import new_ticket, ready
from tests.screens.test_peak import all_open, group_by

WIDE = (120, 40)


@pytest.fixture(autouse=True)
def _moscow_time(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_grouped_queue(snap_compare, app_for):
    """ivanova's "All open" by service: headers with counts and the worst SLA, the first
    group unfolded, two of its tickets marked (the status line says so)."""
    app = app_for("ivanova")

    async def run_before(pilot) -> None:
        await all_open(app, pilot)
        table = await group_by(app, pilot, "by service")
        await pilot.press("enter")  # unfold the most urgent group
        await settle(app, pilot)
        await pilot.press("j", "space", "space")
        await settle(app, pilot)
        assert len(app.screen.marks) == 2 and table.total > len(table.groups)

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_bulk_summary(snap_compare, app_for, demo_store):
    """What a run on marked tickets did: the refused ones first, with why, then the rest."""
    ivanova = agents.resolve(demo_store, "ivanova")
    keys = [new_ticket(demo_store, f"Касса {n} не работает", assignee=None) for n in range(4)]
    ticket_actions.set_status(demo_store, ivanova, keys[1], "cancelled", note="a duplicate")
    result = marked.apply(
        demo_store, ivanova, [*keys, "HD-999999"], marked.Change("priority", impact=1, urgency=1)
    )
    result.seconds = 0.4  # measured time varies from run to run
    app = app_for("ivanova")

    async def run_before(pilot) -> None:
        await ready(app, pilot)
        app.push_screen(SummaryScreen("Set impact 1, urgency 1", result))
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)
