"""A ticket's SLA clocks: deadlines, at-risk instants, and which alerts are due.

One rule keeps pauses, priority changes and plan changes consistent: a clock's deadline is
`created_at + target + paused` in business time, where `paused` is the business time the
ticket has spent waiting for the customer. So resuming shifts deadlines by the pause, and
a new priority recomputes them from the business time already used, not from zero.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from helpdesk_tui.domain.sla import BusinessCalendar, ClockState, clock_state

RESPONSE_RISK = 1
RESPONSE_BREACH = 2
RESOLUTION_RISK = 4
RESOLUTION_BREACH = 8


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


@dataclass(frozen=True)
class Clocks:
    response_due: datetime
    response_risk_at: datetime
    resolution_due: datetime
    resolution_risk_at: datetime
    due_at: datetime | None
    next_alert_at: datetime | None
    alerts: int


def deadline(cal: BusinessCalendar, start: datetime, seconds: float, paused_s: int) -> datetime:
    return cal.add(start, seconds + paused_s)


def compute(cal: BusinessCalendar, c: ClockInput, now: datetime | None = None) -> Clocks:
    """All SLA fields from the ticket's facts.

    Alerts already recorded for an instant that moved into the future (after a pause or a
    lower priority) are forgotten, so the tick records them again when they come.
    """
    response_due = deadline(cal, c.created_at, c.response_s, c.paused_s)
    response_risk = deadline(cal, c.created_at, c.response_s * c.at_risk, c.paused_s)
    resolution_due = deadline(cal, c.created_at, c.resolution_s, c.paused_s)
    resolution_risk = deadline(cal, c.created_at, c.resolution_s * c.at_risk, c.paused_s)
    alerts = c.alerts
    if now is not None:
        for bit, instant, done in (
            (RESPONSE_RISK, response_risk, c.first_response_at),
            (RESPONSE_BREACH, response_due, c.first_response_at),
            (RESOLUTION_RISK, resolution_risk, c.resolved_at),
            (RESOLUTION_BREACH, resolution_due, c.resolved_at),
        ):
            if done is None and instant > now:
                alerts &= ~bit
    return Clocks(
        response_due=response_due,
        response_risk_at=response_risk,
        resolution_due=resolution_due,
        resolution_risk_at=resolution_risk,
        due_at=queue_order(
            cal,
            c.paused_at,
            nearest_due(c.first_response_at, c.resolved_at, response_due, resolution_due),
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
        ),
        alerts=alerts,
    )


def nearest_due(
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    response_due: datetime,
    resolution_due: datetime,
) -> datetime | None:
    """The deadline the queue sorts by: the response's until answered, then resolution's."""
    if resolved_at is not None:
        return None
    if first_response_at is None:
        return min(response_due, resolution_due)
    return resolution_due


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
        )
        if done is None and not alerts & bit
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
    ):
        if done is None and not alerts & bit and instant <= now:
            out.append(bit)
    return out


ALERT_NAMES = {
    RESPONSE_RISK: ("response", "at_risk"),
    RESPONSE_BREACH: ("response", "breached"),
    RESOLUTION_RISK: ("resolution", "at_risk"),
    RESOLUTION_BREACH: ("resolution", "breached"),
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
