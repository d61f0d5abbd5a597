"""The update clock (keep the customer informed every N business minutes), % used of each
clock, pause reasons and the handling-time stopwatch: pure rules, properties by hypothesis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.clocks import UPDATE_BREACH, UPDATE_RISK, ClockInput, compute, used_of
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.handling import Stopwatch, minutes_to_log
from helpdesk_tui.domain.pauses import parse_reason
from helpdesk_tui.domain.sla import BusinessCalendar, CalendarSpec

MSK = ZoneInfo("Europe/Moscow")
H = 3600
CAL = BusinessCalendar(
    CalendarSpec("moscow", "Europe/Moscow", {d: ((540, 1080),) for d in range(5)}, country="RU")
)
FRI_10 = datetime(2025, 3, 14, 10, tzinfo=MSK)

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC)
)
targets = st.integers(min_value=60, max_value=40 * H)
pauses = st.integers(min_value=0, max_value=30 * H)


def ticket(**kw) -> ClockInput:
    base = {
        "created_at": FRI_10,
        "response_s": 4 * H,
        "resolution_s": 40 * H,
        "at_risk": 0.75,
        "update_s": 9 * H,
        "update_from": FRI_10,
    }
    return ClockInput(**{**base, **kw})


def test_the_update_clock_runs_from_its_start_in_business_time():
    c = compute(CAL, ticket(update_from=datetime(2025, 3, 14, 12, tzinfo=MSK)))
    assert c.update_due == datetime(2025, 3, 17, 12, tzinfo=MSK)  # Fri 12-18, Mon 09-12
    assert CAL.between(datetime(2025, 3, 14, 12, tzinfo=MSK), c.update_risk_at) == 0.75 * 9 * H
    # the nearest deadline of the three is what the queue sorts by
    assert c.due_at == min(c.response_due, c.update_due)


def test_no_update_target_means_no_update_clock_and_no_update_alerts():
    c = compute(CAL, ticket(update_s=0, alerts=UPDATE_RISK | UPDATE_BREACH))
    assert c.update_due is None and c.update_risk_at is None
    assert c.alerts == 0
    assert compute(CAL, ticket(resolved_at=FRI_10 + timedelta(hours=1))).update_due is None


def test_only_pauses_after_the_restart_count_against_the_update_clock():
    start = datetime(2025, 3, 17, 10, tzinfo=MSK)
    fresh = compute(CAL, ticket(update_from=start, paused_s=5 * H, update_paused_base_s=5 * H))
    plain = compute(CAL, ticket(update_from=start))
    assert fresh.update_due == plain.update_due
    later = compute(CAL, ticket(update_from=start, paused_s=7 * H, update_paused_base_s=5 * H))
    assert CAL.between(plain.update_due, later.update_due) == 2 * H


def test_update_alerts_are_due_and_forgotten_like_the_others():
    c = compute(CAL, ticket())
    late = c.update_due + timedelta(minutes=1)
    bits = clocks.due_alerts(
        late, FRI_10, 0, c.response_risk_at, c.response_due, c.resolution_risk_at,
        c.resolution_due, c.update_risk_at, c.update_due,
    )  # fmt: skip
    assert bits == [UPDATE_RISK, UPDATE_BREACH]
    # a public message restarts the clock: the instants move into the future, bits cleared
    again = compute(CAL, ticket(update_from=late, alerts=UPDATE_RISK | UPDATE_BREACH), now=late)
    assert again.alerts == 0 and again.next_alert_at is not None


@settings(max_examples=200, deadline=None)
@given(instants, targets, targets, pauses)
def test_update_deadline_is_monotone_in_its_target(start, a, b, paused):
    lo, hi = sorted((a, b))
    x = compute(CAL, ticket(created_at=start, update_from=start, update_s=lo, paused_s=paused))
    y = compute(CAL, ticket(created_at=start, update_from=start, update_s=hi, paused_s=paused))
    assert x.update_due <= y.update_due
    assert x.update_risk_at <= x.update_due


@settings(max_examples=200, deadline=None)
@given(instants, targets, pauses)
def test_a_pause_shifts_every_deadline_by_exactly_the_paused_business_time(start, target, p):
    before = compute(CAL, ticket(created_at=start, update_from=start, update_s=target))
    after = compute(CAL, ticket(created_at=start, update_from=start, update_s=target, paused_s=p))
    for name in ("response_due", "resolution_due", "update_due", "update_risk_at"):
        assert CAL.between(getattr(before, name), getattr(after, name)) == pytest.approx(p), name


@settings(max_examples=200, deadline=None)
@given(instants, targets, st.floats(min_value=0, max_value=3))
def test_used_share_is_the_business_time_used_over_the_target(start, target, share):
    due = CAL.add(start, target)
    now = CAL.add(start, target * share)
    assert used_of(CAL, now, due, target) == pytest.approx(share, abs=1e-6)
    # frozen while paused, and judged when the clock was met
    assert used_of(CAL, now + timedelta(days=9), due, target, paused_at=now) == pytest.approx(
        share, abs=1e-6
    )
    assert used_of(CAL, now + timedelta(days=9), due, target, done_at=now) == pytest.approx(
        share, abs=1e-6
    )


def test_used_share_of_no_clock_is_none():
    assert used_of(CAL, FRI_10, None, 3600) is None
    assert used_of(CAL, FRI_10, FRI_10, 0) is None


def test_paused_until_counts_the_pause_under_way():
    paused_at = datetime(2025, 3, 14, 16, tzinfo=MSK)
    assert clocks.paused_until(CAL, 100, paused_at, datetime(2025, 3, 17, 10, tzinfo=MSK)) == (
        100 + 3 * H
    )
    assert clocks.paused_until(CAL, 100, None, FRI_10) == 100


# -- pause reasons ------------------------------------------------------------------------

CODES = ("info", "confirm", "access", "other")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("info", ("info", "")),
        ("INFO", ("info", "")),
        ("info: logs by Monday", ("info", "logs by Monday")),
        ("access window on Tuesday", ("access", "window on Tuesday")),
        ("the customer is on holiday", ("other", "the customer is on holiday")),
        ("other: on holiday", ("other", "on holiday")),
    ],
)
def test_a_pause_reason_is_a_code_with_words_or_words_alone(text, expected):
    assert parse_reason(text, CODES) == expected


@pytest.mark.parametrize("text", ["", "   ", "other", "other:"])
def test_a_pause_needs_a_reason(text):
    with pytest.raises(Invalid):
        parse_reason(text, CODES)


# -- the handling-time stopwatch ------------------------------------------------------------


def test_the_stopwatch_counts_only_while_focused_and_caps_a_stretch():
    t0 = datetime(2025, 3, 14, 10, tzinfo=UTC)
    w = Stopwatch.start("HD-1", t0, cap_s=3600)
    w = w.hold(t0 + timedelta(minutes=10))  # the terminal lost focus
    assert w.elapsed(t0 + timedelta(hours=5)) == 600
    w = w.resume(t0 + timedelta(hours=5))
    assert w.elapsed(t0 + timedelta(hours=5, minutes=5)) == 900
    assert w.elapsed(t0 + timedelta(hours=9)) == 3600  # walked away: capped


@given(st.floats(min_value=0, max_value=86_400))
def test_minutes_to_log_round_and_skip_glances(seconds):
    minutes = minutes_to_log(seconds)
    if seconds < 30:
        assert minutes == 0
    else:
        assert minutes >= 1 and abs(minutes * 60 - seconds) <= 30


def test_a_met_clock_is_judged_by_what_it_took_against_todays_target():
    # answered in 10 min; the priority then went up to a 30 min target (the deadline of a
    # met clock stays where it was): a third of the target
    due = datetime(2025, 3, 14, 11, tzinfo=MSK)
    done = datetime(2025, 3, 14, 10, 10, tzinfo=MSK)
    use = clocks.clock_use(CAL, done, "response", due, None, 1800, done, None, took_s=600)
    assert use.share == pytest.approx(1 / 3)
    assert use.state == "met"
    assert clocks.percent(use.share) == "33%"
    assert clocks.percent(12.5) == "999%" and clocks.percent(None) == "—"
