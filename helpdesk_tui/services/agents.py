"""Agents: who is acting, and the agent list with load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from helpdesk_tui.domain.errors import Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.permissions import LOGIN
from helpdesk_tui.domain.vocab import Role
from helpdesk_tui.domain.workflow import CUSTOMER, RULE, SYSTEM
from helpdesk_tui.i18n import _
from helpdesk_tui.services.refusals import guarded, record
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an agent, the customer (by mail), the system (the tick), or an
    automation rule (`services.automation`: its login is `rule:CODE`)."""

    id: int | None
    login: str
    name: str
    role: str
    group_ids: frozenset[int] = frozenset()
    email: str = ""

    @property
    def kind(self) -> str:
        return self.role if self.role in (CUSTOMER, SYSTEM, RULE) else "agent"

    @property
    def is_agent(self) -> bool:
        return self.id is not None

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


SYSTEM_ACTOR = Actor(None, "system", "helpdesk", SYSTEM)
CUSTOMER_ACTOR = Actor(None, "customer", "customer", CUSTOMER)


@dataclass(frozen=True)
class AgentRow:
    login: str
    name: str
    role: str
    groups: tuple[str, ...]
    skills: tuple[str, ...]
    on_shift: bool
    active: bool
    load: int


def actor_from_row(session: Session, agent: m.Agent) -> Actor:
    groups = session.exec(
        select(m.Membership.group_id).where(m.Membership.agent_id == agent.id)
    ).all()
    return Actor(agent.id, agent.login, agent.name, agent.role, frozenset(groups), agent.email)


def resolve(store: Store, login: str | None) -> Actor:
    """The acting agent for `--as LOGIN`; an inactive agent can do nothing."""
    if not login:
        raise Invalid(_("who is acting? give --as LOGIN (or set `login` in the config file)"))
    with store.read() as session:
        agent = session.exec(select(m.Agent).where(m.Agent.login == login)).first()
        if agent is None:
            raise NotFound(
                _("no agent with login {login!r}: see `helpdesk agent list`").format(login=login)
            )
        if agent.active:
            return actor_from_row(session, agent)
    reason = _("agent {login} is inactive and can do nothing").format(login=login)
    record(store, agent_id=agent.id, login=login, role=agent.role, action=LOGIN, reason=reason)
    raise NotAllowed(reason)


def list_agents(store: Store) -> list[AgentRow]:
    from helpdesk_tui.store.queries import agent_loads

    with store.read() as session:
        groups = dict(session.exec(select(m.SupportGroup.id, m.SupportGroup.code)).all())
        member: dict[int, list[str]] = {}
        for agent_id, group_id in session.exec(
            select(m.Membership.agent_id, m.Membership.group_id)
        ).all():
            member.setdefault(agent_id, []).append(groups[group_id])
        loads = agent_loads(session)
        return [
            AgentRow(
                a.login,
                a.name,
                a.role,
                tuple(sorted(member.get(a.id, []))),
                tuple(a.skills),
                a.on_shift,
                a.active,
                loads.get(a.id, 0),
            )
            for a in session.exec(select(m.Agent).order_by(m.Agent.login)).all()
        ]


def members(store: Store, group_code: str) -> list[AgentRow]:
    """The active agents of a group with their open load (for the assign picker)."""
    return [a for a in list_agents(store) if group_code in a.groups and a.active]


@guarded("agent.shift")
def set_on_shift(store: Store, actor: Actor, login: str, on_shift: bool) -> None:
    """Mark an agent on or off shift: the agent themself, a supervisor or an admin."""
    with store.write() as session:
        agent = _agent(session, login)
        if agent.on_shift != on_shift:
            agent.on_shift = on_shift
            session.add(agent)
            log_change(session, actor, agent, "shift", "on shift" if on_shift else "off shift")


@guarded("agent.activate")
def set_active(store: Store, actor: Actor, login: str, active: bool) -> None:
    """Deactivate an agent (they can do nothing from their next action on, in every open
    terminal) or make them active again: admins. Their tickets stay where they are."""
    if login == actor.login and not active:
        raise Invalid(_("an admin does not deactivate themself (another admin can)"))
    with store.write() as session:
        agent = _agent(session, login)
        if agent.active == active:
            already = _("{login} is already active") if active else _("{login} is already inactive")
            raise Invalid(already.format(login=login))
        agent.active = active
        session.add(agent)
        log_change(session, actor, agent, "active", "activated" if active else "deactivated")


def _agent(session: Session, login: str) -> m.Agent:
    agent = session.exec(select(m.Agent).where(m.Agent.login == login)).first()
    if agent is None:
        raise NotFound(
            _("no agent with login {login!r}: see `helpdesk agent list`").format(login=login)
        )
    return agent


def log_change(
    session: Session, actor: Actor | None, agent: m.Agent, kind: str, detail: str
) -> None:
    """The audit row of a change to `agent`, in the change's transaction (`actor` None: the
    store's owner, setting the desk up without a login)."""
    session.add(
        m.AgentChange(
            at=datetime.now(UTC),
            agent_id=agent.id,
            actor_id=actor.id if actor is not None else None,
            kind=kind,
            detail=detail[:200],
        )
    )


def count_agents(session: Session) -> int:
    return session.exec(select(func.count()).select_from(m.Agent)).one()


@dataclass(frozen=True)
class ChangeRow:
    id: int
    at: datetime
    login: str  # the agent changed
    by: str  # who changed it ("" for the store's owner)
    kind: str
    detail: str


@guarded("audit.view")
def list_changes(
    store: Store,
    actor: Actor,
    *,
    who: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[ChangeRow]:
    """Changes to agents' standing, newest first: supervisors and admins."""
    changed, by = aliased(m.Agent), aliased(m.Agent)
    q = (
        select(m.AgentChange, changed.login, by.login)
        .join(changed, changed.id == m.AgentChange.agent_id)
        .outerjoin(by, by.id == m.AgentChange.actor_id)
        .order_by(m.AgentChange.id.desc())
        .limit(max(1, min(limit, 10_000)))
    )
    if who:
        q = q.where(changed.login == who)
    if since is not None:
        q = q.where(m.AgentChange.at >= since)
    with store.read() as s:
        return [
            ChangeRow(c.id, c.at, login, by_login or "", c.kind, c.detail)
            for c, login, by_login in s.exec(q).all()
        ]
