"""`P` on a ticket moves it to another SLA plan: supervisors pick the plan, the deadlines
follow from the time already used; agents the table does not name are told, not asked."""

from __future__ import annotations

from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.services.catalog import catalog
from tests.screens.conftest import settle
from tests.screens.helpers import events, find, new_ticket, paste, ticket


async def test_a_supervisor_moves_a_ticket_to_another_plan(app_for, demo_store):
    key = new_ticket(demo_store)
    before = ticket(demo_store, key)
    plans = {p.id: p.code for p in catalog(demo_store).plans.values()}
    other = "gold" if plans[before.sla_plan_id] != "gold" else "bronze"
    app = app_for("morozov")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        app.open_ticket(key)
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("P")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await paste(app, pilot, other)
        await pilot.press("enter")
        await settle(app, pilot)
    after = ticket(demo_store, key)
    assert plans[after.sla_plan_id] == other
    assert after.resolution_due != before.resolution_due
    [moved] = events(demo_store, key, "sla_plan")
    assert moved.changes["sla_plan"] == [plans[before.sla_plan_id], other]


async def test_an_engineer_is_told_who_changes_plans(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("P")
        await settle(app, pilot)
        assert not isinstance(app.screen, PickerScreen)
        assert any("Supervisors and admins" in str(n.message) for n in app._notifications)
    assert events(demo_store, key, "sla_plan") == []
