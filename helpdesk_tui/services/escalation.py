"""Escalation. Functional: the ticket moves to another line or group, with a note of what
was already tried, and leaves its assignee behind. Hierarchical: a supervisor is told."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.routing import Call, route
from helpdesk_tui.domain.vocab import EventKind
from helpdesk_tui.domain.workflow import Status, check_transition
from helpdesk_tui.services import dispatch, notify
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, GroupInfo
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_actions import Changed, changed_result, editing
from helpdesk_tui.services.ticket_core import apply, require_open, require_text, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

MIN_NOTE = 10  # "tried stuff" is not a note; a sentence is


def target_group(
    cat: Catalog, ticket: m.Ticket, target: str, call: Call | None = None
) -> GroupInfo:
    """A group code, or a line code: then the group of that line the routing rules pick for
    this ticket (`call`: its service, category, segment, site, language), else the
    service's own group if it is on that line, else the line's first group."""
    try:
        return cat.group(target)
    except NotFound:
        pass
    line = cat.line(target)
    groups = {g.code: g for g in cat.line_groups(line.id)}
    if not groups:
        raise Invalid(f"line {line.code} has no groups")
    service = cat.services[ticket.service_id]
    rules = [rule for rule in cat.rules if rule.group in groups]
    routed = route(rules, call or Call(service=service.code), cat.groups[service.group_id].code)
    if routed in groups:
        return groups[routed]
    return min(groups.values(), key=lambda g: g.id)


def routing_call(s: Session, cat: Catalog, ticket: m.Ticket) -> Call:
    """What the routing rules look at, read from the ticket as it stands."""
    service = cat.services[ticket.service_id]
    category = next((c.code for c in service.categories if c.id == ticket.category_id), None)
    customer = s.get(m.Customer, ticket.customer_id) if ticket.customer_id else None
    site = s.get(m.Site, ticket.site_id) if ticket.site_id else None
    contact = s.get(m.Contact, ticket.contact_id) if ticket.contact_id else None
    return Call(
        service=service.code,
        category=category,
        segment=customer.segment if customer else None,
        site=site.code if site else None,
        language=contact.language if contact else None,
    )


@guarded("ticket.escalate")
def escalate(
    store: Store,
    actor: Actor,
    key: str,
    target: str,
    note: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Move the ticket to another line or group. Up is an escalation, down a de-escalation;
    either way the note of what was tried is required and the assignee is reset."""
    now = now or utcnow()
    text = require_text(note, "the note of what was tried")
    if len(text.strip()) < MIN_NOTE:
        raise Invalid(f"say what was already tried (at least {MIN_NOTE} characters)")
    with editing(store, actor, key, expected_version) as (s, cat, t):
        require_open(t, "escalate it")
        group = target_group(cat, t, target, routing_call(s, cat, t))
        if group.id == t.group_id:
            raise Invalid(f"{t.key} is already in {group.code}")
        here = cat.lines[t.line_id]
        up = group.level > here.level
        values: dict[str, Any] = {
            "group_id": group.id,
            "line_id": group.line_id,
            "assignee_id": None,
            "escalation_count": t.escalation_count + (1 if up else 0),
        }
        status = Status(t.status)
        if status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED):
            status = Status.NEW  # back to a queue: nobody in the new group has started
        service = cat.services[t.service_id]
        offered = dispatch.offer(s, group, service.skill)
        if offered is not None:
            values["assignee_id"] = offered.id
            if status == Status.NEW:
                status = Status.ASSIGNED
        if status != t.status:
            check_transition(t.status, status, actor.role)
            values["status"] = status.value
        down = group.level < here.level
        kind = EventKind.DEESCALATED if down else EventKind.ESCALATED  # sideways: functional
        event = apply(s, actor, t, kind, values, now=now, body=text)
        if offered is not None:
            notify.notify_agent(s, cat, t, offered, "assigned", now=now, body=text)
        where = f"{group.line_code}/{group.code}"
        verb = "escalated to" if up else ("de-escalated to" if down else "moved to")
        return changed_result(s, t, event, f"{t.key} {verb} {where}")


@guarded("ticket.supervisor")
def tell_supervisor(
    store: Store,
    actor: Actor,
    key: str,
    note: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Hierarchical escalation: the group's supervisors get a notice; the ticket stays."""
    now = now or utcnow()
    text = require_text(note, "the reason")
    with editing(store, actor, key, expected_version) as (s, cat, t):
        require_open(t, "escalate it to a supervisor")
        supervisors = notify.supervisors_of(s, t.group_id)
        if not supervisors:
            raise Invalid("there is no active supervisor to tell")
        event = apply(s, actor, t, EventKind.SUPERVISOR, {}, now=now, body=text)
        for sup in supervisors:
            notify.notify_agent(s, cat, t, sup, "supervisor", now=now, body=text)
        names = ", ".join(sup.login for sup in supervisors)
        return changed_result(s, t, event, f"{names} told about {t.key}")
