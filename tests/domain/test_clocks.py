"""A ticket's SLA clocks: deadline = created_at + target + paused business time, at-risk at
75 % of the target, and which alerts are due. The business calendar itself is tested in
test_sla.py; these tests check the ticket rules built on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.clocks import (
    RESOLUTION_BREACH,
    RESOLUTION_RISK,
    RESPONSE_BREACH,
    RESPONSE_RISK,
    ClockInput,
    compute,
    due_alerts,
    nearest_due,
    next_alert,
    remaining,
    used_share,
)
from helpdesk_tui.domain.sla import BusinessCalendar, CalendarSpec

MSK = ZoneInfo("Europe/Moscow")
H = 3600
CAL = BusinessCalendar(
    CalendarSpec("moscow", "Europe/Moscow", {d: ((540, 1080),) for d in range(5)}, country="RU")
)


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


FRI_17 = msk(2025, 3, 14, 17)  # one business hour before the weekend


def silver_p3(**kw) -> ClockInput:
    return ClockInput(created_at=FRI_17, response_s=4 * H, resolution_s=40 * H, at_risk=0.75, **kw)


def test_deadlines_count_business_hours_across_the_weekend():
    c = compute(CAL, silver_p3())
    assert c.response_due == msk(2025, 3, 17, 12)  # Fri 17-18 + Mon 09-12
    assert c.response_risk_at == msk(2025, 3, 17, 11)  # 3 h of 4 h
    # 40 h: 1 h on Friday, 4 × 9 h Mon-Thu, 3 h on Friday 21st
    assert c.resolution_due == msk(2025, 3, 21, 12)
    assert c.resolution_risk_at == msk(2025, 3, 20, 11)  # 30 h
    assert c.due_at == c.response_due
    assert c.next_alert_at == c.response_risk_at


def test_paused_business_time_moves_every_deadline_by_exactly_that_much():
    before = compute(CAL, silver_p3())
    after = compute(CAL, silver_p3(paused_s=2 * H))
    for field in ("response_due", "response_risk_at", "resolution_due", "resolution_risk_at"):
        old, new = getattr(before, field), getattr(after, field)
        assert CAL.between(old, new) == 2 * H, field


def test_the_queue_sorts_by_the_response_until_answered_then_by_the_resolution():
    response, resolution = msk(2025, 3, 17, 12), msk(2025, 3, 21, 12)
    assert nearest_due(None, None, response, resolution) == response
    assert nearest_due(msk(2025, 3, 17, 10), None, response, resolution) == resolution
    assert nearest_due(msk(2025, 3, 17, 10), msk(2025, 3, 18), response, resolution) is None


def test_answered_tickets_no_longer_wait_for_response_alerts():
    c = compute(CAL, silver_p3(first_response_at=msk(2025, 3, 17, 9, 30)))
    assert c.next_alert_at == c.resolution_risk_at
    assert c.due_at == c.resolution_due


def test_a_paused_or_resolved_ticket_has_no_next_alert():
    assert compute(CAL, silver_p3(paused_at=msk(2025, 3, 17, 10))).next_alert_at is None
    resolved = compute(CAL, silver_p3(resolved_at=msk(2025, 3, 17, 10)))
    assert resolved.next_alert_at is None
    assert resolved.due_at is None


def test_recorded_alerts_are_skipped_when_choosing_the_next_one():
    c = compute(CAL, silver_p3(alerts=RESPONSE_RISK))
    assert c.next_alert_at == c.response_due
    c = compute(CAL, silver_p3(alerts=RESPONSE_RISK | RESPONSE_BREACH))
    assert c.next_alert_at == c.resolution_risk_at
    everything = RESPONSE_RISK | RESPONSE_BREACH | RESOLUTION_RISK | RESOLUTION_BREACH
    assert compute(CAL, silver_p3(alerts=everything)).next_alert_at is None


def test_a_breach_seen_late_is_reported_with_its_risk_first():
    c = compute(CAL, silver_p3())
    late = msk(2025, 3, 17, 13)  # past the response deadline, far from the resolution one
    assert due_alerts(
        late, None, 0, c.response_risk_at, c.response_due, c.resolution_risk_at, c.resolution_due
    ) == [RESPONSE_RISK, RESPONSE_BREACH]
    assert due_alerts(
        late,
        None,
        RESPONSE_RISK,
        c.response_risk_at,
        c.response_due,
        c.resolution_risk_at,
        c.resolution_due,
    ) == [RESPONSE_BREACH]


def test_a_first_response_silences_response_alerts_but_not_resolution_ones():
    c = compute(CAL, silver_p3())
    much_later = msk(2025, 3, 24, 10)
    bits = due_alerts(
        much_later,
        msk(2025, 3, 17, 9),
        0,
        c.response_risk_at,
        c.response_due,
        c.resolution_risk_at,
        c.resolution_due,
    )
    assert bits == [RESOLUTION_RISK, RESOLUTION_BREACH]


def test_alerts_for_instants_that_moved_into_the_future_are_forgotten():
    """After a long pause or a lower priority the deadline is ahead again: the tick must
    be able to warn a second time when it comes."""
    recorded = RESPONSE_RISK | RESPONSE_BREACH
    now = msk(2025, 3, 17, 13)
    c = compute(CAL, silver_p3(alerts=recorded, paused_s=3 * H), now)
    assert c.response_due > now
    assert c.alerts == 0
    # still in the past: kept
    c = compute(CAL, silver_p3(alerts=recorded), now)
    assert c.alerts == recorded


def test_used_share_excludes_paused_time_and_is_one_at_the_deadline():
    assert used_share(CAL, msk(2025, 3, 17, 12), FRI_17, 4 * H, 0, None) == pytest.approx(1.0)
    # paused Monday 10:00-11:00, asked at 13:00: 1 + 4 - 1 = 4 h of 4 h used
    assert used_share(CAL, msk(2025, 3, 17, 13), FRI_17, 4 * H, H, None) == pytest.approx(1.0)
    # while paused, the share is frozen at the pause
    assert used_share(
        CAL, msk(2025, 3, 19, 13), FRI_17, 4 * H, 0, msk(2025, 3, 17, 10)
    ) == pytest.approx(0.5)
    assert used_share(CAL, msk(2025, 3, 17), FRI_17, 0, 0, None) == 0.0


def test_remaining_time_is_frozen_while_paused_and_negative_when_overdue():
    due = msk(2025, 3, 17, 12)
    assert remaining(CAL, msk(2025, 3, 17, 10), due, None) == 2 * H
    assert remaining(CAL, msk(2025, 3, 19, 10), due, msk(2025, 3, 17, 11)) == H
    assert remaining(CAL, msk(2025, 3, 17, 14), due, None) == -2 * H


def test_the_clock_state_is_judged_at_the_pause_or_the_answer():
    due, risk = msk(2025, 3, 17, 12), msk(2025, 3, 17, 11)
    assert clocks.state_of(msk(2025, 3, 17, 10), due, risk, None, None) == "running"
    assert clocks.state_of(msk(2025, 3, 17, 11, 30), due, risk, None, None) == "at_risk"
    assert clocks.state_of(msk(2025, 3, 18), due, risk, None, msk(2025, 3, 17, 10)) == "paused"
    assert clocks.state_of(msk(2025, 3, 18), due, risk, msk(2025, 3, 17, 11, 59), None) == "met"


instants = st.datetimes(
    min_value=datetime(2025, 1, 9), max_value=datetime(2026, 12, 1), timezones=st.just(UTC)
)
targets = st.sampled_from([15 * 60, H, 4 * H, 8 * H, 16 * H, 40 * H, 80 * H])


@settings(max_examples=60, deadline=None)
@given(instants, targets, targets, st.integers(0, 30 * H), st.integers(0, 15))
def test_clock_invariants_hold_for_any_ticket(created, response_s, resolution_s, paused_s, bits):
    response_s, resolution_s = sorted((response_s, resolution_s))
    c = compute(
        CAL,
        ClockInput(created, response_s, resolution_s, 0.75, paused_s=paused_s, alerts=bits),
    )
    assert created <= c.response_risk_at <= c.response_due <= c.resolution_due
    assert c.resolution_risk_at <= c.resolution_due
    # the deadline uses exactly target + pause of business time
    assert CAL.between(created, c.response_due) == pytest.approx(response_s + paused_s)
    assert CAL.between(created, c.resolution_due) == pytest.approx(resolution_s + paused_s)
    assert c.due_at == c.response_due
    if c.next_alert_at is not None:
        pending = {
            RESPONSE_RISK: c.response_risk_at,
            RESPONSE_BREACH: c.response_due,
            RESOLUTION_RISK: c.resolution_risk_at,
            RESOLUTION_BREACH: c.resolution_due,
        }
        assert c.next_alert_at == min(v for b, v in pending.items() if not bits & b)
    else:
        assert bits == 15
    # an alert is due exactly from its instant on
    just_before = c.response_risk_at - timedelta(microseconds=1)
    assert RESPONSE_RISK not in due_alerts(
        just_before,
        None,
        0,
        c.response_risk_at,
        c.response_due,
        c.resolution_risk_at,
        c.resolution_due,
    )
    assert next_alert(None, None, None, 0, *_instants(c)) == c.response_risk_at


def _instants(c: clocks.Clocks) -> tuple[datetime, ...]:
    return (c.response_risk_at, c.response_due, c.resolution_risk_at, c.resolution_due)


def test_paused_tickets_queue_after_running_ones_by_the_time_they_have_left():
    """A ticket waiting for the customer has no deadline running: it sorts after every
    running ticket (however overdue), and among paused ones by the business time left."""
    running_late = datetime(2026, 11, 2, 9, tzinfo=MSK)  # long overdue, still running
    paused = datetime(2026, 11, 23, 10, tzinfo=MSK)
    soon = clocks.queue_order(CAL, paused, datetime(2026, 11, 23, 11, tzinfo=MSK))  # 1 h left
    later = clocks.queue_order(CAL, paused, datetime(2026, 11, 24, 11, tzinfo=MSK))  # 10 h
    assert clocks.queue_order(CAL, None, running_late) == running_late
    assert running_late < soon < later
    assert soon - clocks.PAUSED_AFTER == timedelta(hours=1)
    assert later - clocks.PAUSED_AFTER == timedelta(hours=10)
    # paused past its deadline: first among the paused, never before a running ticket
    overdue = clocks.queue_order(CAL, paused, datetime(2026, 11, 20, 11, tzinfo=MSK))
    assert running_late < overdue == clocks.PAUSED_AFTER < soon
