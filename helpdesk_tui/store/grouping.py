"""A grouped queue: the open tickets of a tab counted per service, category, customer, site
or asset, and one group's tickets a page at a time.

Both read `ix_ticket_open_by_<grouping>` (models.Ticket): the open tickets only, by the
group's column, then deadline and id, carrying the scopes and the SLA columns. The counts
are ONE `GROUP BY` over that index (the group's name joined to the few groups it yields);
a group's page is a range of it, moved by keyset on (deadline, id) like the plain queue,
and only that page's rows are read from the table. A grouped queue holds open tickets
only: the partial indexes do not know the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, true
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session

from helpdesk_tui.store import models as m
from helpdesk_tui.store.queries import (
    ROW_COLUMNS,
    TICKET,
    Filters,
    IndexedBy,
    Scope,
    T,
    queue_conditions,
    with_parties,
)

GROUPINGS = tuple(m.GROUPINGS)  # service, category, customer, site, asset


def _alias(by: str) -> Any:
    """The ticket table read through the grouping's index (named on SQLite)."""
    cls = type(
        f"_By{by.title()}",
        (IndexedBy,),
        {"index_name": f"ix_ticket_open_by_{by}", "inherit_cache": True},
    )
    return cls._construct(TICKET, name="g")


_ALIASES = {by: _alias(by) for by in GROUPINGS}


def _open(flt: Filters) -> Filters:
    return replace(flt, all_statuses=False) if flt.all_statuses else flt


def _conditions(g: Any, scope: Scope, flt: Filters, dialect: str) -> Any:
    """The tab's scope and filters, written on `ticket`, moved onto the alias `g`."""
    return ClauseAdapter(g).traverse(and_(true(), *queue_conditions(scope, _open(flt), dialect)))


def _label(by: str, value: Any) -> tuple[Any, list[tuple[Any, Any]]]:
    """The group's name as a column, and the outer joins that give it."""
    if by == "service":
        t = m.Service.__table__
        return t.c.name, [(t, t.c.id == value)]
    if by == "category":
        t = m.Category.__table__
        return t.c.name, [(t, t.c.id == value)]
    if by == "customer":
        t = m.Customer.__table__
        return t.c.name, [(t, t.c.id == value)]
    if by == "site":
        site, customer = m.Site.__table__, m.Customer.__table__
        name = site.c.name + literal(" · ") + customer.c.name
        return name, [(site, site.c.id == value), (customer, customer.c.id == site.c.customer_id)]
    asset = m.Asset.__table__
    return asset.c.name, [(asset, asset.c.id == value)]


def group_counts(
    session: Session, scope: Scope, flt: Filters, by: str, now: datetime
) -> Sequence[Any]:
    """Per group: value, name, open tickets, earliest deadline, breached, at risk.

    One statement: the GROUP BY over the grouping's index, its few rows then named."""
    if by not in _ALIASES:
        raise ValueError(f"unknown grouping {by!r}")
    g = _ALIASES[by]
    column = g.c[m.GROUPINGS[by]]
    dialect = session.get_bind().dialect.name
    running = g.c.paused_at.is_(None)
    risk = case(
        (g.c.first_response_at.is_(None), g.c.response_risk_at), else_=g.c.resolution_risk_at
    )
    counted = (
        select(
            column.label("value"),
            func.count().label("n"),
            func.min(g.c.due_at).label("first_due"),
            func.sum(case((and_(running, g.c.due_at <= now), 1), else_=0)).label("breached"),
            func.sum(case((and_(running, g.c.due_at > now, risk <= now), 1), else_=0)).label(
                "at_risk"
            ),
        )
        .select_from(g)
        .where(_conditions(g, scope, flt, dialect))
        .group_by(column)
        .subquery("counted")
    )
    name, joins = _label(by, counted.c.value)
    q = select(
        counted.c.value,
        name.label("name"),
        counted.c.n,
        counted.c.first_due,
        counted.c.breached,
        counted.c.at_risk,
    ).select_from(counted)
    for table, on in joins:
        q = q.outerjoin(table, on)
    return session.execute(q).all()


def group_page(
    session: Session,
    scope: Scope,
    flt: Filters,
    by: str,
    value: int | None,
    *,
    limit: int,
    after: tuple | None = None,
    before: tuple | None = None,
    offset: int | None = None,
    last: bool = False,
) -> Sequence[Any]:
    """One group's rows in deadline order; `after`/`before` are (due_at, id) of a row
    already shown, `last` reads from the end (rows still come in queue order)."""
    g = _ALIASES[by]
    column = g.c[m.GROUPINGS[by]]
    dialect = session.get_bind().dialect.name
    backwards = bool(before is not None or last)
    ids = (
        select(g.c.id)
        .select_from(g)
        .where(
            _conditions(g, scope, flt, dialect),
            column.is_(None) if value is None else column == value,
        )
    )
    if after is not None:
        ids = ids.where(_beyond(g, after, forward=True))
    if before is not None:
        ids = ids.where(_beyond(g, before, forward=False))
    order = (g.c.due_at.desc(), g.c.id.desc()) if backwards else (g.c.due_at, g.c.id)
    ids = ids.order_by(*order).limit(limit)
    if offset:
        ids = ids.offset(offset)
    window = ids.subquery("page")
    q = with_parties(select(*ROW_COLUMNS).select_from(window).join(TICKET, T.id == window.c.id))
    q = q.order_by(*((T.due_at.desc(), T.id.desc()) if backwards else (T.due_at, T.id)))
    rows = session.execute(q).all()
    return list(reversed(rows)) if backwards else rows


def _beyond(g: Any, key: tuple, *, forward: bool) -> Any:
    due, row_id = key
    if forward:
        return or_(g.c.due_at > due, and_(g.c.due_at == due, g.c.id > row_id))
    return or_(g.c.due_at < due, and_(g.c.due_at == due, g.c.id < row_id))


def group_keys(
    session: Session, scope: Scope, flt: Filters, by: str | None, value: int | None, limit: int
) -> list[str]:
    """The keys of a group (or of the whole tab when `by` is None), in deadline order, at
    most `limit`: what marking a group (or everything) marks."""
    if by is None:
        from helpdesk_tui.store.queries import OC, OPEN

        dialect = session.get_bind().dialect.name
        q = (
            select(OC.key)
            .select_from(OPEN)
            .where(*queue_conditions(scope, _open(flt), dialect, OC))
            .order_by(OC.due_at, OC.id)
            .limit(limit)
        )
        return list(session.execute(q).scalars())
    g = _ALIASES[by]
    column = g.c[m.GROUPINGS[by]]
    dialect = session.get_bind().dialect.name
    ids = (
        select(g.c.id)
        .select_from(g)
        .where(
            _conditions(g, scope, flt, dialect),
            column.is_(None) if value is None else column == value,
        )
        .order_by(g.c.due_at, g.c.id)
        .limit(limit)
        .subquery("ids")
    )
    q = select(T.key).select_from(ids).join(TICKET, T.id == ids.c.id).order_by(T.due_at, T.id)
    return list(session.execute(q).scalars())
