"""Reading tickets: one ticket with its timeline, and short lists for the command line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.pauses import describe
from helpdesk_tui.domain.vocab import parse_priority, priority_label
from helpdesk_tui.domain.workflow import OPEN, parse_status
from helpdesk_tui.i18n import _
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, catalog
from helpdesk_tui.services.contract_plans import contracts_of, plan_choice
from helpdesk_tui.services.pauses import pause_reasons
from helpdesk_tui.services.query import compile_where
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import normalize_key
from helpdesk_tui.store import models as m
from helpdesk_tui.store.card_queries import case_of_ticket
from helpdesk_tui.store.db import Store


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor: str  # login, or "customer" / "system"
    actor_name: str
    kind: str
    changes: dict[str, list[Any]]
    body: str
    public: bool
    version: int


@dataclass(frozen=True)
class PauseView:
    """One stretch of waiting for the customer (`ticket_pause`)."""

    started_at: datetime
    ended_at: datetime | None
    reason: str  # the code
    reason_text: str  # the reason's name, or the agent's words
    business_s: int | None
    wall_s: int | None
    by: str  # who paused it


@dataclass(frozen=True)
class LinkView:
    kind: str  # duplicate | child | related, seen from this ticket ("parent of" for incoming child)
    key: str
    subject: str
    status: str


@dataclass(frozen=True)
class VendorView:
    vendor: str  # the vendor group's code
    vendor_name: str
    case: str
    contact: str
    promised_at: datetime | None
    opened_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class TicketDetail:
    id: int
    key: str
    version: int
    subject: str
    description: str
    channel: str
    type: str
    service: str
    service_name: str
    category: str | None
    customer: str | None
    customer_name: str
    contact_id: int | None
    contact_name: str
    contact_phone: str
    contact_email: str
    site: str
    asset: str | None
    asset_name: str
    impact: int
    urgency: int
    priority: str
    status: str
    line: str
    group: str
    group_name: str
    assignee: str | None
    assignee_name: str
    sla_plan: str
    calendar_id: int
    created_at: datetime
    updated_at: datetime
    response_target_s: int
    resolution_target_s: int
    response_due: datetime | None
    response_risk_at: datetime | None
    resolution_due: datetime | None
    resolution_risk_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    paused_at: datetime | None
    paused_s: int
    update_target_s: int
    update_from: datetime | None
    update_due: datetime | None
    update_risk_at: datetime | None
    updates_on_time: int
    updates_late: int
    response_business_s: int | None
    resolution_business_s: int | None
    reopen_count: int
    escalation_count: int
    fcr: bool
    satisfaction: int | None
    time_spent_s: int
    resolution: str
    checklist: tuple[str, ...]
    tags: tuple[str, ...]
    parent: str | None
    links: tuple[LinkView, ...] = ()
    events: tuple[EventView, ...] = field(default=())
    plan_note: str = ""  # why the default plan applies (no contract covers the call)
    vendor: VendorView | None = None  # the ticket's case at a vendor (line 4)
    pauses: tuple[PauseView, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


def _name(row: Any, attr: str = "name", default: str = "") -> str:
    return getattr(row, attr) if row is not None else default


def detail(
    session: Session, cat: Catalog, ticket: m.Ticket, *, events: bool = True
) -> TicketDetail:
    get = session.get
    service = cat.services.get(ticket.service_id)
    category = get(m.Category, ticket.category_id) if ticket.category_id else None
    customer = get(m.Customer, ticket.customer_id) if ticket.customer_id else None
    contact = get(m.Contact, ticket.contact_id) if ticket.contact_id else None
    site = get(m.Site, ticket.site_id) if ticket.site_id else None
    asset = get(m.Asset, ticket.asset_id) if ticket.asset_id else None
    assignee = get(m.Agent, ticket.assignee_id) if ticket.assignee_id else None
    parent = get(m.Ticket, ticket.parent_id) if ticket.parent_id else None
    group = cat.groups.get(ticket.group_id)
    plan = cat.plan_for(ticket.sla_plan_id)
    return TicketDetail(
        id=ticket.id,
        key=ticket.key,
        version=ticket.version,
        subject=ticket.subject,
        description=ticket.description,
        channel=ticket.channel,
        type=ticket.type,
        service=service.code if service else "?",
        service_name=service.name if service else "?",
        category=category.code if category else None,
        customer=customer.code if customer else None,
        customer_name=_name(customer),
        contact_id=ticket.contact_id,
        contact_name=_name(contact),
        contact_phone=_name(contact, "phone"),
        contact_email=_name(contact, "email"),
        site=_name(site),
        asset=asset.tag if asset else None,
        asset_name=_name(asset),
        impact=ticket.impact,
        urgency=ticket.urgency,
        priority=priority_label(ticket.priority),
        status=ticket.status,
        line=cat.lines[ticket.line_id].code if ticket.line_id in cat.lines else "?",
        group=group.code if group else "?",
        group_name=group.name if group else "?",
        assignee=assignee.login if assignee else None,
        assignee_name=_name(assignee),
        sla_plan=plan.code,
        calendar_id=plan.calendar_id,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        response_target_s=ticket.response_target_s,
        resolution_target_s=ticket.resolution_target_s,
        response_due=ticket.response_due,
        response_risk_at=ticket.response_risk_at,
        resolution_due=ticket.resolution_due,
        resolution_risk_at=ticket.resolution_risk_at,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        paused_at=ticket.paused_at,
        paused_s=ticket.paused_s,
        update_target_s=ticket.update_target_s,
        update_from=ticket.update_from,
        update_due=ticket.update_due,
        update_risk_at=ticket.update_risk_at,
        updates_on_time=ticket.updates_on_time,
        updates_late=ticket.updates_late,
        response_business_s=ticket.response_business_s,
        resolution_business_s=ticket.resolution_business_s,
        reopen_count=ticket.reopen_count,
        escalation_count=ticket.escalation_count,
        fcr=ticket.fcr,
        satisfaction=ticket.satisfaction,
        time_spent_s=ticket.time_spent_s,
        resolution=ticket.resolution,
        checklist=tuple(ticket.checklist),
        tags=tuple(ticket.tags),
        parent=parent.key if parent else None,
        links=_links(session, ticket.id),
        events=_events(session, ticket.id, _name(contact)) if events else (),
        plan_note=_plan_note(session, cat, ticket, customer),
        vendor=_vendor(session, cat, ticket.id),
        pauses=pauses_of(session, ticket.id) if events else (),
    )


def _plan_note(session: Session, cat: Catalog, ticket: m.Ticket, customer: Any) -> str:
    """Why the ticket has the default plan, when no contract of its customer covered it
    (the same choice registration made, from the customer's contracts)."""
    if customer is None:
        return ""
    service = cat.services.get(ticket.service_id)
    if service is None:
        return ""
    plan, choice = plan_choice(
        cat, customer, service.code, contracts_of(session, customer), ticket.created_at
    )
    if choice.reason is None or plan.id != ticket.sla_plan_id:
        return ""
    return _("default plan: {reason}").format(reason=choice.reason)


def _vendor(session: Session, cat: Catalog, ticket_id: int) -> VendorView | None:
    row = case_of_ticket(session, ticket_id)
    if row is None:
        return None
    group = cat.groups.get(row.group_id)
    return VendorView(
        group.code if group else "?",
        group.name if group else "?",
        row.case_number,
        row.contact,
        row.promised_at,
        row.opened_at,
        row.closed_at,
    )


def pauses_of(session: Session, ticket_id: int, limit: int = 50) -> tuple[PauseView, ...]:
    """The ticket's pauses, oldest first (the newest `limit`)."""
    reasons = pause_reasons(session)
    rows = session.exec(
        select(m.TicketPause, m.Agent.login)
        .join(m.Agent, m.Agent.id == m.TicketPause.started_by_id, isouter=True)
        .where(m.TicketPause.ticket_id == ticket_id)
        .order_by(m.TicketPause.id.desc())
        .limit(limit)
    ).all()
    return tuple(
        PauseView(
            p.started_at,
            p.ended_at,
            p.reason,
            describe(p.reason, p.note, reasons),
            p.business_s,
            p.wall_s,
            login or "system",
        )
        for p, login in reversed(rows)
    )


def _events(session: Session, ticket_id: int, contact: str = "") -> tuple[EventView, ...]:
    """The timeline. Customer events carry the contact's name; the clock's say so."""
    names = {
        "customer": contact or _("the customer"),
        "system": _("helpdesk (automatic)"),
        "rule": _("automation rule"),
    }
    rows = session.exec(
        select(m.TicketEvent, m.Agent.login, m.Agent.name)
        .join(m.Agent, m.Agent.id == m.TicketEvent.actor_id, isouter=True)
        .where(m.TicketEvent.ticket_id == ticket_id)
        .order_by(m.TicketEvent.id)
    ).all()
    return tuple(
        EventView(
            e.id,
            e.at,
            login or e.actor_kind,
            name or names.get(e.actor_kind, e.actor_kind),
            e.kind,
            e.changes,
            e.body,
            e.public,
            e.version,
        )
        for e, login, name in rows
    )


def _links(session: Session, ticket_id: int) -> tuple[LinkView, ...]:
    out = []
    outgoing = session.exec(
        select(m.TicketLink.kind, m.Ticket.key, m.Ticket.subject, m.Ticket.status)
        .join(m.Ticket, m.Ticket.id == m.TicketLink.other_id)
        .where(m.TicketLink.ticket_id == ticket_id)
    ).all()
    out += [LinkView(kind, key, subject, status) for kind, key, subject, status in outgoing]
    incoming = session.exec(
        select(m.TicketLink.kind, m.Ticket.key, m.Ticket.subject, m.Ticket.status)
        .join(m.Ticket, m.Ticket.id == m.TicketLink.ticket_id)
        .where(m.TicketLink.other_id == ticket_id)
        .limit(200)
    ).all()
    names = {"duplicate": "duplicated by", "child": "parent of", "related": "related"}
    out += [LinkView(names[kind], key, subject, status) for kind, key, subject, status in incoming]
    return tuple(out)


@guarded("ticket.read")
def read(store: Store, actor: Actor, key: str, *, events: bool = True) -> TicketDetail:
    """`show`, for an agent: one whose standing is gone (deactivated) reads nothing."""
    return show(store, key, events=events)


def show(store: Store, key: str, *, events: bool = True) -> TicketDetail:
    key = normalize_key(key)
    with store.read() as session:
        ticket = session.exec(select(m.Ticket).where(m.Ticket.key == key)).first()
        if ticket is None:
            raise NotFound(_("no ticket {key}").format(key=key))
        return detail(session, catalog(store, session), ticket, events=events)


@dataclass(frozen=True)
class ListFilter:
    status: str = "open"  # open | all | a status
    group: str | None = None
    line: str | None = None
    assignee: str | None = None  # a login, "me", or "none"
    priority: str | None = None
    service: str | None = None
    customer: str | None = None
    limit: int = 50
    where: str = ""  # the query language (domain/query.py)


def list_tickets(
    store: Store, actor: Actor | None, flt: ListFilter, *, now: datetime | None = None
) -> list[TicketDetail]:
    """Tickets by SLA urgency (nearest deadline first), filtered; at most `limit`."""
    if not 1 <= flt.limit <= 10_000:
        raise Invalid(_("--limit is 1 to 10000"))
    compiled = compile_where(store, flt.where, actor=actor, now=now) if flt.where.strip() else None
    with store.read() as session:
        cat = catalog(store, session)
        q = select(m.Ticket)
        if compiled is not None:
            q = q.where(compiled.condition)
        if flt.status == "open":
            if not flt.where.strip():  # a query says for itself which statuses it wants
                q = q.where(m.Ticket.is_open)
        elif flt.status != "all":
            q = q.where(m.Ticket.status == parse_status(flt.status).value)
        if flt.group:
            q = q.where(m.Ticket.group_id == cat.group(flt.group).id)
        if flt.line:
            q = q.where(m.Ticket.line_id == cat.line(flt.line).id)
        if flt.assignee:
            if flt.assignee == "none":
                q = q.where(m.Ticket.assignee_id.is_(None))
            else:
                login = actor.login if flt.assignee == "me" and actor else flt.assignee
                agent = session.exec(select(m.Agent).where(m.Agent.login == login)).first()
                if agent is None:
                    raise NotFound(_("no agent with login {login!r}").format(login=login))
                q = q.where(m.Ticket.assignee_id == agent.id)
        if flt.priority:
            q = q.where(m.Ticket.priority == parse_priority(flt.priority))
        if flt.service:
            q = q.where(m.Ticket.service_id == cat.service(flt.service).id)
        if flt.customer:
            customer = session.exec(
                select(m.Customer).where(
                    or_(m.Customer.code == flt.customer, m.Customer.name == flt.customer)
                )
            ).first()
            if customer is None:
                raise NotFound(_("unknown customer {customer!r}").format(customer=flt.customer))
            q = q.where(m.Ticket.customer_id == customer.id)
        q = q.order_by(m.Ticket.due_at.is_(None), m.Ticket.due_at, m.Ticket.id).limit(flt.limit)
        return [detail(session, cat, t, events=False) for t in session.exec(q).all()]


JSON_FIELDS = (
    "key",
    "subject",
    "status",
    "priority",
    "impact",
    "urgency",
    "channel",
    "type",
    "service",
    "category",
    "customer",
    "contact_name",
    "asset",
    "line",
    "group",
    "assignee",
    "sla_plan",
    "created_at",
    "updated_at",
    "response_due",
    "resolution_due",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "paused_at",
    "update_due",
    "updates_on_time",
    "updates_late",
    "reopen_count",
    "escalation_count",
    "fcr",
    "satisfaction",
    "time_spent_s",
    "tags",
    "parent",
    "version",
)


def as_json(t: TicketDetail, *, events: bool = False) -> dict[str, Any]:
    """The ticket for programs: instants in ISO 8601 with their offset."""
    data = {name: _jsonable(getattr(t, name)) for name in JSON_FIELDS}
    data["description"] = t.description
    data["resolution"] = t.resolution
    data["links"] = [asdict(link) for link in t.links]
    data["plan_note"] = t.plan_note
    data["vendor"] = (
        {k: _jsonable(v) for k, v in asdict(t.vendor).items()} if t.vendor is not None else None
    )
    data["pauses"] = [{k: _jsonable(v) for k, v in asdict(p).items()} for p in t.pauses]
    if events:
        data["events"] = [{**{k: _jsonable(v) for k, v in asdict(e).items()}} for e in t.events]
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
