"""Aggregates for the supervisor board and the KPI report.

The board's figures come from a handful of queries, each a scan of a small indexed range:
the open tickets (`is_open` index), the last hour or day (`created_at`, `resolved_at`,
`closed_at` indexes), the agents' latest events (`(actor_id, id)`). None reads the whole
ticket table, so the board costs the same with a thousand tickets or a million.

The statements run on every refresh of the board are built once, with bound parameters,
and reused: building and cache-keying forty range counts took longer than running them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, case, func, literal, literal_column, or_, select
from sqlalchemy.sql.elements import ClauseElement
from sqlmodel import Session

from helpdesk_tui.store import models as m

T = m.Ticket.__table__.c
E = m.TicketEvent.__table__.c


def _passed(instant: Any, ref: Any) -> Any:
    """`instant <= ref`, false (not NULL) for a clock that is not set: a plan without an
    update clock must not turn "not breached" into NULL, and NOT NULL into "not at risk"."""
    return and_(instant.is_not(None), instant <= ref)


def breached(now: Any) -> Any:
    """A running clock past its deadline: as of the pause for paused tickets, else now
    (response only until it is answered)."""
    if not isinstance(now, ClauseElement):  # stored as the column stores it (UTC, SQLite's text)
        now = literal(now, type_=T.paused_at.type)
    ref = func.coalesce(T.paused_at, now)
    return or_(
        and_(T.first_response_at.is_(None), _passed(T.response_due, ref)),
        _passed(T.resolution_due, ref),
        _passed(T.update_due, ref),
    )


def _risk(now: Any) -> Any:
    return and_(
        T.paused_at.is_(None),
        or_(
            and_(T.first_response_at.is_(None), _passed(T.response_risk_at, now)),
            _passed(T.resolution_risk_at, now),
            _passed(T.update_risk_at, now),
        ),
    )


def at_risk(now: Any) -> Any:
    """Open, running, not breached, but past the at-risk instant of a running clock
    (response until answered, resolution, update)."""
    return and_(~breached(now), _risk(now))


BREACHED_UNIT = 1 << 24  # open_summary: breached tickets counted in the high part of a sum


def sla_weight(now: Any) -> Any:
    """Per open ticket, `BREACHED_UNIT` if breached, 1 if at risk, else 0: `breached` and
    `at_risk` in one CASE, so each clock is compared once."""
    return case((breached(now), BREACHED_UNIT), (_risk(now), 1), else_=0)


@cache
def _open_summary_stmt() -> Any:
    now = bindparam("now", type_=T.created_at.type)
    # `+ 0`: grouped from the open tickets' covering index, not walked in a group_id or
    # assignee_id index's order reading every ticket's row (SQLite)
    group = (T.group_id + literal_column("0")).label("group_id")
    assignee = (T.assignee_id + literal_column("0")).label("assignee_id")
    return (
        select(
            group,
            T.status,
            assignee,
            T.priority,
            func.count(),
            func.sum(sla_weight(now)),
            func.min(T.created_at),
        )
        .where(T.is_open.is_(True))
        .group_by(group, T.status, assignee, T.priority)
    )


def open_summary(session: Session, now: datetime) -> list[tuple]:
    """The open tickets in one scan of their covering index: (group_id, status,
    assignee_id, priority, count, at risk, breached, oldest created_at). The board sums it
    by group and by agent. One CASE per ticket gives both SLA counts (breached in the high
    part of the sum): evaluating the two conditions apart cost half the query."""
    out = []
    for group, status, assignee, priority, n, weight, oldest in session.execute(
        _open_summary_stmt(), {"now": now}
    ):
        breached_n, at_risk_n = divmod(int(weight or 0), BREACHED_UNIT)
        out.append((group, status, assignee, priority, n, at_risk_n, breached_n, oldest))
    return out


def count_by_group_since(session: Session, column: Any, since: datetime) -> dict[int, int]:
    """Tickets per group since `since`, read from the range of `column`'s index. Grouping
    by `group_id + 0` keeps SQLite from walking a whole group_id index to save a sort (with
    the bound `since` unknown to its planner it did: 1.6 s instead of milliseconds on a
    million tickets)."""
    group = (T.group_id + 0).label("group_id")
    q = select(group, func.count()).where(column >= since).group_by(group)
    return dict(session.execute(q).all())


@cache
def _last_activity_stmt() -> Any:
    return select(E.at).where(E.actor_id == bindparam("agent")).order_by(E.id.desc()).limit(1)


def last_activity(session: Session, agent_ids: Sequence[int]) -> dict[int, datetime]:
    """Each agent's latest event: one index seek per agent on (actor_id, id), by one
    statement reused (a correlated subquery for all agents at once led PostgreSQL's
    planner to walk the whole event table backwards: seconds instead of milliseconds)."""
    stmt = _last_activity_stmt()
    out = {}
    for agent_id in agent_ids:
        at = session.execute(stmt, {"agent": agent_id}).scalar()
        if at is not None:
            out[agent_id] = at
    return out


@cache
def _ranges_stmt(column: Any, intervals: int, extra: Any) -> Any:
    counts = []
    for i in range(intervals):
        q = select(func.count()).select_from(m.Ticket.__table__)
        q = q.where(column >= bindparam(f"b{i}"), column < bindparam(f"b{i + 1}"))
        if extra is not None:
            q = q.where(extra)
        counts.append(q.scalar_subquery())
    return select(*counts)


def counts_in_ranges(
    session: Session, column: Any, bounds: Sequence[datetime], extra: Any = None
) -> list[int]:
    """How many `column` values fall in each [bounds[i], bounds[i+1]): one statement of
    one indexed range count per interval (counting entries of the index, rather than a
    CASE per interval evaluated on every row of the whole range). `extra`, a condition
    added to each count, must be one object reused across calls (the statement is cached
    by it)."""
    stmt = _ranges_stmt(column, len(bounds) - 1, extra)
    row = session.execute(stmt, {f"b{i}": b for i, b in enumerate(bounds)}).one()
    return [int(v or 0) for v in row]


def open_count(session: Session) -> int:
    return session.execute(select(func.count()).where(T.is_open.is_(True))).scalar_one()
