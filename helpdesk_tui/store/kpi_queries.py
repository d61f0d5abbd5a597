"""KPI aggregates, computed in SQL over one period: nothing is loaded ticket by ticket.

Each population rides an index: tickets *created* in the period (`created_at`), *resolved*
in it (`resolved_at`), *closed* in it (`closed_at`). Medians and 90th percentiles use
window functions (`ROW_NUMBER() OVER (PARTITION BY …)`), which SQLite and PostgreSQL share.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlmodel import Session

from helpdesk_tui.store import models as m
from helpdesk_tui.store.aggregates import breached

T = m.Ticket.__table__.c

DIMENSIONS = {
    "line": T.line_id,
    "group": T.group_id,
    "agent": T.assignee_id,
    "service": T.service_id,
    "customer": T.customer_id,
    "total": None,
}


def _dim(by: str) -> Any:
    column = DIMENSIONS[by]
    return (column if column is not None else literal(0)).label("dim")


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def created(session: Session, by: str, start: datetime, end: datetime) -> Sequence[Any]:
    """Per dimension: created, FCR, answered, answered in time, mean response (business,
    wall)."""
    dim = _dim(by)
    answered = T.first_response_at.is_not(None)
    q = (
        select(
            dim,
            func.count(),
            _count_if(T.fcr.is_(True)),
            _count_if(answered),
            _count_if(and_(answered, T.first_response_at <= T.response_due)),
            func.avg(T.response_business_s),
            func.avg(T.response_wall_s),
        )
        .where(T.created_at >= start, T.created_at < end)
        .group_by(dim)
    )
    return session.execute(q).all()


def channels(session: Session, by: str, start: datetime, end: datetime) -> Sequence[Any]:
    dim = _dim(by)
    q = (
        select(dim, T.channel, func.count())
        .where(T.created_at >= start, T.created_at < end)
        .group_by(dim, T.channel)
    )
    return session.execute(q).all()


def resolved(session: Session, by: str, start: datetime, end: datetime) -> Sequence[Any]:
    """Per dimension: resolved, in time, mean resolution (business, wall), reopened, time
    logged, updates to the customer on time and late."""
    dim = _dim(by)
    q = (
        select(
            dim,
            func.count(),
            _count_if(T.resolved_at <= T.resolution_due),
            func.avg(T.resolution_business_s),
            func.avg(T.resolution_wall_s),
            _count_if(T.reopen_count > 0),
            func.sum(T.time_spent_s),
            func.sum(T.updates_on_time),
            func.sum(T.updates_late),
        )
        .where(T.resolved_at >= start, T.resolved_at < end)
        .group_by(dim)
    )
    return session.execute(q).all()


def satisfaction(session: Session, by: str, start: datetime, end: datetime) -> Sequence[Any]:
    dim = _dim(by)
    q = (
        select(dim, func.avg(T.satisfaction), func.count(T.satisfaction))
        .where(T.closed_at >= start, T.closed_at < end, T.satisfaction.is_not(None))
        .group_by(dim)
    )
    return session.execute(q).all()


def overdue_now(session: Session, by: str, now: datetime) -> Sequence[Any]:
    dim = _dim(by)
    q = select(dim, func.count()).where(T.is_open.is_(True), breached(now)).group_by(dim)
    return session.execute(q).all()


def percentiles(
    session: Session, by: str, value: Any, period: Any, start: datetime, end: datetime
) -> dict[Any, tuple[int | None, int | None]]:
    """(median, 90th percentile) of `value` per dimension over the tickets whose `period`
    column falls in [start, end). Nearest-rank: the ⌈p·n⌉-th smallest value."""
    dim = _dim(by)
    ranked = (
        select(
            dim,
            value.label("x"),
            func.row_number().over(partition_by=dim, order_by=value).label("rn"),
            func.count().over(partition_by=dim).label("n"),
        )
        .where(period >= start, period < end, value.is_not(None))
        .subquery()
    )
    median_rank = (ranked.c.n + 1) // 2
    p90_rank = (ranked.c.n * 9 + 9) // 10
    q = select(ranked.c.dim, ranked.c.x, ranked.c.rn, median_rank, p90_rank).where(
        (ranked.c.rn == median_rank) | (ranked.c.rn == p90_rank)
    )
    out: dict[Any, list[int | None]] = {}
    for key, x, rn, med, p90 in session.execute(q).all():
        slot = out.setdefault(key, [None, None])
        if rn == med:
            slot[0] = x
        if rn == p90:
            slot[1] = x
    return {k: (v[0], v[1]) for k, v in out.items()}
