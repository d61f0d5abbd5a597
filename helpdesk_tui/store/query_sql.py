"""A parsed query (domain/query.py) as one SQL boolean expression over `ticket`.

Every value reaches the database as a bound parameter; codes and names are turned into ids
first (by a `Lookups` the service provides), so the expression uses the ticket table's own
indexed columns. Nothing is filtered in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, false, func, not_, or_, select, true
from sqlalchemy.sql import ColumnElement

from helpdesk_tui.domain import query as q
from helpdesk_tui.domain.text import is_number
from helpdesk_tui.i18n import _
from helpdesk_tui.store.aggregates import at_risk, breached
from helpdesk_tui.store.queries import T, search_condition


class Lookups(Protocol):
    """Ids for the codes and names people type; raise `q.QueryError` for unknown ones."""

    now: datetime
    timezone: ZoneInfo
    actor_id: int | None
    dialect: str

    def ids(self, field: str, value: str, position: int) -> Sequence[int]: ...


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    ":": lambda c, v: c == v,
    "=": lambda c, v: c == v,
    "!=": lambda c, v: c != v,
    "<": lambda c, v: c < v,
    "<=": lambda c, v: c <= v,
    ">": lambda c, v: c > v,
    ">=": lambda c, v: c >= v,
}


def to_sql(node: q.Node | None, look: Lookups) -> ColumnElement[bool]:
    if node is None:
        return true()
    if isinstance(node, q.And):
        return and_(*(to_sql(item, look) for item in node.items))
    if isinstance(node, q.Or):
        return or_(*(to_sql(item, look) for item in node.items))
    if isinstance(node, q.Not):
        return not_(to_sql(node.item, look))
    if isinstance(node, q.Words):
        return search_condition(node.text, look.dialect)
    return _term(node, look)


def _term(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    handler = _HANDLERS[q.FIELDS[t.field].kind if t.field not in _SPECIAL else t.field]
    condition = handler(t, look)
    return not_(condition) if t.op == "!=" else condition


def _any(conditions: list[Any]) -> ColumnElement[bool]:
    return or_(*conditions) if conditions else false()


# -- by kind ------------------------------------------------------------------------------------

_COLUMNS = {
    "line": T.line_id,
    "group": T.group_id,
    "service": T.service_id,
    "category": T.category_id,
    "customer": T.customer_id,
    "site": T.site_id,
    "asset": T.asset_id,
    "contact": T.contact_id,
    "parent": T.parent_id,
}


def _code(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    if t.field == "assignee":
        return _any([_assignee(v, t, look) for v in t.values])
    if t.field == "key":
        numbers = [_number_of_key(v, t) for v in t.values]
        return T.number.in_(numbers)
    if t.field == "tag":
        return _any([_has_tag(v.lower(), look.dialect) for v in t.values])
    column = _COLUMNS[t.field]
    ids = [i for v in t.values for i in look.ids(t.field, v, t.position)]
    return column.in_(ids) if ids else false()


def _assignee(value: str, t: q.Term, look: Lookups) -> ColumnElement[bool]:
    v = value.lower()
    if v == "none":
        return T.assignee_id.is_(None)
    if v == "me":
        if look.actor_id is None:
            raise q.QueryError(_("assignee:me needs an agent (--as LOGIN)"), t.position)
        return T.assignee_id == look.actor_id
    return T.assignee_id.in_(look.ids("assignee", value, t.position))


def _number_of_key(value: str, t: q.Term) -> int:
    digits = value.upper().removeprefix("HD-")
    if not is_number(digits):
        raise q.QueryError(
            _("key: {value} is not a ticket key like HD-1042").format(value=repr(value)), t.position
        )
    return int(digits)


def _has_tag(tag: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        each = func.json_each(T.tags).table_valued("value")
        return exists(select(1).select_from(each).where(each.c.value == tag))
    from sqlalchemy import cast
    from sqlalchemy.dialects.postgresql import JSONB

    return cast(T.tags, JSONB).contains([tag])


def _text(t: q.Term, look: Lookups) -> ColumnElement[bool]:  # contact
    ids = [i for v in t.values for i in look.ids("contact", v, t.position)]
    return T.contact_id.in_(ids) if ids else false()


def _enum(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    column = {"channel": T.channel, "type": T.type}[t.field]
    return column.in_([v.lower() for v in t.values])


def _status(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    conditions = []
    for v in (v.lower() for v in t.values):
        if v == "open":
            conditions.append(T.is_open.is_(True))
        elif v == "done":
            conditions.append(T.is_open.is_(False))
        elif v == "waiting":
            conditions.append(T.status.in_(("waiting_customer", "waiting_vendor")))
        else:
            conditions.append(T.status == v)
    return _any(conditions)


def _sla(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    now = look.now
    states = {
        "at-risk": and_(T.is_open.is_(True), at_risk(now)),
        "breached": and_(T.is_open.is_(True), breached(now)),
        "paused": and_(T.is_open.is_(True), T.paused_at.is_not(None)),
        "running": and_(
            T.is_open.is_(True), T.paused_at.is_(None), not_(breached(now)), not_(at_risk(now))
        ),
        "met": and_(T.resolved_at.is_not(None), T.resolved_at <= T.resolution_due),
    }
    return _any([states[v.lower()] for v in t.values])


def _priority(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    values = [int(v.lower().removeprefix("p")) for v in t.values]
    if t.op in (":", "=", "!="):
        return T.priority.in_(values)
    return _COMPARE[t.op](T.priority, values[0])


def _number(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    column = {
        "reopened": T.reopen_count,
        "escalated": T.escalation_count,
        "rating": T.satisfaction,
    }[t.field]
    values = [int(v) for v in t.values]
    if t.op in (":", "=", "!="):
        return column.in_(values)
    return _COMPARE[t.op](column, values[0])


def _flag(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    yes = t.values[0].lower() in ("yes", "true")
    return T.fcr.is_(yes)


def _duration(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    """age>4h: registered more than four hours ago; idle>1d: untouched for a day;
    due<2h: the running deadline is less than two hours away (or passed)."""
    seconds = q.duration_seconds(t.values[0])
    now = look.now
    if t.field == "due":
        instant = now + timedelta(seconds=seconds)
        return and_(T.is_open.is_(True), T.paused_at.is_(None), _COMPARE[t.op](T.due_at, instant))
    column = T.created_at if t.field == "age" else T.updated_at
    instant = now - timedelta(seconds=seconds)
    flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[t.op]  # older = earlier
    return _COMPARE[flipped](column, instant)


def _date(t: q.Term, look: Lookups) -> ColumnElement[bool]:
    column = {"created": T.created_at, "updated": T.updated_at, "resolved": T.resolved_at}[t.field]
    today = look.now.astimezone(look.timezone).date()
    conditions = []
    for value in t.values:
        day = q.parse_day(value, today)
        start = datetime.combine(day, time(), tzinfo=look.timezone)
        end = start + timedelta(days=1)
        conditions.append(
            {
                ":": and_(column >= start, column < end),
                "=": and_(column >= start, column < end),
                "!=": and_(column >= start, column < end),  # negated by _term
                "<": column < start,
                "<=": column < end,
                ">": column >= end,
                ">=": column >= start,
            }[t.op]
        )
    return _any(conditions)


_SPECIAL = {"status": _status, "sla": _sla}
_HANDLERS: dict[str, Callable[[q.Term, Lookups], ColumnElement[bool]]] = {
    "code": _code,
    "text": _text,
    "enum": _enum,
    "priority": _priority,
    "number": _number,
    "flag": _flag,
    "duration": _duration,
    "date": _date,
    **_SPECIAL,
}
