"""A ticket's SLA clocks: deadlines, at-risk instants, and which alerts are due.

One rule keeps pauses, priority changes and plan changes consistent: a clock's deadline is
`start + target + paused` in business time, where `paused` is the business time the ticket
has spent waiting for the customer since the clock started. So resuming shifts deadlines by
the pause, and a new priority recomputes them from the business time already used, not
from zero.

Three clocks: *response* and *resolution* start at registration; *update* (keep the
customer informed every N business minutes, optional per plan) restarts from each public
message to the customer. Its start is `update_from`, and the pauses that count against it
are those after that start: `paused_s - update_paused_base_s`, the base being the paused
business time at the restart.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from helpdesk_tui.domain.sla import BusinessCalendar, ClockState, clock_state

RESPONSE_RISK = 1
RESPONSE_BREACH = 2
RESOLUTION_RISK = 4
RESOLUTION_BREACH = 8
UPDATE_RISK = 16
UPDATE_BREACH = 32
UPDATE_BITS = UPDATE_RISK | UPDATE_BREACH


@dataclass(frozen=True)
class ClockInput:
    created_at: datetime
    response_s: int
    resolution_s: int
    at_risk: float
    paused_s: int = 0
    paused_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    alerts: int = 0
    update_s: int = 0  # 0: the plan has no update clock for this priority
    update_from: datetime | None = None  # its start: registration or the last public message
    update_paused_base_s: int = 0  # paused_s when it started


@dataclass(frozen=True)
class Clocks:
    response_due: datetime
    response_risk_at: datetime
    resolution_due: datetime
    resolution_risk_at: datetime
    due_at: datetime | None
    next_alert_at: datetime | None
    alerts: int
    update_due: datetime | None = None
    update_risk_at: datetime | None = None


def deadline(cal: BusinessCalendar, start: datetime, seconds: float, paused_s: int) -> datetime:
    total = seconds + paused_s
    if total < 0:
        # more used than the target in hours this calendar does not count (a ticket moved
        # to a plan on another calendar, `rebase_pauses`): long past, before the start
        return start - timedelta(seconds=-total)
    return cal.add(start, total)


def compute(cal: BusinessCalendar, c: ClockInput, now: datetime | None = None) -> Clocks:
    """All SLA fields from the ticket's facts.

    Alerts already recorded for an instant that moved into the future (after a pause or a
    lower priority) are forgotten, so the tick records them again when they come.
    """
    response_due = deadline(cal, c.created_at, c.response_s, c.paused_s)
    response_risk = deadline(cal, c.created_at, c.response_s * c.at_risk, c.paused_s)
    resolution_due = deadline(cal, c.created_at, c.resolution_s, c.paused_s)
    resolution_risk = deadline(cal, c.created_at, c.resolution_s * c.at_risk, c.paused_s)
    update_due = update_risk = None
    if c.update_s > 0 and c.update_from is not None and c.resolved_at is None:
        since = c.paused_s - c.update_paused_base_s
        if c.paused_at is not None:  # a restart during the pause counted it up to then
            since = max(0, since)
        # (negative otherwise only after a move to another calendar: see rebase_pauses)
        update_due = deadline(cal, c.update_from, c.update_s, since)
        update_risk = deadline(cal, c.update_from, c.update_s * c.at_risk, since)
    alerts = c.alerts if update_due is not None else c.alerts & ~UPDATE_BITS
    if now is not None:
        for bit, instant, done in (
            (RESPONSE_RISK, response_risk, c.first_response_at),
            (RESPONSE_BREACH, response_due, c.first_response_at),
            (RESOLUTION_RISK, resolution_risk, c.resolved_at),
            (RESOLUTION_BREACH, resolution_due, c.resolved_at),
            (UPDATE_RISK, update_risk, c.resolved_at),
            (UPDATE_BREACH, update_due, c.resolved_at),
        ):
            if done is None and instant is not None and instant > now:
                alerts &= ~bit
    return Clocks(
        response_due=response_due,
        response_risk_at=response_risk,
        resolution_due=resolution_due,
        resolution_risk_at=resolution_risk,
        due_at=queue_order(
            cal,
            c.paused_at,
            nearest_due(
                c.first_response_at, c.resolved_at, response_due, resolution_due, update_due
            ),
        ),
        next_alert_at=next_alert(
            c.paused_at,
            c.first_response_at,
            c.resolved_at,
            alerts,
            response_risk,
            response_due,
            resolution_risk,
            resolution_due,
            update_risk,
            update_due,
        ),
        alerts=alerts,
        update_due=update_due,
        update_risk_at=update_risk,
    )


def nearest_due(
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    response_due: datetime,
    resolution_due: datetime,
    update_due: datetime | None = None,
) -> datetime | None:
    """The deadline the queue sorts by: the nearest of the response's (until answered),
    the resolution's and the next update's."""
    if resolved_at is not None:
        return None
    nearest = resolution_due if first_response_at else min(response_due, resolution_due)
    if update_due is not None:
        nearest = min(nearest, update_due)
    return nearest


PAUSED_AFTER = datetime(9000, 1, 1, tzinfo=UTC)
"""Paused tickets sort after every running one: their deadline is suspended."""


def queue_order(
    cal: BusinessCalendar, paused_at: datetime | None, deadline: datetime | None
) -> datetime | None:
    """What the queue sorts by (`ticket.due_at`): the running deadline; for a ticket
    waiting for the customer, a point after all running deadlines, ordered by the business
    time it will have left when it resumes."""
    if deadline is None or paused_at is None:
        return deadline
    left = max(0.0, cal.between(paused_at, deadline))
    return PAUSED_AFTER + timedelta(seconds=round(left))


def next_alert(
    paused_at: datetime | None,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    alerts: int,
    response_risk: datetime,
    response_due: datetime,
    resolution_risk: datetime,
    resolution_due: datetime,
    update_risk: datetime | None = None,
    update_due: datetime | None = None,
) -> datetime | None:
    """The next instant the SLA tick has to record something for, or None."""
    if paused_at is not None or resolved_at is not None:
        return None
    pending = [
        instant
        for bit, instant, done in (
            (RESPONSE_RISK, response_risk, first_response_at),
            (RESPONSE_BREACH, response_due, first_response_at),
            (RESOLUTION_RISK, resolution_risk, None),
            (RESOLUTION_BREACH, resolution_due, None),
            (UPDATE_RISK, update_risk, None),
            (UPDATE_BREACH, update_due, None),
        )
        if done is None and instant is not None and not alerts & bit
    ]
    return min(pending) if pending else None


def due_alerts(
    now: datetime,
    first_response_at: datetime | None,
    alerts: int,
    response_risk: datetime,
    response_due: datetime,
    resolution_risk: datetime,
    resolution_due: datetime,
    update_risk: datetime | None = None,
    update_due: datetime | None = None,
) -> list[int]:
    """The alert bits that have come due at `now` and are not recorded yet.

    A breach implies the risk: if both passed unseen, both are returned, risk first.
    """
    out = []
    for bit, instant, done in (
        (RESPONSE_RISK, response_risk, first_response_at),
        (RESPONSE_BREACH, response_due, first_response_at),
        (RESOLUTION_RISK, resolution_risk, None),
        (RESOLUTION_BREACH, resolution_due, None),
        (UPDATE_RISK, update_risk, None),
        (UPDATE_BREACH, update_due, None),
    ):
        if done is None and instant is not None and not alerts & bit and instant <= now:
            out.append(bit)
    return out


ALERT_NAMES = {
    RESPONSE_RISK: ("response", "at_risk"),
    RESPONSE_BREACH: ("response", "breached"),
    RESOLUTION_RISK: ("resolution", "at_risk"),
    RESOLUTION_BREACH: ("resolution", "breached"),
    UPDATE_RISK: ("update", "at_risk"),
    UPDATE_BREACH: ("update", "breached"),
}


def state_of(
    now: datetime,
    due: datetime | None,
    risk_at: datetime | None,
    done_at: datetime | None,
    paused_at: datetime | None,
) -> ClockState | None:
    return clock_state(now, due, risk_at, done_at, paused_at)


def remaining(
    cal: BusinessCalendar, now: datetime, due: datetime, paused_at: datetime | None
) -> float:
    """Business seconds left (negative when overdue); frozen while paused."""
    return cal.between(paused_at or now, due)


def used_share(
    cal: BusinessCalendar,
    now: datetime,
    created_at: datetime,
    target_s: int,
    paused_s: int,
    paused_at: datetime | None,
    done_at: datetime | None = None,
) -> float:
    """The share of the target used so far (1.0 = the deadline), pauses excluded."""
    if target_s <= 0:
        return 0.0
    end = done_at or paused_at or now
    return max(0.0, cal.between(created_at, end) - paused_s) / target_s


def took(
    cal: BusinessCalendar, created_at: datetime, at: datetime, paused_s: int
) -> tuple[int, int]:
    """(business seconds without pauses, wall seconds) from creation to `at`: what a
    response or a resolution took, as the reports count it."""
    business = max(0, round(cal.between(created_at, at)) - paused_s)
    return business, max(0, round((at - created_at).total_seconds()))


def paused_until(
    cal: BusinessCalendar, paused_s: int, paused_at: datetime | None, at: datetime
) -> int:
    """Business seconds paused in total as of `at`, the pause under way included: the base
    an update clock restarted at `at` subtracts from later totals."""
    if paused_at is None or at <= paused_at:
        return paused_s
    return paused_s + round(cal.between(paused_at, at))


def used_of(
    cal: BusinessCalendar,
    now: datetime,
    due: datetime | None,
    target_s: int,
    done_at: datetime | None = None,
    paused_at: datetime | None = None,
) -> float | None:
    """The share of a clock's target used (1.0 = at the deadline), in business time,
    from the stored deadline: `target - time left`. Judged when the clock stopped (met, or
    paused); None when the ticket has no such clock."""
    if due is None or target_s <= 0:
        return None
    end = done_at or paused_at or now
    return max(0.0, (target_s - cal.between(end, due)) / target_s)


@dataclass(frozen=True)
class ClockUse:
    """One clock as the screens show it: its share of the target used and its state."""

    name: str  # response | resolution | update
    share: float | None  # None: the ticket has no such clock
    state: ClockState | None


def clock_use(
    cal: BusinessCalendar,
    now: datetime,
    name: str,
    due: datetime | None,
    risk_at: datetime | None,
    target_s: int,
    done_at: datetime | None = None,
    paused_at: datetime | None = None,
    took_s: int | None = None,
) -> ClockUse:
    """`took_s`: for a clock met, the business time it took as recorded then (its target
    may have changed since, with the priority; the deadline of a met clock stays)."""
    if due is None or target_s <= 0:
        return ClockUse(name, None, None)
    share = (
        took_s / target_s
        if done_at is not None and took_s is not None
        else used_of(cal, now, due, target_s, done_at, paused_at)
    )
    return ClockUse(name, share, clock_state(now, due, risk_at, done_at, paused_at))


def percent(share: float | None) -> str:
    """`45%`, at most `999%`; `—` for no clock."""
    if share is None:
        return "—"
    return f"{min(999, int(share * 100))}%"


def rebase_pauses(
    old: BusinessCalendar,
    new: BusinessCalendar,
    created_at: datetime,
    paused_s: int,
    paused_at: datetime | None,
    now: datetime,
    update_from: datetime | None = None,
    update_paused_base_s: int = 0,
) -> tuple[int, int]:
    """`paused_s` and `update_paused_base_s` for a ticket moved at `now` from a plan on the
    calendar `old` to one on `new`, keeping the business time each clock has used.

    Used time is `between(start, now) - paused` (the pause under way counted to `now`), so
    under `new` the paused total becomes `new.between(start, now) - used`: every deadline
    `new.add(start, target + paused)` then leaves exactly `target - used` from now, as a
    priority change does on one calendar. On the same calendar nothing changes. The total
    may come out negative — time used in hours the new calendar does not count (a 24×7
    ticket moved to office hours over a weekend) — and is kept so: it is still used."""
    if old is new:
        return paused_s, update_paused_base_s
    paused_now = paused_until(old, paused_s, paused_at, now)
    used = round(old.between(created_at, now)) - paused_now
    new_paused_now = round(new.between(created_at, now)) - used
    # stored without the pause under way, which resuming adds (in the new calendar)
    new_paused = new_paused_now - paused_until(new, 0, paused_at, now)
    base = update_paused_base_s
    if update_from is not None:
        used_update = round(old.between(update_from, now)) - (paused_now - update_paused_base_s)
        base = new_paused_now - (round(new.between(update_from, now)) - used_update)
    return new_paused, base
