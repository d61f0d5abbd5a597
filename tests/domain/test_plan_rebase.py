"""A ticket moved to a plan on another calendar keeps the business time its clocks used:
`clocks.rebase_pauses`, pure, with properties by hypothesis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.sla import BusinessCalendar, CalendarSpec, ClockState, clock_state

MSK = ZoneInfo("Europe/Moscow")
H = 3600
OFFICE = BusinessCalendar(
    CalendarSpec("moscow", "Europe/Moscow", {d: ((540, 1080),) for d in range(5)}, country="RU")
)
ALWAYS = BusinessCalendar(
    CalendarSpec("24x7", "Europe/Moscow", {d: ((0, 1440),) for d in range(7)}, always_open=True)
)
CALENDARS = st.sampled_from([(OFFICE, ALWAYS), (ALWAYS, OFFICE)])

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC)
)
spans = st.integers(min_value=0, max_value=20 * 24 * H)


def used(cal, created, paused_s, paused_at, now) -> float:
    return cal.between(created, now) - clocks.paused_until(cal, paused_s, paused_at, now)


@st.composite
def tickets(draw):
    """A ticket's created_at, paused total, pause under way (or none), update start, base
    and the instant of the move, consistent with each other on `old`."""
    old, new = draw(CALENDARS)
    created = draw(instants)
    now = created + timedelta(seconds=draw(spans))
    total = round(old.between(created, now))
    paused_s = draw(st.integers(min_value=0, max_value=total))
    paused_at = None
    if draw(st.booleans()):
        paused_at = created + (now - created) * draw(st.floats(min_value=0, max_value=1))
        paused_s = min(paused_s, round(old.between(created, paused_at)))
    update_from = created + (now - created) * draw(st.floats(min_value=0, max_value=1))
    base = draw(st.integers(min_value=0, max_value=paused_s))
    return old, new, created, paused_s, paused_at, now, update_from, base


@settings(max_examples=300, deadline=None)
@given(tickets())
def test_the_business_time_used_is_the_same_under_the_new_calendar(t):
    old, new, created, paused_s, paused_at, now, update_from, base = t
    new_paused, new_base = clocks.rebase_pauses(
        old, new, created, paused_s, paused_at, now, update_from, base
    )
    before = used(old, created, paused_s, paused_at, now)
    assert used(new, created, new_paused, paused_at, now) == pytest.approx(before, abs=2)
    # the update clock: the time it used since its start, also kept
    upd_old = old.between(update_from, now) - (
        clocks.paused_until(old, paused_s, paused_at, now) - base
    )
    upd_new = new.between(update_from, now) - (
        clocks.paused_until(new, new_paused, paused_at, now) - new_base
    )
    assert upd_new == pytest.approx(upd_old, abs=2)


@settings(max_examples=200, deadline=None)
@given(tickets(), st.integers(min_value=60, max_value=80 * H))
def test_each_deadline_leaves_the_target_less_the_time_used(t, target):
    old, new, created, paused_s, paused_at, now, _update_from, _base = t
    if paused_at is not None:
        return  # a paused clock has no running deadline
    new_paused, _base = clocks.rebase_pauses(old, new, created, paused_s, None, now)
    spent = used(old, created, paused_s, None, now)
    if spent > target:
        return
    due = clocks.deadline(new, created, target, new_paused)
    assert new.between(now, due) == pytest.approx(target - spent, abs=2)


@given(instants, spans, st.integers(min_value=0, max_value=10 * H))
def test_on_the_same_calendar_nothing_changes(created, span, paused_s):
    now = created + timedelta(seconds=span)
    assert clocks.rebase_pauses(OFFICE, OFFICE, created, paused_s, None, now, created, 7) == (
        paused_s,
        7,
    )


def test_time_used_outside_the_new_calendars_hours_is_still_used():
    """A 24×7 ticket registered on a Saturday, 5 h used, moved to office hours on Saturday
    evening: its office clock starts Monday 09:00 with those 5 h already gone."""
    created = datetime(2025, 3, 15, 10, tzinfo=MSK)  # Saturday
    now = datetime(2025, 3, 15, 15, tzinfo=MSK)
    paused_s, _ = clocks.rebase_pauses(ALWAYS, OFFICE, created, 0, None, now)
    assert paused_s == -5 * H
    due = clocks.deadline(OFFICE, created, 8 * H, paused_s)
    assert due == datetime(2025, 3, 17, 12, tzinfo=MSK)  # Monday 09:00 + the 3 h left


def test_a_target_already_used_up_outside_the_new_hours_is_past_at_once():
    created = datetime(2025, 3, 15, 10, tzinfo=MSK)  # Saturday, 24×7: 5 h used by 15:00
    now = datetime(2025, 3, 15, 15, tzinfo=MSK)
    paused_s, base = clocks.rebase_pauses(ALWAYS, OFFICE, created, 0, None, now, created, 0)
    c = clocks.compute(
        OFFICE,
        clocks.ClockInput(created, 1 * H, 8 * H, 0.75, paused_s=paused_s, update_s=2 * H,
                          update_from=created, update_paused_base_s=base),
        now,
    )  # fmt: skip
    assert c.response_risk_at < c.response_due < now  # breached under the new plan too
    assert c.resolution_due == datetime(2025, 3, 17, 12, tzinfo=MSK)
    assert c.update_due is not None and c.update_due < now
    assert clocks.used_of(OFFICE, now, c.response_due, 1 * H) >= 1
    assert clock_state(now, c.response_due, c.response_risk_at, None, None) == ClockState.BREACHED
