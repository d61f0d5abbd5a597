"""Escalation. Functional: the ticket moves to another line or group, with a note of what
was already tried, and leaves its assignee behind. Hierarchical: a supervisor is told."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.promises import parse_promise
from helpdesk_tui.domain.routing import Call, route
from helpdesk_tui.domain.text import clean_line
from helpdesk_tui.domain.vocab import EventKind
from helpdesk_tui.domain.workflow import Status, check_transition
from helpdesk_tui.i18n import _
from helpdesk_tui.services import dispatch, notify, vendor_cases
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, GroupInfo
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_actions import Changed, changed_result, editing
from helpdesk_tui.services.ticket_actions import _status_values as status_values
from helpdesk_tui.services.ticket_core import apply, require_open, require_text, utcnow
from helpdesk_tui.services.vendor_cases import VendorTerms
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

MIN_NOTE = 10  # "tried stuff" is not a note; a sentence is
VENDOR_LEVEL = 4  # line 4: the external vendors


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
        raise Invalid(_("line {code} has no groups").format(code=line.code))
    service = cat.services[ticket.service_id]
    rules = [rule for rule in cat.rules if rule.group in groups]
    routed = route(rules, call or Call(service=service.code), cat.groups[service.group_id].code)
    if routed in groups:
        return groups[routed]
    return min(groups.values(), key=lambda g: g.id)


def desk_zone(cat: Catalog) -> ZoneInfo:
    """The desk's own time zone: the default plan's calendar's."""
    return ZoneInfo(cat.calendar_of(cat.plan_for(None)).spec.timezone)


def checked_terms(vendor: VendorTerms, now: datetime, zone: ZoneInfo) -> VendorTerms:
    """The terms cleaned and checked; a promise written as text is read in `zone`."""
    case = clean_line(vendor.case)
    if not case:
        raise Invalid(_("the vendor's case number is empty"))
    if len(case) > 128:
        raise Invalid(_("the vendor's case number is too long (at most 128 characters)"))
    contact = clean_line(vendor.contact)
    if len(contact) > 300:
        raise Invalid(_("the vendor contact is too long (at most 300 characters)"))
    promised = vendor.promised
    if isinstance(promised, str):
        promised = parse_promise(promised, zone) if promised.strip() else None
    if promised is not None:
        if promised.tzinfo is None:
            raise Invalid(_("the promised date needs a time zone"))
        if promised <= now:
            raise Invalid(_("the vendor's promised date has already passed"))
    return VendorTerms(case, promised, contact)


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
    vendor: VendorTerms | None = None,
    now: datetime | None = None,
) -> Changed:
    """Move the ticket to another line or group. Up is an escalation, down a de-escalation;
    either way the note of what was tried is required and the assignee is reset. To a
    vendor (line 4) with `vendor` terms: their case is recorded and the ticket waits for
    the vendor — our own SLA keeps counting."""
    now = now or utcnow()
    text = require_text(note, _("the note of what was tried"))
    if len(text.strip()) < MIN_NOTE:
        raise Invalid(
            _("say what was already tried (at least {MIN_NOTE} characters)").format(
                MIN_NOTE=MIN_NOTE
            )
        )
    with editing(store, actor, key, expected_version) as (s, cat, t):
        terms = checked_terms(vendor, now, desk_zone(cat)) if vendor is not None else None
        require_open(t, _("escalate it"))
        group = target_group(cat, t, target, routing_call(s, cat, t))
        if group.id == t.group_id:
            raise Invalid(_("{key} is already in {code}").format(key=t.key, code=group.code))
        if terms is not None and group.level != VENDOR_LEVEL:
            raise Invalid(
                _("{code} is not a vendor (line 4): a vendor case goes there").format(
                    code=group.code
                )
            )
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
        if terms is not None:
            status = Status.WAITING_VENDOR
            if t.status != status:
                check_transition(t.status, status, actor.role)
                values.update(status_values(cat, t, status, now))
        elif status != t.status:
            check_transition(t.status, status, actor.role)
            values["status"] = status.value
        down = group.level < here.level
        kind = EventKind.DEESCALATED if down else EventKind.ESCALATED  # sideways: functional
        closed = vendor_cases.close_open(s, t.id, now)
        event = apply(s, actor, t, kind, values, now=now, body=text)
        if terms is not None:
            vendor_cases.open_case(s, t, group.id, terms, actor, now)
            event.changes = {**event.changes, **vendor_cases.recorded_terms(group.code, terms)}
        elif closed:
            event.changes = {**event.changes, "vendor_case": [closed, None]}
        s.flush()
        if offered is not None:
            notify.notify_agent(s, cat, t, offered, "assigned", now=now, body=text)
        where = f"{group.line_code}/{group.code}"
        went = (
            _("{key} escalated to {where}")
            if up
            else (_("{key} de-escalated to {where}") if down else _("{key} moved to {where}"))
        )
        return changed_result(s, t, event, went.format(key=t.key, where=where))


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
    text = require_text(note, _("the reason"))
    with editing(store, actor, key, expected_version) as (s, cat, t):
        require_open(t, _("escalate it to a supervisor"))
        supervisors = notify.supervisors_of(s, t.group_id)
        if not supervisors:
            raise Invalid(_("there is no active supervisor to tell"))
        event = apply(s, actor, t, EventKind.SUPERVISOR, {}, now=now, body=text)
        for sup in supervisors:
            notify.notify_agent(s, cat, t, sup, "supervisor", now=now, body=text)
        names = ", ".join(sup.login for sup in supervisors)
        return changed_result(
            s, t, event, _("{names} told about {key}").format(names=names, key=t.key)
        )
