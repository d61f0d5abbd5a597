"""The SLA business-time engine: hand-written cases with the expected values spelled out,
then Hypothesis properties (round trip, closes, monotonicity, additivity)."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.domain.sla import (
    BusinessCalendar,
    CalendarSpec,
    ClockState,
    clock_state,
    format_duration,
    parse_duration,
    parse_periods,
    risk_instant,
    shift_for_pause,
)

MSK = ZoneInfo("Europe/Moscow")
BER = ZoneInfo("Europe/Berlin")
H = 3600
NINE_TO_SIX = ((540, 1080),)

MSK_SPEC = CalendarSpec("msk", "Europe/Moscow", {d: NINE_TO_SIX for d in range(5)}, country="RU")
MSK_CAL = BusinessCalendar(MSK_SPEC)
# Every day 01:00-04:00 (crosses both Berlin DST changes) and 09:00-18:00 (does not).
DST_CAL = BusinessCalendar(
    CalendarSpec("dst", "Europe/Berlin", {d: ((60, 240), (540, 1080)) for d in range(7)})
)
# For the properties: lunch break, a Saturday evening touching a Sunday night that crosses DST.
BERLIN_PROP_CAL = BusinessCalendar(
    CalendarSpec(
        "berlin",
        "Europe/Berlin",
        {
            **{d: ((540, 780), (840, 1080)) for d in range(5)},
            5: ((1200, 1440),),
            6: ((0, 240), (1320, 1440)),
        },
        country="DE",
        subdivision="BE",
    )
)
OPEN_CAL = BusinessCalendar(CalendarSpec("24x7", "Europe/Berlin", {}, always_open=True))


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


def ber(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=BER, fold=fold)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------- nights, weekends


@pytest.mark.parametrize(
    ("start", "seconds", "expected"),
    [
        (msk(2025, 3, 14, 17), 2 * H, msk(2025, 3, 17, 10)),  # Fri 17:00 + 2h -> Mon 10:00
        (msk(2025, 3, 17, 20), 1 * H, msk(2025, 3, 18, 10)),  # Mon night -> Tue 10:00
        (msk(2025, 3, 15, 12), 30 * 60, msk(2025, 3, 17, 9, 30)),  # Sat -> Mon 09:30
        (msk(2025, 3, 17, 7), 1 * H, msk(2025, 3, 17, 10)),  # before opening
        (msk(2025, 3, 14, 17), 10 * H, msk(2025, 3, 17, 18)),  # lands on Monday's close
        (msk(2025, 3, 17, 9), 9 * H, msk(2025, 3, 17, 18)),  # exactly at the close
        (msk(2025, 3, 17, 9), 9 * H + 1, msk(2025, 3, 18, 9, 0, 1)),
        (msk(2025, 3, 17, 18), 1, msk(2025, 3, 18, 9, 0, 1)),  # counting from a close
        (msk(2025, 3, 17, 9), 45 * H, msk(2025, 3, 21, 18)),  # a whole week
        (msk(2025, 3, 17, 9), 46 * H, msk(2025, 3, 24, 10)),
    ],
)
def test_moscow_nights_and_weekends(start: datetime, seconds: int, expected: datetime) -> None:
    result = MSK_CAL.add(start, seconds)
    assert result == expected
    assert result.tzinfo is UTC
    assert MSK_CAL.between(start, result) == seconds


def test_add_zero_and_the_close() -> None:
    assert MSK_CAL.add(msk(2025, 3, 17, 18), 0) == msk(2025, 3, 17, 18)  # at a close: stays
    assert MSK_CAL.add(msk(2025, 3, 17, 12, 15, 30, 500), 0) == msk(2025, 3, 17, 12, 15, 30, 500)
    assert MSK_CAL.add(msk(2025, 3, 17, 20), 0) == msk(2025, 3, 18, 9)  # night: next opening
    assert MSK_CAL.add(msk(2025, 3, 15, 12), 0) == msk(2025, 3, 17, 9)  # weekend
    assert MSK_CAL.add(msk(2025, 3, 17, 8), 0.0000004) == msk(2025, 3, 17, 9)  # rounds to 0 µs
    assert MSK_CAL.add(msk(2025, 3, 17, 10, 0, 0, 1), 0.5) == msk(2025, 3, 17, 10, 0, 0, 500001)


def test_is_working_and_next_working() -> None:
    assert MSK_CAL.is_working(msk(2025, 3, 17, 9))  # an opening is working time
    assert MSK_CAL.is_working(msk(2025, 3, 17, 17, 59, 59, 999999))
    assert not MSK_CAL.is_working(msk(2025, 3, 17, 18))  # a close is not
    assert not MSK_CAL.is_working(msk(2025, 3, 15, 12))
    assert MSK_CAL.next_working(msk(2025, 3, 17, 18)) == msk(2025, 3, 18, 9)
    assert MSK_CAL.next_working(msk(2025, 3, 14, 18, 30)) == msk(2025, 3, 17, 9)
    noon = MSK_CAL.next_working(msk(2025, 3, 17, 12))
    assert noon == msk(2025, 3, 17, 12)
    assert noon.tzinfo is UTC


def test_input_zone_does_not_matter() -> None:
    start = msk(2025, 3, 14, 17)
    assert MSK_CAL.add(start.astimezone(UTC), 2 * H) == MSK_CAL.add(start.astimezone(BER), 2 * H)


def test_between_is_negative_backwards() -> None:
    fri, mon = msk(2025, 3, 14, 17), msk(2025, 3, 17, 10)
    assert MSK_CAL.between(fri, mon) == 2 * H
    assert MSK_CAL.between(mon, fri) == -2 * H
    assert MSK_CAL.between(mon, mon) == 0.0
    assert MSK_CAL.between(msk(2025, 3, 15, 1), msk(2025, 3, 16, 23)) == 0.0  # weekend


def test_working_periods_are_utc() -> None:
    assert MSK_CAL.working_periods(date(2025, 3, 17)) == (
        (utc(2025, 3, 17, 6), utc(2025, 3, 17, 15)),
    )
    assert MSK_CAL.working_periods(date(2025, 3, 15)) == ()
    start, _ = MSK_CAL.working_periods(date(2025, 3, 17))[0]
    assert start.tzinfo is UTC


# --------------------------------------------------------------------------- Russian holidays


def test_what_holidays_gives_for_russia() -> None:
    """Pins the data the expectations below rely on (holidays 0.109)."""
    ru_2027 = holidays.country_holidays("RU", years=2027)
    assert all(date(2027, 1, day) in ru_2027 for day in range(1, 9))
    assert date(2027, 1, 11) not in ru_2027
    for day in [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]:
        assert date(2027, *day) in ru_2027
    # 2026-12-31 is a transferred day off ("Day off (substituted from 01/04/2026)").
    assert date(2026, 12, 31) in holidays.country_holidays("RU", years=2026)
    # Transferred working Saturdays are not holidays; holidays only lists their dates.
    ru_2025 = holidays.country_holidays("RU", years=2025)
    assert date(2025, 11, 1) not in ru_2025
    assert date(2025, 11, 1) in ru_2025.weekend_workdays


def test_new_year_holidays_push_the_deadline_to_january_11() -> None:
    start = msk(2026, 12, 30, 17)  # Wednesday; Dec 31 is a substituted day off, Jan 1-8 holidays
    assert MSK_CAL.working_periods(date(2026, 12, 31)) == ()
    assert all(MSK_CAL.working_periods(date(2027, 1, day)) == () for day in range(1, 11))
    assert MSK_CAL.add(start, 4 * H) == msk(2027, 1, 11, 12)
    assert MSK_CAL.between(start, msk(2027, 1, 11, 12)) == 4 * H


def test_new_year_with_explicit_days_off() -> None:
    start = msk(2026, 12, 30, 17)
    with_both = BusinessCalendar(
        CalendarSpec(
            "msk-nye",
            "Europe/Moscow",
            {d: NINE_TO_SIX for d in range(5)},
            country="RU",
            days_off=frozenset({date(2026, 12, 31)}),
        )
    )
    assert with_both.add(start, 4 * H) == msk(2027, 1, 11, 12)
    no_country = BusinessCalendar(
        CalendarSpec("plain", "Europe/Moscow", {d: NINE_TO_SIX for d in range(5)})
    )
    assert no_country.add(start, 4 * H) == msk(2026, 12, 31, 12)
    only_days_off = BusinessCalendar(
        CalendarSpec(
            "plain-off",
            "Europe/Moscow",
            {d: NINE_TO_SIX for d in range(5)},
            days_off=[date(2026, 12, 31)],  # a list is accepted and frozen
        )
    )
    assert only_days_off.spec.days_off == frozenset({date(2026, 12, 31)})
    assert only_days_off.add(start, 4 * H) == msk(2027, 1, 1, 12)


def test_may_2025_transfers() -> None:
    # May 1 holiday, May 2 substituted day off, weekend -> Monday May 5.
    assert MSK_CAL.add(msk(2025, 4, 30, 17), 2 * H) == msk(2025, 5, 5, 10)
    # May 8 substituted day off, May 9 Victory Day, weekend -> Monday May 12.
    assert MSK_CAL.add(msk(2025, 5, 7, 17), 2 * H) == msk(2025, 5, 12, 10)


def test_extra_working_saturday() -> None:
    start = msk(2025, 10, 31, 17)  # Friday; Nov 3 substituted day off, Nov 4 Unity Day
    assert MSK_CAL.add(start, 2 * H) == msk(2025, 11, 5, 10)
    with_saturday = BusinessCalendar(
        CalendarSpec(
            "msk-2025",
            "Europe/Moscow",
            {d: NINE_TO_SIX for d in range(5)},
            country="RU",
            working_days={date(2025, 11, 1): ((540, 1020),)},  # shortened 09:00-17:00
        )
    )
    assert with_saturday.add(start, 2 * H) == msk(2025, 11, 1, 10)
    assert with_saturday.add(start, 9 * H) == msk(2025, 11, 1, 17)  # the Saturday's close
    assert with_saturday.add(start, 10 * H) == msk(2025, 11, 5, 10)


def test_working_day_overrides_a_holiday() -> None:
    cal = BusinessCalendar(
        CalendarSpec(
            "msk-duty",
            "Europe/Moscow",
            {d: NINE_TO_SIX for d in range(5)},
            country="RU",
            working_days={date(2027, 1, 4): ((600, 720),)},  # on duty 10:00-12:00 on a holiday
        )
    )
    assert cal.add(msk(2026, 12, 30, 17), 2 * H) == msk(2027, 1, 4, 11)
    assert cal.add(msk(2026, 12, 30, 17), 3 * H) == msk(2027, 1, 4, 12)
    assert cal.add(msk(2026, 12, 30, 17), 4 * H) == msk(2027, 1, 11, 10)


# --------------------------------------------------------------------------- DST (Berlin)


def test_spring_forward_periods() -> None:
    # 2025-03-30: 02:00 CET -> 03:00 CEST. 01:00-04:00 is 2 real hours, 09:00-18:00 is 9.
    assert DST_CAL.working_periods(date(2025, 3, 30)) == (
        (utc(2025, 3, 30, 0), utc(2025, 3, 30, 2)),
        (utc(2025, 3, 30, 7), utc(2025, 3, 30, 16)),
    )
    assert DST_CAL.between(ber(2025, 3, 29, 20), ber(2025, 3, 31)) == 11 * H


def test_fall_back_periods() -> None:
    # 2025-10-26: 03:00 CEST -> 02:00 CET. 01:00-04:00 is 4 real hours, 09:00-18:00 is 9.
    assert DST_CAL.working_periods(date(2025, 10, 26)) == (
        (utc(2025, 10, 25, 23), utc(2025, 10, 26, 3)),
        (utc(2025, 10, 26, 8), utc(2025, 10, 26, 17)),
    )
    assert DST_CAL.between(ber(2025, 10, 25, 20), ber(2025, 10, 27)) == 13 * H


def test_add_across_dst_changes() -> None:
    assert DST_CAL.add(ber(2025, 3, 29, 17, 30), 1 * H) == utc(2025, 3, 30, 0, 30)  # 01:30 CET
    assert DST_CAL.add(ber(2025, 3, 30, 1), 2 * H) == ber(2025, 3, 30, 4)  # 04:00 CEST close
    assert DST_CAL.add(ber(2025, 3, 30, 1), 2 * H + 1) == ber(2025, 3, 30, 9, 0, 1)
    assert DST_CAL.add(ber(2025, 3, 30, 9), 9 * H) == ber(2025, 3, 30, 18)
    assert DST_CAL.add(ber(2025, 10, 26, 1), 3 * H) == utc(2025, 10, 26, 2)  # 03:00 CET
    assert DST_CAL.add(ber(2025, 10, 26, 1), 4 * H) == ber(2025, 10, 26, 4)
    assert DST_CAL.between(ber(2025, 10, 26, 1), ber(2025, 10, 26, 4)) == 4 * H
    # Both passes through the repeated 02:30 are working time.
    assert DST_CAL.is_working(ber(2025, 10, 26, 2, 30, fold=0))
    assert DST_CAL.is_working(ber(2025, 10, 26, 2, 30, fold=1))


def test_nonexistent_and_ambiguous_boundaries() -> None:
    cal = BusinessCalendar(
        CalendarSpec(
            "edges",
            "Europe/Berlin",
            {},
            working_days={
                # spring-forward: 02:00-02:30 never shows on the clock -> empty;
                # 02:30 does not exist -> starts at the jump (03:00 CEST).
                date(2025, 3, 30): ((120, 150), (150, 210)),
                # fall-back: 02:30 is ambiguous -> its first occurrence (CEST).
                date(2025, 10, 26): ((150, 300),),
            },
        )
    )
    assert cal.working_periods(date(2025, 3, 30)) == (
        (utc(2025, 3, 30, 1), utc(2025, 3, 30, 1, 30)),
    )
    assert cal.working_periods(date(2025, 10, 26)) == (
        (utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 4)),
    )
    assert cal.between(utc(2025, 10, 25), utc(2025, 10, 27)) == 3.5 * H


# --------------------------------------------------------------------------- 24x7


def test_always_open() -> None:
    start = utc(2025, 3, 29, 23)
    assert OPEN_CAL.add(start, 2 * H) == utc(2025, 3, 30, 1)
    assert OPEN_CAL.add(start, 0) == start
    assert OPEN_CAL.add(ber(2025, 3, 30, 1), 2 * H) == ber(2025, 3, 30, 4)  # real hours
    assert OPEN_CAL.between(start, utc(2025, 3, 30, 1)) == 2 * H
    assert OPEN_CAL.between(utc(2025, 3, 30, 1), start) == -2 * H
    assert OPEN_CAL.is_working(ber(2025, 12, 25, 3))
    assert OPEN_CAL.next_working(start) == start
    # The spring-forward day is 23 real hours long.
    ((day_start, day_end),) = OPEN_CAL.working_periods(date(2025, 3, 30))
    assert (day_start, day_end) == (utc(2025, 3, 29, 23), utc(2025, 3, 30, 22))
    assert OPEN_CAL.add_business_days(ber(2025, 3, 29, 12), 1) == ber(2025, 3, 30, 12)


# --------------------------------------------------------------------------- business days


def test_add_business_days() -> None:
    assert MSK_CAL.add_business_days(msk(2025, 3, 13, 10, 30), 3) == msk(2025, 3, 18, 10, 30)
    assert MSK_CAL.add_business_days(msk(2025, 3, 13, 20), 3) == msk(2025, 3, 18, 18)
    assert MSK_CAL.add_business_days(msk(2025, 3, 13, 18), 3) == msk(2025, 3, 18, 18)  # a close
    assert MSK_CAL.add_business_days(msk(2025, 3, 15, 11), 1) == msk(2025, 3, 17, 18)  # weekend
    assert MSK_CAL.add_business_days(msk(2026, 12, 29, 11), 2) == msk(2027, 1, 11, 11)
    assert MSK_CAL.add_business_days(msk(2025, 3, 13, 10, 30), 0) == msk(2025, 3, 13, 10, 30)
    with pytest.raises(ValueError, match="days"):
        MSK_CAL.add_business_days(msk(2025, 3, 13, 10), -1)


def test_add_business_days_clamps_into_the_target_day() -> None:
    split = ((540, 780), (840, 1080))  # 09:00-13:00, 14:00-18:00
    cal = BusinessCalendar(
        CalendarSpec(
            "short-fri",
            "Europe/Moscow",
            {0: split, 1: split, 2: split, 3: split, 4: ((600, 960),)},  # Fri 10:00-16:00
        )
    )
    assert cal.add_business_days(msk(2025, 3, 17, 17), 4) == msk(2025, 3, 21, 16)  # after close
    assert cal.add_business_days(msk(2025, 3, 17, 9, 30), 4) == msk(2025, 3, 21, 10)  # before
    assert cal.add_business_days(msk(2025, 3, 14, 13, 30), 1) == msk(2025, 3, 17, 13)  # lunch
    assert cal.add_business_days(msk(2025, 3, 18, 13), 1) == msk(2025, 3, 19, 13)
    assert cal.add_business_days(msk(2025, 3, 17, 13, 30), 1) == msk(2025, 3, 18, 18)  # outside


# --------------------------------------------------------------------------- pauses, risk


def test_shift_for_pause_over_a_weekend() -> None:
    due = msk(2025, 3, 17, 12)
    # Paused Fri 17:00, resumed Mon 10:00: 1h on Friday + 1h on Monday.
    assert shift_for_pause(MSK_CAL, due, msk(2025, 3, 14, 17), msk(2025, 3, 17, 10)) == msk(
        2025, 3, 17, 14
    )
    # A close moves into the next day.
    assert shift_for_pause(
        MSK_CAL, msk(2025, 3, 17, 18), msk(2025, 3, 17, 9), msk(2025, 3, 17, 10)
    ) == msk(2025, 3, 18, 10)


def test_shift_by_zero_does_not_move_an_instant() -> None:
    saturday = msk(2025, 3, 15, 15)  # not working time
    shifted = shift_for_pause(MSK_CAL, saturday, msk(2025, 3, 15, 10), msk(2025, 3, 16, 20))
    assert shifted == saturday
    assert shifted.tzinfo is UTC
    with pytest.raises(ValueError, match="before"):
        shift_for_pause(MSK_CAL, saturday, msk(2025, 3, 17, 12), msk(2025, 3, 17, 10))


def test_risk_instant() -> None:
    assert risk_instant(MSK_CAL, msk(2025, 3, 17, 9), 8 * H, 0.75) == msk(2025, 3, 17, 15)
    assert risk_instant(MSK_CAL, msk(2025, 3, 14, 17), 4 * H, 0.5) == msk(2025, 3, 17, 10)
    with pytest.raises(ValueError, match="threshold"):
        risk_instant(MSK_CAL, msk(2025, 3, 17, 9), 8 * H, 1.5)


# --------------------------------------------------------------------------- refusals


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2025, 3, 17, 10)
    aware = msk(2025, 3, 17, 10)
    for call in (
        lambda: MSK_CAL.add(naive, 60),
        lambda: MSK_CAL.between(naive, aware),
        lambda: MSK_CAL.between(aware, naive),
        lambda: MSK_CAL.is_working(naive),
        lambda: MSK_CAL.next_working(naive),
        lambda: MSK_CAL.add_business_days(naive, 1),
        lambda: OPEN_CAL.add(naive, 60),
        lambda: OPEN_CAL.between(naive, aware),
        lambda: clock_state(naive, aware, None, None, None),
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


@pytest.mark.parametrize("seconds", [-1, -0.5, math.nan, math.inf])
def test_bad_amounts_are_refused(seconds: float) -> None:
    with pytest.raises(ValueError, match="business seconds"):
        MSK_CAL.add(msk(2025, 3, 17, 10), seconds)


def test_bad_specs_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar(CalendarSpec("x", "Mars/Olympus", {}))
    with pytest.raises(ValueError, match="calendar x"):
        BusinessCalendar(CalendarSpec("x", "UTC", {}, country="XX"))
    with pytest.raises(ValueError, match=r"calendar x: .*subdivision XX"):
        BusinessCalendar(CalendarSpec("x", "UTC", {}, country="RU", subdivision="XX"))
    with pytest.raises(ValueError, match="weekday"):
        CalendarSpec("x", "UTC", {7: NINE_TO_SIX})
    with pytest.raises(ValueError, match="overlap"):
        CalendarSpec("x", "UTC", {0: ((540, 780), (700, 900))})
    with pytest.raises(ValueError, match="start < end"):
        CalendarSpec("x", "UTC", {0: ((540, 1500),)})
    with pytest.raises(ValueError, match="date"):
        MSK_CAL.working_periods(msk(2025, 3, 17))  # type: ignore[arg-type]


def test_calendar_without_working_time() -> None:
    cal = BusinessCalendar(CalendarSpec("closed", "UTC", {}))
    with pytest.raises(ValueError, match="calendar closed has no working time"):
        cal.add(utc(2025, 1, 1), 60)
    with pytest.raises(ValueError, match="calendar closed has no working time"):
        cal.add(utc(2025, 1, 1), 0)
    with pytest.raises(ValueError, match="calendar closed has no working time"):
        cal.next_working(utc(2025, 1, 1))
    with pytest.raises(ValueError, match="calendar closed has no working time"):
        cal.add_business_days(utc(2025, 1, 1), 1)
    assert not cal.is_working(utc(2025, 1, 1))
    assert cal.between(utc(2025, 1, 1), utc(2026, 1, 1)) == 0.0
    one_day = BusinessCalendar(
        CalendarSpec("one-day", "UTC", {}, working_days={date(2025, 6, 2): NINE_TO_SIX})
    )
    assert one_day.add(utc(2025, 1, 1), H) == utc(2025, 6, 2, 10)
    with pytest.raises(ValueError, match="no working time"):
        one_day.add(utc(2025, 1, 1), 10 * H)


def test_growing_backwards_keeps_positions() -> None:
    first_late = BusinessCalendar(MSK_SPEC)
    first_late.add(msk(2030, 6, 3, 10), H)  # builds 2030 first, then 2020.. in front of it
    first_early = BusinessCalendar(MSK_SPEC)
    a, b = msk(2020, 2, 3, 10), msk(2030, 6, 3, 10)
    assert first_late.between(a, b) == first_early.between(a, b) > 0
    assert first_late.add(a, first_late.between(a, b)) == b


# --------------------------------------------------------------------------- parsing, format


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (["09:00-13:00", "14:00-18:00"], ((540, 780), (840, 1080))),
        (["14:00-18:00", "09:00-13:00"], ((540, 780), (840, 1080))),  # sorted
        (["00:00-24:00"], ((0, 1440),)),
        (["9:00-13:00", "13:00-18:00"], ((540, 780), (780, 1080))),  # touching is fine
        ([" 09:30 - 17:45 "], ((570, 1065),)),
        ("09:00-13:00, 14:00-18:00", ((540, 780), (840, 1080))),
        ([], ()),
    ],
)
def test_parse_periods(specs: list[str], expected: tuple[tuple[int, int], ...]) -> None:
    assert parse_periods(specs) == expected


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["9-13"], "expected HH:MM-HH:MM"),
        (["09:00"], "expected HH:MM-HH:MM"),
        (["09:00-25:00"], "not a time of day"),
        (["09:60-10:00"], "not a time of day"),
        (["24:30-24:45"], "not a time of day"),
        (["18:00-09:00"], "end must be after the start"),
        (["09:00-09:00"], "end must be after the start"),
        (["09:00-13:00", "12:00-14:00"], "'09:00-13:00' and '12:00-14:00' overlap"),
    ],
)
def test_parse_periods_refuses(specs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_periods(specs)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("15m", 900),
        ("4h", 14400),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("90", 5400),
        (" 4H ", 14400),
        ("2d", 172800),
        ("1d 2h", 93600),
        ("0", 0),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "  ", "abc", "-5m", "4x", "1.5h", "h", "30m1h", "1h30"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="bad duration") as info:
        parse_duration(text)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m"),
        (59.9, "0m"),
        (-30, "0m"),
        (60, "1m"),
        (2700, "45m"),
        (8100, "2h 15m"),
        (3900, "1h 05m"),
        (7200, "2h 00m"),
        (86400, "24h 00m"),
        (41 * 3600 + 5 * 60 + 30, "41h 05m"),
        (3 * 86400 + 4 * 3600 + 59 * 60, "76h 59m"),
        (120 * 3600 + 59 * 60, "120h"),
        (-3900, "-1h 05m"),
        (-2700.5, "-45m"),
        (-3 * 86400 - 4 * 3600, "-76h 00m"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_duration_refuses_nan() -> None:
    with pytest.raises(ValueError):
        format_duration(math.nan)


# --------------------------------------------------------------------------- clock states

T0 = utc(2025, 3, 17, 9)
DUE = utc(2025, 3, 17, 13)
RISK = utc(2025, 3, 17, 12)


@pytest.mark.parametrize(
    ("now", "due", "risk_at", "done_at", "paused_at", "expected"),
    [
        (T0, None, None, None, None, None),
        (T0, DUE, RISK, utc(2025, 3, 17, 10), None, ClockState.MET),
        (T0, DUE, RISK, DUE, None, ClockState.MET),  # done exactly at the due time
        (T0, DUE, RISK, utc(2025, 3, 17, 14), None, ClockState.BREACHED),
        (T0, DUE, RISK, utc(2025, 3, 17, 14), utc(2025, 3, 17, 10), ClockState.BREACHED),
        (utc(2025, 3, 18), DUE, RISK, None, utc(2025, 3, 17, 11), ClockState.PAUSED),
        (T0, DUE, RISK, None, DUE, ClockState.BREACHED),  # paused at/after the due time
        (DUE, DUE, RISK, None, None, ClockState.BREACHED),
        (RISK, DUE, RISK, None, None, ClockState.AT_RISK),
        (utc(2025, 3, 17, 12, 30), DUE, RISK, None, None, ClockState.AT_RISK),
        (utc(2025, 3, 17, 12, 30), DUE, None, None, None, ClockState.RUNNING),
        (T0, DUE, RISK, None, None, ClockState.RUNNING),
    ],
)
def test_clock_state(
    now: datetime,
    due: datetime | None,
    risk_at: datetime | None,
    done_at: datetime | None,
    paused_at: datetime | None,
    expected: ClockState | None,
) -> None:
    assert clock_state(now, due, risk_at, done_at, paused_at) == expected


def test_clock_state_values() -> None:
    assert [s.value for s in ClockState] == ["running", "paused", "met", "at_risk", "breached"]


# --------------------------------------------------------------------------- properties

PROPERTY_CALS = {"msk": MSK_CAL, "berlin": BERLIN_PROP_CAL}
_ZONES = st.sampled_from([UTC, MSK, BER, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")])
_ANY_INSTANT = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2028, 12, 31, 23, 59, 59),
    timezones=_ZONES,
    allow_imaginary=False,
)
# Whole hours hit openings and closes (and the DST hours) often.
INSTANTS = st.one_of(
    _ANY_INSTANT, _ANY_INSTANT.map(lambda d: d.replace(minute=0, second=0, microsecond=0))
)
AMOUNTS = st.one_of(
    st.integers(0, 200).map(lambda h: h * H),
    st.integers(0, 200 * H),
    st.floats(0, 200 * H, allow_nan=False, allow_infinity=False),
)
PROPS = settings(max_examples=300, deadline=None, database=None)


def _is_close(cal: BusinessCalendar, at: datetime) -> bool:
    day = at.astimezone(ZoneInfo(cal.spec.timezone)).date()
    return any(
        end == at for d in (day - timedelta(days=1), day) for _, end in cal.working_periods(d)
    )


@pytest.mark.parametrize("name", PROPERTY_CALS)
@PROPS
@given(a=INSTANTS, s=AMOUNTS)
def test_between_inverts_add(name: str, a: datetime, s: float) -> None:
    cal = PROPERTY_CALS[name]
    due = cal.add(a, s)
    assert due.tzinfo is UTC
    assert due >= a
    assert cal.between(a, due) == pytest.approx(s, abs=1e-6)
    assert cal.is_working(due) or _is_close(cal, due)


@pytest.mark.parametrize("name", PROPERTY_CALS)
@PROPS
@given(a=INSTANTS, s1=AMOUNTS, s2=AMOUNTS)
def test_add_is_monotonic(name: str, a: datetime, s1: float, s2: float) -> None:
    cal = PROPERTY_CALS[name]
    low, high = sorted((s1, s2))
    assert cal.add(a, low) <= cal.add(a, high)


@pytest.mark.parametrize("name", PROPERTY_CALS)
@PROPS
@given(a=INSTANTS, b=INSTANTS, c=INSTANTS)
def test_between_is_additive_and_monotonic(
    name: str, a: datetime, b: datetime, c: datetime
) -> None:
    cal = PROPERTY_CALS[name]
    assert cal.between(a, b) + cal.between(b, c) == pytest.approx(cal.between(a, c), abs=1e-6)
    assert cal.between(b, a) == -cal.between(a, b)
    low, high = sorted((b, c))
    assert cal.between(a, low) <= cal.between(a, high)
    assert 0 <= cal.between(low, high) <= (high - low).total_seconds()


# --------------------------------------------------------------------------- throughput smoke


def test_throughput_smoke() -> None:
    """20,000 deadlines over a year; no timing assertion (measured separately)."""
    rnd = random.Random(20250317)
    base = utc(2025, 1, 1)
    starts = [base + timedelta(seconds=rnd.randrange(365 * 86400)) for _ in range(20_000)]
    deadlines = [MSK_CAL.add(start, 8 * H) for start in starts]
    assert len(deadlines) == 20_000
    assert all(due > start for start, due in zip(starts, deadlines, strict=True))


def test_a_country_is_checked_without_loading_its_holidays() -> None:
    """A start builds every calendar; Russia's holidays load only when a deadline needs
    them (60–75 ms at every start otherwise); a subdivision, aliases included, is still
    checked."""
    code = (
        "import sys\n"
        "from helpdesk_tui.domain.sla import BusinessCalendar, CalendarSpec\n"
        "BusinessCalendar(CalendarSpec('x', 'Europe/Moscow', {}, country='RU'))\n"
        "BusinessCalendar(CalendarSpec('y', 'UTC', {}, country='UK'))\n"
        "print(sorted(m for m in sys.modules if m.startswith('holidays.countries.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    BusinessCalendar(CalendarSpec("z", "UTC", {}, country="US", subdivision="California"))


def test_a_countrys_holidays_come_from_its_own_module_alone() -> None:
    """The same holidays as `holidays.country_holidays`, with one country's module read
    instead of all 250 (the first queue page waits for them)."""
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from helpdesk_tui.domain.sla import _holidays_of\n"
        "ru = _holidays_of('RU', None, 2026)\n"
        "ca = _holidays_of('US', 'CA', 2026)\n"
        "loaded = [m for m in sys.modules if m.startswith('holidays.countries')]\n"
        "print(len(loaded), date(2026, 1, 7) in ru, date(2026, 3, 31) in ca)\n"
        "import holidays\n"  # now the public way, all 250: the same days
        "same = all(\n"
        "    _holidays_of(c, s, y) == frozenset(holidays.country_holidays(c, subdiv=s, years=y))\n"
        "    for c, s in (('RU', None), ('US', 'CA'), ('DE', 'BE'), ('GB', None))\n"
        "    for y in (2024, 2025, 2026, 2027)\n"
        ")\n"
        "print(same)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # Christmas in Russia, César Chávez Day in California; then the same as the public way
    assert done.stdout.split() == ["0", "True", "True", "True"]
