"""Queue pages and aggregates, built to ride the indexes in `models`.

A queue page is `WHERE scope AND is_open [AND filters] ORDER BY sort, id LIMIT n`, moved
by keyset (`(sort, id) > (last sort, last id)`) when scrolling, so a page costs the same
at row 30 and at row 300,000; only a jump (scrollbar, `G`) uses the reversed order or an
OFFSET along the same index range. Sorting by a column that can be NULL or lives in
another table (assignee, customer) pages by OFFSET instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlmodel import Session

from helpdesk_tui.store import models as m

T = m.Ticket.__table__.c
CUSTOMER = m.Customer.__table__.c
SITE = m.Site.__table__.c
AGENT = m.Agent.__table__.c
CONTACT = m.Contact.__table__.c

# sort name -> (column, keyset-safe: never NULL for open tickets, on the ticket table)
SORTS: dict[str, tuple[Any, bool]] = {
    "sla": (T.due_at, True),
    "priority": (T.priority, True),
    "key": (T.number, True),
    "created": (T.created_at, True),
    "updated": (T.updated_at, True),
    "status": (T.status, True),
    "subject": (T.subject, True),
    "assignee": (AGENT.login, False),
    "customer": (CUSTOMER.name, False),
}

ROW_COLUMNS = (
    T.id,
    T.key,
    T.priority,
    T.subject,
    T.status,
    T.due_at,
    T.response_due,
    T.response_risk_at,
    T.resolution_due,
    T.resolution_risk_at,
    T.first_response_at,
    T.paused_at,
    T.created_at,
    T.updated_at,
    T.sla_plan_id,
    T.version,
    T.group_id,
    CUSTOMER.name.label("customer_name"),
    SITE.name.label("site_name"),
    AGENT.login.label("assignee_login"),
)


@dataclass(frozen=True)
class Scope:
    """Which tickets a tab holds: by group, line, assignee, unassigned, or all."""

    group_id: int | None = None
    line_id: int | None = None
    assignee_id: int | None = None
    unassigned_in: tuple[int, ...] | None = None  # unassigned, in these groups (None: all)
    unassigned: bool = False


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = ()  # empty: every open status
    all_statuses: bool = False  # include resolved, closed, cancelled
    priorities: tuple[int, ...] = ()
    service_id: int | None = None
    customer_id: int | None = None
    search: str = ""


def _where(scope: Scope, flt: Filters, dialect: str) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if scope.group_id is not None:
        conds.append(T.group_id == scope.group_id)
    if scope.line_id is not None:
        conds.append(T.line_id == scope.line_id)
    if scope.assignee_id is not None:
        conds.append(T.assignee_id == scope.assignee_id)
    if scope.unassigned:
        conds.append(T.assignee_id.is_(None))
        if scope.unassigned_in is not None:
            conds.append(T.group_id.in_(scope.unassigned_in or (-1,)))
    if not flt.all_statuses:
        conds.append(T.is_open.is_(True))
    if flt.statuses:
        conds.append(T.status.in_(flt.statuses))
    if flt.priorities:
        conds.append(T.priority.in_(flt.priorities))
    if flt.service_id is not None:
        conds.append(T.service_id == flt.service_id)
    if flt.customer_id is not None:
        conds.append(T.customer_id == flt.customer_id)
    if flt.search:
        conds.append(_search(flt.search, dialect))
    return conds


def _contains(column: Any, word: str, dialect: str) -> ColumnElement[bool]:
    """Case-insensitive substring, Cyrillic included (SQLite's own LIKE folds ASCII only,
    so SQLite uses the `hd_fold` function the engine registers)."""
    pattern = (
        "%" + word.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    if dialect == "sqlite":
        return func.hd_fold(column).like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _search(text: str, dialect: str) -> ColumnElement[bool]:
    """A key, or words that must all appear in the subject, contact or customer name."""
    value = text.strip()
    digits = value.upper().removeprefix("HD-")
    if digits.isdigit():
        return or_(T.number == int(digits), _contains(T.subject, value, dialect))
    per_word = []
    for word in value.split()[:6]:
        per_word.append(
            or_(
                _contains(T.subject, word, dialect),
                T.contact_id.in_(select(CONTACT.id).where(_contains(CONTACT.name, word, dialect))),
                T.customer_id.in_(
                    select(CUSTOMER.id).where(_contains(CUSTOMER.name, word, dialect))
                ),
            )
        )
    return and_(*per_word)


def keyset_ok(sort: str, flt: Filters) -> bool:
    """Whether pages can move by keyset for this sort (else by OFFSET)."""
    return SORTS[sort][1] and not (sort == "sla" and flt.all_statuses)


def _base(scope: Scope, flt: Filters, dialect: str) -> Select:
    return (
        select(*ROW_COLUMNS)
        .select_from(m.Ticket.__table__)
        .outerjoin(m.Customer.__table__, CUSTOMER.id == T.customer_id)
        .outerjoin(m.Site.__table__, SITE.id == T.site_id)
        .outerjoin(m.Agent.__table__, AGENT.id == T.assignee_id)
        .where(*_where(scope, flt, dialect))
    )


def page(
    session: Session,
    scope: Scope,
    flt: Filters,
    sort: str,
    descending: bool,
    *,
    limit: int,
    after: tuple | None = None,
    before: tuple | None = None,
    offset: int | None = None,
    last: bool = False,
) -> Sequence[Any]:
    """Rows in queue order. `after`/`before` are (sort value, id) of a row already shown.

    `before` and `last` read the index backwards and return rows in queue order.
    """
    column, _ = SORTS[sort]
    q = _base(scope, flt, _dialect(session))
    backwards = bool(before is not None or last)
    forward_desc = descending
    if after is not None:
        q = q.where(_beyond(column, after, descending))
    if before is not None:
        q = q.where(_beyond(column, before, not descending))
    order_desc = forward_desc != backwards
    if order_desc:
        q = q.order_by(column.desc(), T.id.desc())
    else:
        q = q.order_by(column.asc(), T.id.asc())
    if offset:
        q = q.offset(offset)
    rows = session.execute(q.limit(limit)).all()
    return list(reversed(rows)) if backwards else rows


def _beyond(column: Any, key: tuple, descending: bool) -> ColumnElement[bool]:
    value, row_id = key
    if descending:
        return or_(column < value, and_(column == value, T.id < row_id))
    return or_(column > value, and_(column == value, T.id > row_id))


def count(session: Session, scope: Scope, flt: Filters) -> int:
    q = (
        select(func.count())
        .select_from(m.Ticket.__table__)
        .where(*_where(scope, flt, _dialect(session)))
    )
    return session.execute(q).scalar_one()


def position_of(
    session: Session, scope: Scope, flt: Filters, sort: str, descending: bool, key: tuple
) -> int:
    """How many rows come before the row with sort key `key` (to keep a cursor on its row)."""
    column, _ = SORTS[sort]
    q = (
        select(func.count())
        .select_from(m.Ticket.__table__)
        .where(*_where(scope, flt, _dialect(session)), _beyond(column, key, not descending))
    )
    if not SORTS[sort][1]:
        return -1
    return session.execute(q).scalar_one()


def nearest(
    session: Session, agent_id: int | None, line_ids: tuple[int, ...] | None, limit: int
) -> Sequence[Any]:
    """Open, running tickets by deadline: the agent's own or on their lines. Walks the
    `(is_open, due_at, id)` index from the earliest deadline and stops at `limit`."""
    q = (
        select(*ROW_COLUMNS)
        .select_from(m.Ticket.__table__)
        .outerjoin(m.Customer.__table__, CUSTOMER.id == T.customer_id)
        .outerjoin(m.Site.__table__, SITE.id == T.site_id)
        .outerjoin(m.Agent.__table__, AGENT.id == T.assignee_id)
        .where(T.is_open.is_(True), T.paused_at.is_(None), T.due_at.is_not(None))
    )
    if line_ids is not None:
        q = q.where(or_(T.assignee_id == agent_id, T.line_id.in_(line_ids or (-1,))))
    q = q.order_by(T.due_at, T.id).limit(limit)
    return session.execute(q).all()


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def agent_loads(session: Session) -> dict[int, int]:
    """Open tickets held per agent (the assignee index, one grouped scan of open rows)."""
    rows = session.exec(
        select(m.Ticket.assignee_id, func.count())
        .where(m.Ticket.assignee_id.is_not(None), m.Ticket.is_open)
        .group_by(m.Ticket.assignee_id)
    ).all()
    return dict(rows)
