"""The one check every action passes, and the audit of what it refuses.

`@guarded("ticket.escalate")` on a service function (whose parameters are named `store`,
`actor` and, where they apply, `key` for the ticket and `login` for the agent acted on):

1. the actor's standing, read from the store at that moment, not at login: an agent who
   was deactivated (or removed) meanwhile can do nothing; the role in force is the one
   stored now;
2. the role's cell in `domain.permissions`: `NO` refuses; `GROUP` refuses a ticket outside
   the agent's groups that they do not hold; `SELF` refuses acting on another agent;
3. then the action itself, with its own checks (the workflow's moves, open/closed, …).

Any `NotAllowed` an agent meets on the way — from this check or from the action — is
recorded as one `refusal` row in a transaction of its own (the refused change has rolled
back by then), and raised on; the same refusal (agent, action, ticket) again within a
minute is not recorded twice (failed logins always are). Calls nested in a guarded call
(set_status → resolve) check again but record once. Refusals of the customer and the
system (mail to a closed ticket, a race with the timer) are not agents' refusals: the
mail intake keeps its own record.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import bindparam
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.errors import HelpdeskError, NotAllowed
from helpdesk_tui.domain.permissions import Access
from helpdesk_tui.domain.text import clean_line
from helpdesk_tui.i18n import _
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

if TYPE_CHECKING:  # agents and ticket_core are guarded by this module: no import cycle
    from helpdesk_tui.services.agents import Actor

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

_depth: ContextVar[int] = ContextVar("helpdesk_guard_depth", default=0)


# -- the check ------------------------------------------------------------------------------


def check(
    store: Store,
    actor: Actor,
    action: str,
    *,
    key: str | None = None,
    login: str | None = None,
) -> Access:
    """Raise `NotAllowed` (tagged with `action`) unless `actor` may take `action` now, on
    the ticket `key` or the agent `login` where given. Records nothing: see `require`."""
    try:
        return _check(store, actor, action, key, login)
    except NotAllowed as exc:
        if not hasattr(exc, "action"):
            exc.action = action  # type: ignore[attr-defined]
        raise


def _check(store: Store, actor: Actor, action: str, key: str | None, login: str | None) -> Access:
    if not actor.is_agent:
        return permissions.require(actor.role, action)
    rule = permissions.rule(action)
    params = {"agent_id": actor.id}
    if key is not None:
        from helpdesk_tui.services.ticket_core import normalize_key

        params["key"] = normalize_key(key)
    with store.glance() as s:  # the one read the check makes: a statement, no transaction
        row = s.execute(_standing(key is not None), params).first()
    if row is None or row.login != actor.login:
        raise NotAllowed(_("agent {login} no longer exists").format(login=actor.login))
    if not row.active:
        raise NotAllowed(
            _("agent {login} is inactive and can do nothing").format(login=actor.login)
        )
    on_ticket = key is not None and row.key is not None
    try:
        level = permissions.require(
            row.role,
            action,
            own=None if login is None else login == row.login,
            status=row.status if on_ticket and rule.moves else None,
        )
        scoped = level == Access.GROUP and on_ticket
        if scoped and row.assignee_id != actor.id and not row.member:
            raise NotAllowed(
                _("{key} is in group {group}, which {login} is not in").format(
                    key=row.key, group=row.group, login=actor.login
                )
            )
    except NotAllowed as exc:
        exc.role = row.role  # type: ignore[attr-defined]  # the role in force, for the record
        raise
    return level


@functools.cache
def _standing(on_ticket: bool):
    """One query, built once: the agent's standing now and, on a ticket, its status,
    holder, group, and whether the agent is in that group (an unknown key: the action
    says so)."""
    agent = (m.Agent.login, m.Agent.role, m.Agent.active)
    if not on_ticket:
        return select(*agent).where(m.Agent.id == bindparam("agent_id"))
    member = (
        select(m.Membership.agent_id)
        .where(m.Membership.agent_id == m.Agent.id, m.Membership.group_id == m.Ticket.group_id)
        .exists()
    )
    return (
        select(
            *agent,
            m.Ticket.key,
            m.Ticket.status,
            m.Ticket.assignee_id,
            m.SupportGroup.code.label("group"),
            member.label("member"),
        )
        .select_from(m.Agent)
        .outerjoin(m.Ticket, m.Ticket.key == bindparam("key"))
        .outerjoin(m.SupportGroup, m.SupportGroup.id == m.Ticket.group_id)
        .where(m.Agent.id == bindparam("agent_id"))
    )


def require(
    store: Store,
    actor: Actor,
    action: str,
    *,
    key: str | None = None,
    login: str | None = None,
) -> Access:
    """`check`, recording a refusal: for one-off checks outside a guarded function."""
    try:
        return check(store, actor, action, key=key, login=login)
    except NotAllowed as exc:
        if _depth.get() == 0:
            record_refusal(store, actor, getattr(exc, "action", action), key, exc)
        raise


def guarded(action: str) -> Callable[[F], F]:
    """Check `action` before the function runs; record any refusal it meets."""
    permissions.rule(action)  # a typo fails at import, not at the first refusal

    def wrap(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            given = signature.bind_partial(*args, **kwargs).arguments
            store, actor = given["store"], given["actor"]
            key, login = given.get("key"), given.get("login")
            outermost = _depth.get() == 0
            token = _depth.set(_depth.get() + 1)
            try:
                check(store, actor, action, key=key, login=login)
                return fn(*args, **kwargs)
            except NotAllowed as exc:
                if not hasattr(exc, "action"):
                    exc.action = action  # type: ignore[attr-defined]
                if outermost:
                    record_refusal(store, actor, exc.action, key, exc)  # type: ignore[attr-defined]
                raise
            finally:
                _depth.reset(token)

        inner.action = action  # type: ignore[attr-defined]
        return inner  # type: ignore[return-value]

    return wrap


@contextmanager
def each_alone() -> Iterator[None]:
    """Guarded calls inside this block are audited as if each were called alone, even
    within a guarded call: a mass incident's resolution resolves each child as its own
    action, and a child that refuses is a refusal of its own on that child."""
    token = _depth.set(0)
    try:
        yield
    finally:
        _depth.reset(token)


# -- the record -----------------------------------------------------------------------------


def record_refusal(
    store: Store, actor: Actor, action: str, key: str | None, reason: BaseException | str
) -> None:
    """One refusal row for an agent's refused action (the customer's and the system's are
    not recorded here)."""
    if not actor.is_agent:
        return
    record(
        store,
        agent_id=actor.id,
        login=actor.login,
        role=getattr(reason, "role", actor.role),
        action=action,
        ticket_key=key,
        reason=str(reason),
    )


def record(
    store: Store,
    *,
    agent_id: int | None,
    login: str,
    role: str,
    action: str,
    ticket_key: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """Write one refusal in a transaction of its own.

    On a plain `Store`, not the one given: a store joined to an open transaction (the
    mail intake's) must not carry the record, or roll it back. If the record cannot be
    written (the store is down, or not yet upgraded to have the table) the refusal
    still stands; the failure is logged."""
    from helpdesk_tui.services.ticket_core import normalize_key

    try:
        key = normalize_key(ticket_key) if ticket_key else None
    except HelpdeskError:
        key = clean_line(str(ticket_key))[:32]
    row = m.Refusal(
        at=now or datetime.now(UTC),
        agent_id=agent_id,
        login=clean_line(login or "")[:64],
        role=(role or "")[:16],
        action=action[:32],
        ticket_key=key,
        reason=clean_line(reason)[:500],
    )
    try:
        with Store(store.engine, store.url, store.cache).write() as s:
            if action != permissions.LOGIN and _recorded_lately(s, row):
                return
            s.add(row)
    except (HelpdeskError, SQLAlchemyError) as exc:  # pragma: no cover - store trouble
        log.warning("could not record a refusal (%s): %s", action, exc)


REPEAT_WINDOW = timedelta(minutes=1)


def _recorded_lately(s, row: m.Refusal) -> bool:
    """Whether the same refusal (agent, action, ticket) was recorded within the last
    minute: a deactivated agent's editor autosaving every second is one refusal a minute,
    not sixty. Failed logins are never folded: each is evidence. Read on the
    (login, at) index."""
    q = (
        select(m.Refusal.id)
        .where(
            m.Refusal.login == row.login,
            m.Refusal.at > row.at - REPEAT_WINDOW,
            m.Refusal.at <= row.at,
            m.Refusal.action == row.action,
        )
        .limit(1)
    )
    q = q.where(
        m.Refusal.ticket_key.is_(None)
        if row.ticket_key is None
        else m.Refusal.ticket_key == row.ticket_key
    )
    return s.exec(q).first() is not None


# -- reading the audit ----------------------------------------------------------------------


@dataclass(frozen=True)
class RefusalRow:
    id: int
    at: datetime
    login: str
    role: str
    action: str
    ticket: str | None
    reason: str


def recent(
    store: Store,
    *,
    login: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[RefusalRow]:
    """The latest refusals, newest first (unguarded: for tests and `list_refusals`)."""
    q = select(m.Refusal).order_by(m.Refusal.id.desc()).limit(max(1, min(limit, 10_000)))
    if login:
        q = q.where(m.Refusal.login == login)
    if since is not None:
        q = q.where(m.Refusal.at >= since)
    with store.read() as s:
        return [
            RefusalRow(r.id, r.at, r.login, r.role, r.action, r.ticket_key, r.reason)
            for r in s.exec(q).all()
        ]


@guarded("audit.view")
def list_refusals(
    store: Store,
    actor: Actor,
    *,
    who: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[RefusalRow]:
    """What was refused lately (and which logins failed): supervisors and admins."""
    return recent(store, login=who, since=since, limit=limit)
