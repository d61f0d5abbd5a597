"""Routing a ticket to a group and offering it to an agent of that group."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from helpdesk_tui.domain.routing import Call, Candidate, pick_agent, route
from helpdesk_tui.domain.vocab import Role
from helpdesk_tui.services.catalog import Catalog, GroupInfo, ServiceInfo
from helpdesk_tui.store import models as m


def route_group(cat: Catalog, service: ServiceInfo, call: Call) -> GroupInfo:
    """The group the rules pick (else the service's default group)."""
    default = cat.groups[service.group_id].code
    return cat.group(route(cat.rules, call, default))


def candidates(session: Session, group_id: int) -> list[Candidate]:
    """The group's active engineers with their skills, shift and current load.

    One grouped query over the assignee index; a group has tens of agents, not thousands.
    """
    agents = session.exec(
        select(m.Agent)
        .join(m.Membership, m.Membership.agent_id == m.Agent.id)
        .where(
            m.Membership.group_id == group_id,
            m.Agent.active,
            m.Agent.role.in_([Role.ENGINEER, Role.DISPATCHER]),
        )
    ).all()
    if not agents:
        return []
    loads = dict(
        session.exec(
            select(m.Ticket.assignee_id, func.count())
            .where(m.Ticket.assignee_id.in_([a.id for a in agents]), m.Ticket.is_open)
            .group_by(m.Ticket.assignee_id)
        ).all()
    )
    return [Candidate(a.login, frozenset(a.skills), a.on_shift, loads.get(a.id, 0)) for a in agents]


def offer(session: Session, group: GroupInfo, skill: str) -> m.Agent | None:
    """The agent a new ticket in `group` goes to, or None to leave it in the queue."""
    if not group.auto_assign:
        return None
    login = pick_agent(candidates(session, group.id), skill or None)
    if login is None:
        return None
    return session.exec(select(m.Agent).where(m.Agent.login == login)).one()
