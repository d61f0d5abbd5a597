"""Saved views: a query with its sort, named; an agent's own or shared with a group.

They are tabs of the queue (with live counts, like every tab) and names for
`helpdesk ticket list --view`. The query is checked when the view is saved (a view that
cannot run is never stored) and compiled again each time it is shown, so `age>4h` and
`sla:at-risk` mean *now*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.query import fields_in
from helpdesk_tui.domain.query import parse as parse_query
from helpdesk_tui.domain.text import clean_line
from helpdesk_tui.i18n import _
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.query import as_filters, compile_where
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store
from helpdesk_tui.store.queries import SORTS, Filters

NAME_MAX = 40


@dataclass(frozen=True)
class View:
    id: int
    name: str
    query: str
    sort: str
    descending: bool
    owner: str  # login
    group: str | None  # the group code it is shared with

    @property
    def shared(self) -> bool:
        return self.group is not None


def _check_name(name: str) -> str:
    value = clean_line(name).strip()
    if not value:
        raise Invalid(_("a view needs a name"))
    if len(value) > NAME_MAX:
        raise Invalid(
            _("a view's name has at most {NAME_MAX} characters").format(NAME_MAX=NAME_MAX)
        )
    return value


def save(
    store: Store,
    actor: Actor,
    name: str,
    query: str,
    *,
    sort: str = "sla",
    descending: bool = False,
    group: str | None = None,
    now: datetime | None = None,
) -> View:
    """Save (or replace) the actor's view `name`; `group` shares it with that group, which
    the actor must belong to (supervisors and admins: any)."""
    name = _check_name(name)
    text = clean_line(query).strip()
    if not text:
        raise Invalid(_("a view needs a query (what it shows)"))
    if len(text) > 500:
        raise Invalid(_("a view's query has at most 500 characters"))
    compile_where(store, text, actor=actor)  # a view that cannot run is never stored
    if sort not in SORTS:
        raise Invalid(
            _("unknown sort {sort!r}: use one of {SORTS}").format(sort=sort, SORTS=", ".join(SORTS))
        )
    group_id = None
    if group is not None:
        info = catalog(store).group(group)
        if not actor.sees_everything and info.id not in actor.group_ids:
            raise NotAllowed(
                _("{login} is not in group {code}: share with your own").format(
                    login=actor.login, code=info.code
                )
            )
        group_id = info.id
    now = now or utcnow()
    with store.write() as s:
        own = s.exec(select(m.SavedView).where(m.SavedView.owner_id == actor.id)).all()
        row = next((r for r in own if r.name.casefold() == name.casefold()), None)
        if row is None:
            row = m.SavedView(
                name=name, owner_id=actor.id, query=text, created_at=now, updated_at=now
            )
        row.name, row.query, row.sort, row.descending = name, text, sort, descending
        row.group_id, row.updated_at = group_id, now
        s.add(row)
        s.flush()
        return _view(s, row)


def for_agent(store: Store, actor: Actor) -> list[View]:
    """The actor's own views, then those shared with their groups (all shared ones for
    supervisors and admins), by name."""
    with store.read() as s:
        q = select(m.SavedView)
        if actor.sees_everything:
            q = q.where(or_(m.SavedView.owner_id == actor.id, m.SavedView.group_id.is_not(None)))
        else:
            q = q.where(
                or_(
                    m.SavedView.owner_id == actor.id,
                    m.SavedView.group_id.in_(sorted(actor.group_ids) or [-1]),
                )
            )
        rows = s.exec(q).all()
        views = [_view(s, r) for r in rows]
    return sorted(views, key=lambda v: (v.owner != actor.login, v.name.casefold(), v.id))


def find(store: Store, actor: Actor, name: str) -> View:
    """The view called `name` the actor can see: their own first, then a shared one."""
    wanted = clean_line(name).strip().casefold()
    for view in for_agent(store, actor):
        if view.name.casefold() == wanted:
            return view
    raise NotFound(_("no view called {name!r}: see `helpdesk view list`").format(name=name))


def delete(store: Store, actor: Actor, name: str) -> View:
    """Delete a view: one's own, or (supervisors, admins) a shared one."""
    view = find(store, actor, name)
    if view.owner != actor.login and not (view.shared and actor.sees_everything):
        raise NotAllowed(
            _("the view {name!r} is {owner}'s").format(name=view.name, owner=view.owner)
        )
    with store.write() as s:
        row = s.get(m.SavedView, view.id)
        if row is not None:
            s.delete(row)
    return view


def filters_of(store: Store, actor: Actor, view: View, *, now: datetime | None = None) -> Filters:
    """The view's query compiled now, as queue filters (a query naming `status` decides the
    statuses; otherwise open tickets)."""
    return as_filters(store, view.query, actor=actor, now=now)


def as_listed(view: View) -> str:
    """The view's query as `ticket list --where` takes it, showing what the tab shows: a
    query there decides its statuses itself, a tab keeps to open tickets unless told."""
    if "status" in fields_in(parse_query(view.query)):
        return view.query
    return f"status:open ({view.query})"


def _view(s, row: m.SavedView) -> View:
    owner = s.get(m.Agent, row.owner_id)
    group = s.get(m.SupportGroup, row.group_id) if row.group_id is not None else None
    return View(
        id=row.id,
        name=row.name,
        query=row.query,
        sort=row.sort,
        descending=row.descending,
        owner=owner.login if owner else "?",
        group=group.code if group else None,
    )
