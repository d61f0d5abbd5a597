"""Permissions in a running application: the services refuse (the screens only hide), an
agent deactivated meanwhile is told so at their next action, and every refusal is audited."""

from __future__ import annotations

from sqlalchemy import update

from helpdesk_tui.screens.board import BoardScreen
from helpdesk_tui.screens.reports import ReportsScreen
from helpdesk_tui.services import agents, refusals
from helpdesk_tui.store import models as m
from tests.screens.conftest import settle
from tests.screens.helpers import events, find, new_ticket, ticket


def _told(app, words: str) -> bool:
    return any(words in str(n.message) for n in app._notifications)


async def test_an_agent_deactivated_meanwhile_is_refused_at_the_next_action(app_for, demo_store):
    key = new_ticket(demo_store, assignee=None)
    app = app_for("smirnov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key, tab="unassigned")
        agents.set_active(demo_store, agents.resolve(demo_store, "admin"), "smirnov", False)
        await pilot.press("t")
        await settle(app, pilot)
        assert _told(app, "agent smirnov is inactive and can do nothing")
        assert events(demo_store, key, "taken") == []
        assert ticket(demo_store, key).assignee_id is None
    (row,) = refusals.recent(demo_store, login="smirnov")
    assert (row.action, row.ticket) == ("ticket.take", key)


async def test_the_board_stops_reloading_for_somebody_it_refuses(app_for, demo_store):
    """A supervisor made a dispatcher while the board is open: the next reload is refused
    (and audited) once; the live feed does not retry it at every change."""
    app = app_for("morozov")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        with demo_store.write() as s:
            s.execute(update(m.Agent).where(m.Agent.login == "morozov").values(role="dispatcher"))
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert _told(app, "a dispatcher may not open the supervisor board")
        app.screen.on_tickets_changed(frozenset({1}))
        await pilot.pause(1.0)
        await settle(app, pilot)
    rows = refusals.recent(demo_store, login="morozov")
    assert [(r.action, r.role) for r in rows] == [("board.view", "dispatcher")]


async def test_the_kpi_screen_is_checked_by_the_service(app_for, demo_store):
    app = app_for("morozov")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        with demo_store.write() as s:
            s.execute(update(m.Agent).where(m.Agent.login == "morozov").values(role="engineer"))
        await pilot.press("K")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)  # the app still thinks he is a supervisor
        assert _told(app, "an engineer may not read the KPI reports")
    assert refusals.recent(demo_store, login="morozov")[0].action == "report.view"
