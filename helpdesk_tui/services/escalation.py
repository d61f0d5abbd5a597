"""Escalation. Functional: the ticket moves to another line or group, with a note of what
was already tried, and leaves its assignee behind. Hierarchical: a supervisor is told."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.routing import Call, route
from helpdesk_tui.domain.vocab import EventKind
from helpdesk_tui.domain.workflow import Status
from helpdesk_tui.services import dispatch, notify
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, GroupInfo
from helpdesk_tui.services.ticket_actions import Changed, changed_result, editing
from helpdesk_tui.services.ticket_core import apply, require_open, require_text, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

MIN_NOTE = 10  # "tried stuff" is not a note; a sentence is


def target_group(cat: Catalog, ticket: m.Ticket, target: str) -> GroupInfo:
    """A group code, or a line code: then the group of that line the rules would pick for
    this ticket's service, else the line's first group."""
    try:
        return cat.group(target)
    except NotFound:
        pass
    line = cat.line(target)
    groups = cat.line_groups(line.id)
    if not groups:
        raise Invalid(f"line {line.code} has no groups")
    service = cat.services[ticket.service_id]
    routed = route(cat.rules, Call(service=service.code), cat.groups[service.group_id].code)
    for group in groups:
        if group.code == routed:
            return group
    for group in groups:
        if group.id == service.group_id:
            return group
    return min(groups, key=lambda g: g.id)


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
        group = target_group(cat, t, target)
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
        if t.status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED):
            values["status"] = Status.NEW.value
        service = cat.services[t.service_id]
        offered = dispatch.offer(s, group, service.skill)
        if offered is not None:
            values["assignee_id"] = offered.id
            if values.get("status", t.status) == Status.NEW:
                values["status"] = Status.ASSIGNED.value
        kind = EventKind.ESCALATED if up else EventKind.DEESCALATED
        event = apply(s, actor, t, kind, values, now=now, body=text)
        if offered is not None:
            notify.notify_agent(s, cat, t, offered, "assigned", now=now, body=text)
        where = f"{group.line_code}/{group.code}"
        verb = (
            "escalated to"
            if up
            else ("de-escalated to" if group.level < here.level else "moved to")
        )
        return changed_result(s, t, event, f"{t.key} {verb} {where}")


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
