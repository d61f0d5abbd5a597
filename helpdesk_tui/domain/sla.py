"""Business time for SLAs: add business time to an instant, measure it between two instants.

Pure computation (stdlib + ``holidays``); no I/O, nothing from the rest of the project.

How it works
------------
A :class:`BusinessCalendar` keeps a lazily grown *timeline*: the working intervals of whole
local calendar years as sorted lists of UTC epoch **integer microseconds**, with a running
total of business time before each interval. A business "position" of any instant is then
one ``bisect`` plus arithmetic, ``between`` is a difference of positions and ``add`` is the
inverse (one more ``bisect`` on the running totals). Cost grows with log(intervals), never
with minutes, and no ``datetime`` is built in the hot path except the result. Integers make
``between(a, add(a, s)) == s`` and additivity exact to the microsecond; ``seconds`` given as
floats are rounded to the microsecond once, on the way in. Years are built on demand
(forwards and backwards) and holidays are fetched once per year.

Conventions (boundaries)
------------------------
* Working periods are half-open ``[open, close)``: :meth:`BusinessCalendar.is_working` is
  true at an opening and false at a close (unless the next period opens at that very instant).
* A deadline that falls exactly at a close *is* that close (Mon 09:00 + 9h = Mon 18:00 on a
  09:00-18:00 calendar), so ``add`` returns working time or exactly a period close.
* ``add(t, 0)`` is ``t`` when ``t`` is inside a period **or exactly at its close**; otherwise it
  is the next opening. ``add(t, s)`` for ``s > 0`` starts counting at ``t`` or at the next
  opening. ``shift_for_pause`` by zero business time never moves an instant.
* Local period boundaries -> UTC (DST): a boundary ``HH:MM`` on a day is **the first instant at
  which the local wall clock reads that time or later**. For ordinary times that is the only
  instant; for an ambiguous time (autumn fall-back) it is the first occurrence (``fold=0``);
  for a time that does not exist (spring-forward gap) it is the instant of the jump. Hence
  Europe/Berlin on spring-forward day: 09:00-18:00 is 9 real hours, 01:00-04:00 is 2 real
  hours, 02:30-03:30 is 30 minutes (03:00-03:30 CEST), and 02:00-02:30 is empty; on fall-back
  day 01:00-04:00 is 4 real hours and 02:30-05:00 runs from 02:30 CEST to 05:00 CET (3.5 h).
  A period is always one contiguous UTC interval. ``24:00`` is the next day's ``00:00``.
  *Input* instants are whatever Python says they are (PEP 495: an aware datetime with a
  non-existent wall time and ``fold=0`` uses the offset from before the jump).
* All inputs must be timezone-aware (naive -> ``ValueError``); all outputs are in UTC.

What ``holidays`` gives for Russia (``holidays`` 0.109, ``country_holidays("RU")``)
--------------------------------------------------------------------------------
* Jan 1-8 every year (Jan 1-6 and 8 "New Year Holidays", Jan 7 "Christmas Day"); Feb 23,
  Mar 8, May 1, May 9, Jun 12 and Nov 4 on their own dates, even on a weekend.
* The government's moves, from a table per year (known up to 2027 in 0.109): holidays moved
  off a weekend appear as "... (observed)" (e.g. 2026-03-09, 2026-05-11) and transferred days
  off appear as "Day off (substituted from DD/MM/YYYY)" (e.g. 2025-05-02, 2025-05-08,
  2025-06-13, 2025-11-03, 2025-12-31, 2026-01-09, 2026-12-31, 2027-02-22, 2027-11-05,
  2027-12-31). For years after the table, nothing is moved.
* The *working* Saturdays that pay for those transfers (e.g. 2025-11-01, 2027-02-20) are not
  holidays and this engine does not read them from ``holidays`` (the package only exposes
  the dates in ``weekend_workdays``, without hours): **list each transferred working Saturday,
  and any shortened pre-holiday day, in the calendar's ``working_days`` with its periods.**
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
import sys
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from holidays.registry import COUNTRIES

from helpdesk_tui.domain.text import is_number
from helpdesk_tui.i18n import _

__all__ = [
    "BusinessCalendar",
    "CalendarSpec",
    "ClockState",
    "clock_state",
    "format_duration",
    "parse_duration",
    "parse_periods",
    "risk_instant",
    "shift_for_pause",
]

Periods = tuple[tuple[int, int], ...]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_US_PER_S = 1_000_000
_ONE_DAY = timedelta(days=1)
_DAY_US = 86_400 * _US_PER_S
_SEARCH_LIMIT_US = 3_660 * _DAY_US  # ~10 years without an opening: the calendar has none
_MIN_YEAR, _MAX_YEAR = 2, 9998  # keeps local midnights and their UTC instants in datetime range
_FULL_DAY: Periods = ((0, 1440),)


# --------------------------------------------------------------------------- spec & parsing


def _check_periods(periods: Iterable[Iterable[int]], where: str) -> Periods:
    """Validate and normalise periods to a tuple of int pairs (sorted, non-overlapping)."""
    out: list[tuple[int, int]] = []
    prev_end = 0
    for period in periods:
        try:
            start, end = period
        except (TypeError, ValueError):
            raise ValueError(f"{where}: period {period!r} is not a (start, end) pair") from None
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise ValueError(f"{where}: period {period!r} must be two whole minute numbers")
        if not 0 <= start < end <= 1440:
            raise ValueError(f"{where}: period {period!r} needs 0 <= start < end <= 1440")
        if start < prev_end:
            raise ValueError(f"{where}: periods must be sorted and must not overlap")
        prev_end = end
        out.append((start, end))
    return tuple(out)


@dataclass(frozen=True)
class CalendarSpec:
    """A working calendar as data: weekly hours, public holidays, exceptions, time zone.

    ``working_days`` wins over everything (weekday hours, holidays, ``days_off``) and brings
    its own periods; an empty tuple there makes the day a day off.
    """

    code: str
    timezone: str
    hours: dict[int, tuple[tuple[int, int], ...]]
    country: str | None = None
    subdivision: str | None = None
    days_off: frozenset[date] = frozenset()
    working_days: dict[date, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    always_open: bool = False

    def __post_init__(self) -> None:
        hours: dict[int, Periods] = {}
        for weekday, periods in self.hours.items():
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(f"calendar {self.code}: weekday {weekday!r} is not 0..6")
            hours[weekday] = _check_periods(periods, f"calendar {self.code}, weekday {weekday}")
        working = {
            day: _check_periods(periods, f"calendar {self.code}, {day}")
            for day, periods in self.working_days.items()
        }
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "working_days", working)
        object.__setattr__(self, "days_off", frozenset(self.days_off))


_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _minute_of(hh: str, mm: str, spec: str) -> int:
    hour, minute = int(hh), int(mm)
    if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
        raise ValueError(
            _("bad period {spec!r}: {time} is not a time of day (00:00-24:00)").format(
                spec=spec, time=f"{hh}:{mm}"
            )
        )
    return hour * 60 + minute


def parse_periods(specs: list[str]) -> Periods:
    """``["09:00-13:00", "14:00-18:00"]`` -> ``((540, 780), (840, 1080))``.

    Periods are sorted; touching periods are kept as given; a single comma-separated string
    is accepted too. ``[]`` means a day off.
    """
    if isinstance(specs, str):
        specs = [part for part in specs.split(",") if part.strip()]
    parsed: list[tuple[int, int, str]] = []
    for spec in specs:
        match = _PERIOD_RE.match(spec) if isinstance(spec, str) else None
        if match is None:
            raise ValueError(
                _("bad period {spec!r}: expected HH:MM-HH:MM, e.g. 09:00-18:00").format(spec=spec)
            )
        start = _minute_of(match[1], match[2], spec)
        end = _minute_of(match[3], match[4], spec)
        if end <= start:
            raise ValueError(
                _("bad period {spec!r}: the end must be after the start").format(spec=spec)
            )
        parsed.append((start, end, spec.strip()))
    parsed.sort()
    for (_start, prev_end, prev_spec), (start, _end, spec) in pairwise(parsed):
        if start < prev_end:
            raise ValueError(
                _("periods {first!r} and {second!r} overlap").format(first=prev_spec, second=spec)
            )
    return tuple((start, end) for start, end, _spec in parsed)


_DURATION_RE = re.compile(
    r"^(?:(?P<d>\d+)\s*d)?\s*(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m)?$", re.IGNORECASE
)


def parse_duration(text: str) -> int:
    """``"15m"`` -> 900, ``"4h"`` -> 14400, ``"1h30m"`` -> 5400, ``"90"`` (minutes) -> 5400.

    Units ``d`` (24 h of business time, not a "business day"), ``h``, ``m``, in that order,
    whole numbers only; returns seconds.
    """
    if not isinstance(text, str):
        raise ValueError(
            _("bad duration {text!r}: expected text like 4h, 15m or 1h30m").format(text=text)
        )
    cleaned = text.strip()
    if is_number(cleaned):
        return int(cleaned) * 60
    match = _DURATION_RE.match(cleaned) if cleaned else None
    if match is None or not any(match.groupdict().values()):
        raise ValueError(
            _(
                "bad duration {text!r}: expected whole minutes or hours like 90, 15m, 4h, 1h30m"
            ).format(text=text)
        )
    days, hours, minutes = (int(match[unit] or 0) for unit in ("d", "h", "m"))
    return ((days * 24 + hours) * 60 + minutes) * 60


def format_duration(seconds: float) -> str:
    """Compact countdown text: ``"45m"``, ``"2h 05m"``, ``"41h 05m"``, ``"120h"``, ``"0m"``,
    ``"-1h 05m"``.

    Always in hours, never days: business time counted in 24-hour "days" reads as wall
    days and misleads (41 business hours are a working week, not "1d 17h"). From 100 hours
    on, minutes are dropped. Truncated towards zero to whole minutes (59 s left shows
    ``"0m"``, never ``"-0m"``); overdue amounts get a leading ``-``.
    """
    if not math.isfinite(seconds):
        raise ValueError(f"cannot format duration {seconds!r}")
    minutes_total = int(abs(seconds)) // 60
    sign = "-" if seconds < 0 and minutes_total else ""
    hours, minutes = divmod(minutes_total, 60)
    if hours >= 100:
        return f"{sign}{hours}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{minutes}m"


# --------------------------------------------------------------------------- engine helpers


def _to_us(value: datetime) -> int:
    """Aware datetime -> UTC epoch microseconds; naive input is refused."""
    try:
        return (value - _EPOCH) // _ONE_US
    except TypeError:
        raise ValueError(f"expected a timezone-aware datetime, got {value!r}") from None


def _from_us(us: int) -> datetime:
    try:
        return _EPOCH + timedelta(0, 0, us)
    except OverflowError:
        raise ValueError("instant outside the supported range") from None


def _seconds_to_us(seconds: float) -> int:
    if isinstance(seconds, int):
        if seconds < 0:
            raise ValueError(f"business seconds must not be negative, got {seconds}")
        return seconds * _US_PER_S
    value = float(seconds)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"business seconds must be a finite number >= 0, got {seconds!r}")
    return round(value * _US_PER_S)


class _Timeline:
    """Working intervals of local years ``[lo_year, hi_year)``; instants ``[lo, hi)``.

    ``cum[i]``/``cum_end[i]`` are the business positions (µs) at the opening/close of
    interval ``i``; ``pos_lo``/``pos_hi`` the positions at ``lo``/``hi``. Positions are
    relative (they go negative when years are prepended); only differences matter.
    Never mutated: growth builds a new object, so lock-free readers stay consistent.
    """

    __slots__ = (
        "cum",
        "cum_end",
        "ends",
        "hi",
        "hi_year",
        "lo",
        "lo_year",
        "pos_hi",
        "pos_lo",
        "starts",
    )

    def __init__(
        self,
        lo_year: int,
        hi_year: int,
        lo: int,
        hi: int,
        starts: list[int],
        ends: list[int],
        cum: list[int],
        cum_end: list[int],
        pos_lo: int,
        pos_hi: int,
    ) -> None:
        self.lo_year, self.hi_year, self.lo, self.hi = lo_year, hi_year, lo, hi
        self.starts, self.ends, self.cum, self.cum_end = starts, ends, cum, cum_end
        self.pos_lo, self.pos_hi = pos_lo, pos_hi

    def position(self, t: int) -> int:
        """Business µs up to instant ``t`` (which must lie in ``[lo, hi)``)."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return self.pos_lo
        if t < self.ends[i]:
            return self.cum[i] + (t - self.starts[i])
        return self.cum_end[i]


def _spans(intervals: list[tuple[int, int]], first_pos: int) -> tuple[list[int], ...]:
    starts = [s for s, _ in intervals]
    ends = [e for _, e in intervals]
    cum: list[int] = []
    cum_end: list[int] = []
    pos = first_pos
    for s, e in intervals:
        cum.append(pos)
        pos += e - s
        cum_end.append(pos)
    return starts, ends, cum, cum_end


# --------------------------------------------------------------------------- calendar


def _check_country(spec: CalendarSpec) -> None:
    """That ``holidays`` knows the spec's country (and subdivision). A country alone is
    looked up in its registry: loading any country's holidays imports all 250 of them,
    60–75 ms at every start, for a calendar that may not need a holiday before the
    first deadline is computed."""
    if not spec.subdivision and _country_module(spec.country) is not None:
        return
    try:
        holidays.country_holidays(spec.country, subdiv=spec.subdivision, years=())
    except NotImplementedError as exc:
        raise ValueError(f"calendar {spec.code}: {exc}") from exc


def _holidays_of(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """A country's holidays in `year`, as ``holidays.country_holidays`` gives them."""
    cls = _country_class(country)
    if cls is None:
        return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))
    return frozenset(cls(subdiv=subdivision, years=year))


@functools.cache
def _country_class(country: str) -> type | None:
    """The country's class, from its own module alone. ``holidays`` imports all 250
    countries' modules for any one of them (60–90 ms, and the first queue page waits for
    its business calendar): this reads just the one its registry names (4 ms). None if
    the package is loaded already, or its layout is not as expected: then the public way."""
    found = _country_module(country)
    if found is None or "holidays.countries" in sys.modules:
        return None
    module_name, class_name = found
    try:
        path = Path(holidays.__file__).parent / "countries" / f"{module_name}.py"
        spec = importlib.util.spec_from_file_location(f"_helpdesk_holidays_{module_name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return getattr(module, class_name)
    except Exception:  # any surprise: the public way
        return None


@functools.cache
def _country_module(country: str) -> tuple[str, str] | None:
    """(module, class) of a country code or alias in ``holidays``' registry, None if unknown."""
    return next(
        ((module, entry[0]) for module, entry in COUNTRIES.items() if country in entry[1:]), None
    )


class BusinessCalendar:
    """Business-time arithmetic for one :class:`CalendarSpec` (see the module docstring)."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        try:
            self._zone = ZoneInfo(spec.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"calendar {spec.code}: unknown time zone {spec.timezone!r}") from exc
        if spec.country:
            _check_country(spec)
        self._always = spec.always_open
        self._weekly: tuple[Periods, ...] = tuple(spec.hours.get(wd, ()) for wd in range(7))
        self._holiday_years: dict[int, frozenset[date]] = {}
        self._days: dict[int, tuple[tuple[int, int], ...]] = {}
        self._tl: _Timeline | None = None
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.spec.code!r}, {self.spec.timezone!r})"

    # ---- public API

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant at which ``seconds`` of business time have elapsed since ``start``."""
        t = _to_us(start)
        s = _seconds_to_us(seconds)
        if self._always:
            return _from_us(t + s)
        tl = self._tl
        if tl is None or not tl.lo <= t < tl.hi:
            tl = self._grow(t)
        i = bisect_right(tl.starts, t) - 1
        if i < 0:
            pos = tl.pos_lo
        elif t <= tl.ends[i]:  # inside the period or exactly at its close
            if s == 0:
                return start.astimezone(UTC)
            pos = tl.cum[i] + (t - tl.starts[i])
        else:
            pos = tl.cum_end[i]
        if s == 0:
            return _from_us(self._opening_after(t))
        target = pos + s
        cum_end = tl.cum_end
        j = bisect_left(cum_end, target)
        while j == len(cum_end):
            tl = self._grow_forward(t)
            cum_end = tl.cum_end
            j = bisect_left(cum_end, target)
        return _from_us(tl.ends[j] - (cum_end[j] - target))

    def between(self, a: datetime, b: datetime) -> float:
        """Business seconds in ``[a, b]``; negative when ``b < a``."""
        ta, tb = _to_us(a), _to_us(b)
        if self._always or ta == tb:
            return (tb - ta) / _US_PER_S
        tl = self._tl
        if tl is None or not (tl.lo <= ta < tl.hi and tl.lo <= tb < tl.hi):
            self._grow(ta)
            tl = self._grow(tb)
        return (tl.position(tb) - tl.position(ta)) / _US_PER_S

    def is_working(self, at: datetime) -> bool:
        """True inside a period (an opening counts, a close does not)."""
        t = _to_us(at)
        if self._always:
            return True
        tl = self._covering(t)
        i = bisect_right(tl.starts, t) - 1
        return i >= 0 and t < tl.ends[i]

    def next_working(self, at: datetime) -> datetime:
        """``at`` (in UTC) if it is working time, else the next opening."""
        t = _to_us(at)
        if self._always:
            return at.astimezone(UTC)
        tl = self._covering(t)
        i = bisect_right(tl.starts, t) - 1
        if i >= 0 and t < tl.ends[i]:
            return at.astimezone(UTC)
        return _from_us(self._opening_after(t))

    def working_periods(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The local ``day``'s working periods as aware UTC datetimes (empty on a day off)."""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValueError(f"expected a date, got {day!r}")
        return tuple((_from_us(s), _from_us(e)) for s, e in self._day_us(day))

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """Same local clock time ``days`` working days after ``start``'s local date.

        Working days are local dates with at least one period. If ``start`` is inside a
        period or exactly at a close, the result is its wall-clock time on the target day,
        clamped into that day's periods: before the first opening -> the opening; in a gap
        or after the last close -> the preceding close. Otherwise (``start`` outside hours)
        the result is the target day's last close. ``days == 0`` returns ``start``.
        """
        t = _to_us(start)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError(f"days must be a whole number >= 0, got {days!r}")
        if days == 0:
            return start.astimezone(UTC)
        local = start.astimezone(self._zone)
        if self._always:
            in_hours = True
        else:
            tl = self._covering(t)
            i = bisect_right(tl.starts, t) - 1
            in_hours = i >= 0 and t <= tl.ends[i]
        day = local.date()
        found = idle = 0
        while found < days:
            day += _ONE_DAY
            if self._day_us(day):
                found += 1
                idle = 0
            else:
                idle += 1
                if idle * _DAY_US > _SEARCH_LIMIT_US:
                    raise ValueError(f"calendar {self.spec.code} has no working time")
        periods = self._day_us(day)
        if not in_hours:
            return _from_us(periods[-1][1])
        wall = datetime.combine(day, local.time().replace(fold=0))
        x = self._wall_to_us(wall)
        if x <= periods[0][0]:
            return _from_us(periods[0][0])
        chosen = periods[0][0]
        for s, e in periods:
            if x < s:
                break
            chosen = x if x <= e else e
        return _from_us(chosen)

    # ---- timeline maintenance

    def _covering(self, t: int) -> _Timeline:
        tl = self._tl
        if tl is None or not tl.lo <= t < tl.hi:
            tl = self._grow(t)
        return tl

    def _grow(self, t: int) -> _Timeline:
        """Extend the timeline (by whole local years) until it covers instant ``t``."""
        with self._lock:
            tl = self._tl
            if tl is None:
                try:
                    year = (_EPOCH + timedelta(0, 0, t)).astimezone(self._zone).year
                except OverflowError:
                    raise ValueError("instant outside the supported range") from None
                tl = self._first_year(year)
            while t < tl.lo:
                tl = self._prepend_year(tl)
            while t >= tl.hi:
                tl = self._append_year(tl)
            self._tl = tl
            return tl

    def _grow_forward(self, t: int) -> _Timeline:
        """Append one more year, unless ~10 years after ``t`` held no working time."""
        with self._lock:
            tl = self._tl
            assert tl is not None
            last = tl.ends[-1] if tl.ends else tl.lo
            if tl.hi - max(last, t) > _SEARCH_LIMIT_US:
                raise ValueError(f"calendar {self.spec.code} has no working time")
            tl = self._tl = self._append_year(tl)
            return tl

    def _opening_after(self, t: int) -> int:
        """The first opening strictly after ``t`` (already covered), growing as needed."""
        tl = self._covering(t)
        k = bisect_right(tl.starts, t)
        while k == len(tl.starts):
            tl = self._grow_forward(t)
            k = bisect_right(tl.starts, t)
        return tl.starts[k]

    def _check_year(self, year: int) -> None:
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise ValueError(f"calendar {self.spec.code}: year {year} is outside the range")

    def _year_start(self, year: int) -> int:
        return self._wall_to_us(datetime(year, 1, 1))

    def _year_intervals(self, year: int) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        day = date(year, 1, 1)
        while day.year == year:
            out.extend(self._day_us(day))
            day += _ONE_DAY
        return out

    def _first_year(self, year: int) -> _Timeline:
        self._check_year(year)
        starts, ends, cum, cum_end = _spans(self._year_intervals(year), 0)
        end_pos = cum_end[-1] if cum_end else 0
        return _Timeline(
            year,
            year + 1,
            self._year_start(year),
            self._year_start(year + 1),
            starts,
            ends,
            cum,
            cum_end,
            0,
            end_pos,
        )

    def _append_year(self, tl: _Timeline) -> _Timeline:
        year = tl.hi_year
        self._check_year(year)
        intervals = self._year_intervals(year)
        starts, ends, cum, cum_end = _spans(intervals, tl.pos_hi)
        pos_hi = cum_end[-1] if cum_end else tl.pos_hi
        return _Timeline(
            tl.lo_year,
            year + 1,
            tl.lo,
            self._year_start(year + 1),
            tl.starts + starts,
            tl.ends + ends,
            tl.cum + cum,
            tl.cum_end + cum_end,
            tl.pos_lo,
            pos_hi,
        )

    def _prepend_year(self, tl: _Timeline) -> _Timeline:
        year = tl.lo_year - 1
        self._check_year(year)
        intervals = self._year_intervals(year)
        pos_lo = tl.pos_lo - sum(e - s for s, e in intervals)
        starts, ends, cum, cum_end = _spans(intervals, pos_lo)
        return _Timeline(
            year,
            tl.hi_year,
            self._year_start(year),
            tl.hi,
            starts + tl.starts,
            ends + tl.ends,
            cum + tl.cum,
            cum_end + tl.cum_end,
            pos_lo,
            tl.pos_hi,
        )

    # ---- days

    def _is_holiday(self, day: date) -> bool:
        year_set = self._holiday_years.get(day.year)
        if year_set is None:
            found = _holidays_of(self.spec.country, self.spec.subdivision, day.year)
            year_set = self._holiday_years[day.year] = found
        return day in year_set

    def _day_minutes(self, day: date) -> Periods:
        """The local day's periods in minutes, after exceptions and holidays."""
        if self._always:
            return _FULL_DAY
        spec = self.spec
        special = spec.working_days.get(day)
        if special is not None:
            return special
        if day in spec.days_off or (spec.country and self._is_holiday(day)):
            return ()
        return self._weekly[day.weekday()]

    def _day_us(self, day: date) -> tuple[tuple[int, int], ...]:
        """The local day's periods as UTC epoch µs (cached; empty periods dropped)."""
        key = day.toordinal()
        cached = self._days.get(key)
        if cached is not None:
            return cached
        minutes = self._day_minutes(day)
        result: tuple[tuple[int, int], ...] = ()
        if minutes:
            midnight = datetime(day.year, day.month, day.day)
            day_start = self._wall_to_us(midnight)
            day_end = self._wall_to_us(midnight + _ONE_DAY)
            plain = day_end - day_start == _DAY_US  # no clock change that day: pure arithmetic
            out = []
            for start_min, end_min in minutes:
                if plain:
                    s = day_start + start_min * 60 * _US_PER_S
                    e = day_start + end_min * 60 * _US_PER_S
                else:
                    s = self._wall_to_us(midnight + timedelta(minutes=start_min))
                    e = self._wall_to_us(midnight + timedelta(minutes=end_min))
                if e > s:
                    out.append((s, e))
            result = tuple(out)
        self._days[key] = result
        return result

    def _wall_to_us(self, wall: datetime) -> int:
        """First instant at which the local clock reads naive ``wall`` or later (UTC µs).

        fold=0 gives the first occurrence of an ambiguous time; a time inside a
        spring-forward gap maps to the instant of the jump (found by bisection on seconds).
        """
        zone = self._zone
        try:
            guess = _to_us(wall.replace(tzinfo=zone, fold=0))
            if (_EPOCH + timedelta(0, 0, guess)).astimezone(zone).replace(tzinfo=None) == wall:
                return guess
            # In a gap: fold=1 lands before the jump, fold=0 after it.
            lo = _to_us(wall.replace(tzinfo=zone, fold=1)) // _US_PER_S
            hi = -(-guess // _US_PER_S)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                local = (_EPOCH + timedelta(seconds=mid)).astimezone(zone).replace(tzinfo=None)
                if local >= wall:
                    hi = mid
                else:
                    lo = mid
            return hi * _US_PER_S
        except OverflowError:
            raise ValueError("instant outside the supported range") from None


# --------------------------------------------------------------------------- clocks


class ClockState(StrEnum):
    """Where an SLA clock stands; ``None`` from :func:`clock_state` means there is no clock."""

    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    AT_RISK = "at_risk"
    BREACHED = "breached"


def _require_aware(*values: datetime | None) -> None:
    for value in values:
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise ValueError(f"expected a timezone-aware datetime, got {value!r}")


def clock_state(
    now: datetime,
    due: datetime | None,
    risk_at: datetime | None,
    done_at: datetime | None,
    paused_at: datetime | None,
) -> ClockState | None:
    """State of one SLA clock; a clock done or paused is judged at that instant, not ``now``."""
    _require_aware(now, due, risk_at, done_at, paused_at)
    if due is None:
        return None
    if done_at is not None:
        return ClockState.MET if done_at <= due else ClockState.BREACHED
    if paused_at is not None:
        return ClockState.BREACHED if due <= paused_at else ClockState.PAUSED
    if now >= due:
        return ClockState.BREACHED
    if risk_at is not None and now >= risk_at:
        return ClockState.AT_RISK
    return ClockState.RUNNING


def risk_instant(
    cal: BusinessCalendar, start: datetime, target_seconds: int, threshold: float
) -> datetime:
    """When a clock of ``target_seconds`` started at ``start`` reaches ``threshold`` (0..1)."""
    if not 0 <= threshold <= 1:
        raise ValueError(f"risk threshold must be between 0 and 1, got {threshold!r}")
    return cal.add(start, target_seconds * threshold)


def shift_for_pause(
    cal: BusinessCalendar, instant: datetime, paused_at: datetime, resumed_at: datetime
) -> datetime:
    """Move ``instant`` later by the business time that elapsed while the clock was paused.

    A pause with no business time in it (say, a weekend) leaves ``instant`` exactly where it
    was, even when ``instant`` is outside working hours (``add`` by zero would snap it to the
    next opening). Otherwise the result is ``cal.add(instant, paused business seconds)``.
    """
    paused = cal.between(paused_at, resumed_at)
    if paused < 0:
        raise ValueError("resumed_at is before paused_at")
    if paused == 0:
        _to_us(instant)
        return instant.astimezone(UTC)
    return cal.add(instant, paused)
