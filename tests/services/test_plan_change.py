"""Moving an open ticket to another SLA plan, on both stores: the new deadlines count the
business time already used (pauses excluded) under the new plan's calendar and targets,
the pause history stays, one event; a refused move changes nothing.

The ticket: a P3 receipt-printer call on silver (Moscow hours 09-18) registered Friday
14 March 2025 10:00, offered to lebedev. Gold is 24×7: P3 response 1 h, resolution 24 h,
update 8 h. Bronze is on the Moscow calendar too: P3 8 h / 56 h, no update clock.
"""

from __future__ import annotations

import pytest

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.services import plan_change
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.catalog import catalog
from tests.services._helpers import FRI_10, H, events_of, msk, new_ticket, ticket_row
from tests.services.snapshot import everything_but_refusals
from tests.services.test_sla_update import pauses

FRI = lambda hour, minute=0: msk(2025, 3, 14, hour, minute)  # noqa: E731
MON = lambda hour, minute=0: msk(2025, 3, 17, hour, minute)  # noqa: E731


@pytest.fixture
def p3(store, actor_of) -> str:
    return new_ticket(store, actor_of("ivanova"), impact=2, urgency=2).key


def plan_cal(store, key):
    cat = catalog(store)
    plan = cat.plan_for(ticket_row(store, key).sla_plan_id)
    return plan, cat.calendar_of(plan)


def used(store, key, now) -> float:
    """Business time the ticket's clocks have used by `now`, in its plan's calendar."""
    row = ticket_row(store, key)
    _plan, cal = plan_cal(store, key)
    return cal.between(row.created_at, now) - clocks.paused_until(
        cal, row.paused_s, row.paused_at, now
    )


def recomputed(store, key, now) -> clocks.Clocks:
    """`domain/clocks.py` on the ticket as stored: what its deadlines must equal."""
    row = ticket_row(store, key)
    plan, cal = plan_cal(store, key)
    return clocks.compute(
        cal,
        clocks.ClockInput(
            created_at=row.created_at,
            response_s=row.response_target_s,
            resolution_s=row.resolution_target_s,
            at_risk=plan.at_risk,
            paused_s=row.paused_s,
            paused_at=row.paused_at,
            first_response_at=row.first_response_at,
            resolved_at=row.resolved_at,
            alerts=row.alerts,
            update_s=row.update_target_s,
            update_from=row.update_from,
            update_paused_base_s=row.update_paused_base_s,
        ),
        now,
    )


def test_after_a_pause_the_ticket_keeps_its_used_time_and_its_pause_history(store, actor_of, p3):
    lebedev, morozov = actor_of("lebedev"), actor_of("morozov")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(10, 30))
    act.set_status(store, lebedev, p3, "waiting_customer", reason="info", now=FRI(12))
    act.set_status(store, lebedev, p3, "in_progress", now=MON(11))
    [before] = pauses(store, p3)
    assert used(store, p3, MON(12)) == 3 * H  # Fri 10-12, Mon 11-12
    result = plan_change.change_plan(
        store, morozov, p3, "gold", reason="The contract is Gold since Monday", now=MON(12)
    )
    assert result.message == f"{p3} is on the SLA plan Gold 24×7"
    row = ticket_row(store, p3)
    plan, cal = plan_cal(store, p3)
    assert plan.code == "gold"
    assert (row.response_target_s, row.resolution_target_s, row.update_target_s) == (
        1 * H,
        24 * H,
        8 * H,
    )
    assert used(store, p3, MON(12)) == 3 * H  # the same 3 h, now in 24×7 time
    assert row.resolution_due == cal.add(MON(12), 21 * H) == msk(2025, 3, 18, 9)
    assert row.response_due == MON(10)  # 1 h of 24×7 time; 3 h were used: breached at 10:00
    # the update clock (from registration) had used the same 3 h of its new 8 h
    assert row.update_due == MON(17)
    clk = recomputed(store, p3, MON(12))
    assert (row.response_due, row.resolution_due, row.update_due, row.due_at) == (
        clk.response_due,
        clk.resolution_due,
        clk.update_due,
        clk.due_at,
    )
    [after] = pauses(store, p3)
    assert (after.reason, after.started_at, after.ended_at, after.business_s) == (
        before.reason,
        before.started_at,
        before.ended_at,
        8 * H,
    )
    event = events_of(store, p3)[-1]
    assert event.kind == "sla_plan" and event.changes["sla_plan"] == ["silver", "gold"]
    assert event.body == "The contract is Gold since Monday"
    assert len([e for e in events_of(store, p3) if e.kind == "sla_plan"]) == 1


def test_a_move_during_a_pause_counts_the_pause_in_the_new_calendar_when_it_ends(
    store, actor_of, p3
):
    lebedev = actor_of("lebedev")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(10, 30))
    act.set_status(store, lebedev, p3, "waiting_customer", reason="access", now=FRI(12))
    plan_change.change_plan(store, actor_of("morozov"), p3, "gold", now=MON(9, 30))
    mid = ticket_row(store, p3)
    assert mid.paused_at == FRI(12)  # still waiting for the customer
    assert used(store, p3, MON(9, 30)) == 2 * H  # Fri 10-12, as before the move
    act.set_status(store, lebedev, p3, "in_progress", now=MON(11))
    row = ticket_row(store, p3)
    _plan, cal = plan_cal(store, p3)
    assert row.paused_s == 71 * H  # Fri 12:00 → Mon 11:00, all of it 24×7 time
    assert used(store, p3, MON(11)) == 2 * H
    assert row.resolution_due == cal.add(MON(11), 22 * H)
    [p] = pauses(store, p3)
    assert (p.reason, p.started_at, p.ended_at) == ("access", FRI(12), MON(11))
    assert p.business_s == 71 * H
    clk = recomputed(store, p3, MON(11))
    assert (row.resolution_due, row.update_due) == (clk.resolution_due, clk.update_due)


def test_a_move_on_the_same_calendar_is_a_change_of_targets_alone(store, actor_of, p3):
    lebedev = actor_of("lebedev")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(10, 30))
    act.set_status(store, lebedev, p3, "waiting_customer", reason="info", now=FRI(12))
    act.set_status(store, lebedev, p3, "in_progress", now=MON(11))
    paused = ticket_row(store, p3).paused_s
    plan_change.change_plan(store, actor_of("admin"), p3, "bronze", now=MON(12))
    row = ticket_row(store, p3)
    _plan, cal = plan_cal(store, p3)
    assert row.paused_s == paused == 8 * H
    assert row.resolution_due == cal.add(FRI_10, 56 * H + paused)
    assert row.update_target_s == 0 and row.update_due is None  # bronze has no update clock


def test_a_refused_move_changes_nothing(store, actor_of, p3):
    lebedev, morozov = actor_of("lebedev"), actor_of("morozov")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(10, 30))
    act.set_status(store, lebedev, p3, "waiting_customer", reason="info", now=FRI(12))
    version = ticket_row(store, p3).version
    before = everything_but_refusals(store)
    with pytest.raises(NotAllowed):
        plan_change.change_plan(store, lebedev, p3, "gold", now=MON(12))  # engineers may not
    with pytest.raises(Invalid, match="already"):
        plan_change.change_plan(store, morozov, p3, "silver", now=MON(12))
    with pytest.raises(NotFound, match="known: bronze, gold, silver"):
        plan_change.change_plan(store, morozov, p3, "platinum", now=MON(12))
    assert everything_but_refusals(store) == before
    act.note(store, lebedev, p3, "Called the shop", now=MON(9, 10))
    noted = everything_but_refusals(store)
    with pytest.raises(Conflict):
        plan_change.change_plan(store, morozov, p3, "gold", expected_version=version, now=MON(12))
    assert everything_but_refusals(store) == noted
    resolved = new_ticket(store, actor_of("ivanova"), subject="Second").key
    act.resolve(store, morozov, resolved, "New roll", now=FRI(11))
    with pytest.raises(NotAllowed, match="resolved"):
        plan_change.change_plan(store, morozov, resolved, "gold", now=MON(12))
