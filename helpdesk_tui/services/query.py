"""Compiling a query for the queue, saved views and `helpdesk ticket list --where`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, select

from helpdesk_tui.domain import query as q
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.i18n import _
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, catalog
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store
from helpdesk_tui.store.queries import Filters
from helpdesk_tui.store.query_sql import to_sql


@dataclass
class _Lookups:
    session: Session
    cat: Catalog
    now: datetime
    timezone: ZoneInfo
    actor_id: int | None
    dialect: str

    def ids(self, field: str, value: str, position: int) -> Sequence[int]:
        v = value.strip()
        try:
            found = self._ids(field, v)
        except NotFound as exc:
            raise q.QueryError(str(exc), position) from None
        if not found:
            raise q.QueryError(
                _("{field}: nothing is called {value!r}").format(field=field, value=v), position
            )
        return found

    def _ids(self, field: str, v: str) -> Sequence[int] | ColumnElement:
        s, cat = self.session, self.cat
        low = v.lower()
        if field == "line":
            return [cat.line(v).id]
        if field == "group":
            return [cat.group(v).id]
        if field == "service":
            exact = [
                x.id
                for x in cat.services.values()
                if low in (x.code.lower(), x.name.lower(), x.name_ru.lower())
            ]
            return exact or [
                x.id
                for x in cat.services.values()
                if low in x.name.lower() or low in x.name_ru.lower()
            ]
        if field == "category":
            return [
                c.id
                for x in cat.services.values()
                for c in x.categories
                if low in (c.code.lower(), c.name.lower(), c.name_ru.lower())
            ]
        if field == "assignee":
            return list(s.exec(select(m.Agent.id).where(func.lower(m.Agent.login) == low)))
        if field == "customer":
            exact = list(s.exec(select(m.Customer.id).where(m.Customer.code == v)))
            return exact or list(
                s.exec(select(m.Customer.id).where(func.lower(m.Customer.name).contains(low)))
            )
        if field == "site":
            return list(
                s.exec(
                    select(m.Site.id).where(or_(m.Site.code == v, func.lower(m.Site.name) == low))
                )
            )
        if field == "asset":
            return list(s.exec(select(m.Asset.id).where(m.Asset.tag == v)))
        if field == "parent":
            number = v.upper().removeprefix("HD-")
            return list(s.exec(select(m.Ticket.id).where(m.Ticket.key == f"HD-{number}")))
        if field == "contact":
            return list(
                s.exec(
                    select(m.Contact.id)
                    .where(m.Contact.search_text.contains(low.casefold()))
                    .limit(5000)
                )
            )
        raise q.QueryError(_("{field} cannot be looked up").format(field=field), 0)


@dataclass(frozen=True)
class Compiled:
    text: str
    condition: ColumnElement[bool]


def compile_where(
    store: Store, text: str, *, actor: Actor | None = None, now: datetime | None = None
) -> Compiled | None:
    """The query as one SQL condition (None for an empty query); `QueryError` otherwise."""
    try:
        node = q.parse(text)
    except q.QueryError as exc:
        exc.query = text
        raise
    if node is None:
        return None
    cat = catalog(store)
    tz = ZoneInfo(cat.calendar_of(cat.plan_for(None)).spec.timezone)
    with store.read() as session:
        look = _Lookups(
            session, cat, now or utcnow(), tz, actor.id if actor else None, store.dialect
        )
        try:
            return Compiled(text, to_sql(node, look))
        except q.QueryError as exc:
            exc.query = text
            raise


def as_filters(
    store: Store, text: str, *, actor: Actor | None = None, now: datetime | None = None
) -> Filters:
    """A query as queue filters: compiled now; a query naming `status` decides the statuses
    itself (closed ones included), otherwise a queue keeps to open tickets."""
    compiled = compile_where(store, text, actor=actor, now=now)
    return Filters(
        where=text,
        condition=compiled.condition if compiled else None,
        all_statuses="status" in q.fields_in(q.parse(text)),
    )


def known_values(store: Store) -> dict[str, tuple[str, ...]]:
    """Values to complete as people type a query: codes and logins in the store."""
    cat = catalog(store)
    with store.read() as s:
        logins = tuple(s.exec(select(m.Agent.login).where(m.Agent.active)).all())
        customers = tuple(s.exec(select(m.Customer.code).where(m.Customer.active)).all())
        sites = tuple(s.exec(select(m.Site.code)).all())
    return {
        "line": tuple(line.code for line in cat.lines.values()),
        "group": tuple(g.code for g in cat.groups.values()),
        "service": tuple(sorted(x.code for x in cat.services.values())),
        "category": tuple(sorted({c.code for x in cat.services.values() for c in x.categories})),
        "assignee": ("me", "none", *sorted(logins)),
        "customer": tuple(sorted(customers)),
        "site": tuple(sorted(sites)),
        "priority": ("P1", "P2", "P3", "P4"),
        "fcr": ("yes", "no"),
    }
