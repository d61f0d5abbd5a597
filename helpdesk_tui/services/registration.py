"""Registering a call: one transaction from the caller's words to a routed ticket.

Priority from the matrix, plan from the customer's contract, deadlines from the plan's
calendar, the next key, the group from the routing rules, an agent offered the ticket
when the group hands work out, the customer's acknowledgement in the outbox, and the
`created` event — or, when the dispatcher solved it on the phone, resolved at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.contracts import Terms
from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.placeholders import fill, names_in
from helpdesk_tui.domain.priority import priority_of
from helpdesk_tui.domain.routing import Call
from helpdesk_tui.domain.sla import BusinessCalendar
from helpdesk_tui.domain.text import clean, clean_line, contact_search_text, phone_digits
from helpdesk_tui.domain.vocab import Channel, EventKind, LinkKind, TicketType
from helpdesk_tui.domain.workflow import Status, check_transition
from helpdesk_tui.i18n import _
from helpdesk_tui.services import dispatch, notify
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import (
    Catalog,
    CategoryInfo,
    GroupInfo,
    PlanInfo,
    ServiceInfo,
    catalog,
)
from helpdesk_tui.services.contract_plans import contracts_of, plan_choice
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import (
    LOGGED,
    count_template_use,
    normalize_key,
    record_event,
    recorded,
    utcnow,
)
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store, hold
from helpdesk_tui.store.keys import key_of, next_number

SUBJECT_LIMIT = 300
DESCRIPTION_LIMIT = 200_000


@dataclass(frozen=True)
class NewContact:
    name: str
    phone: str = ""
    email: str = ""
    customer: str | None = None  # customer code; else the ticket's customer
    site: str | None = None


@dataclass(frozen=True)
class NewTicket:
    subject: str
    service: str
    description: str = ""
    channel: str = Channel.PHONE
    type: str | None = None
    category: str | None = None
    customer: str | None = None  # customer code
    contact_id: int | None = None
    contact: str | None = None  # e-mail or phone of a known contact
    new_contact: NewContact | None = None
    asset: str | None = None  # asset tag
    impact: int | None = None
    urgency: int | None = None
    created_at: datetime | None = None
    checklist: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    resolution: str | None = None  # solved on first contact: resolved at once, counted (FCR)
    template: str | None = None  # the template the resolution came from (its use is counted)
    link_to: str | None = None  # an open ticket this call belongs to (instead of a new problem)
    link_kind: str = "child"  # child: part of that (mass) incident; duplicate: the same call


@dataclass(frozen=True)
class Registered:
    key: str
    id: int
    status: str
    priority: int
    group: str
    line: str
    assignee: str | None
    response_due: datetime
    resolution_due: datetime
    acknowledged: bool  # an acknowledgement is queued for the caller
    version: int
    warnings: tuple[str, ...] = field(default=())


@guarded("ticket.register")
def register(
    store: Store, actor: Actor, new: NewTicket, *, now: datetime | None = None
) -> Registered:
    now = now or utcnow()
    with store.write() as session:
        return _register(session, catalog(store, session), actor, new, now)


def _register(s: Session, cat: Catalog, actor: Actor, new: NewTicket, now: datetime) -> Registered:
    subject = clean_line(new.subject)
    if not subject:
        raise Invalid(_("the subject is empty"))
    if len(subject) > SUBJECT_LIMIT:
        raise Invalid(
            _("the subject is too long ({subject} characters; at most {SUBJECT_LIMIT})").format(
                subject=len(subject), SUBJECT_LIMIT=SUBJECT_LIMIT
            )
        )
    description = clean(new.description)
    if len(description) > DESCRIPTION_LIMIT:
        raise Invalid(
            _(
                "the description is too long ({description:,} characters; "
                "at most {DESCRIPTION_LIMIT:,})"
            ).format(description=len(description), DESCRIPTION_LIMIT=DESCRIPTION_LIMIT)
        )
    channel = _choice(new.channel, Channel, "channel")
    service = cat.service(new.service)
    kind = _choice(new.type or service.default_type, TicketType, "type")
    category = service.category(new.category) if new.category else None
    impact = new.impact if new.impact is not None else service.default_impact
    urgency = new.urgency if new.urgency is not None else service.default_urgency
    created_at = new.created_at or now
    if created_at.tzinfo is None:
        raise Invalid(_("--created-at needs a time zone (like 2026-11-23T10:00+03:00)"))
    if created_at > now + timedelta(minutes=5):
        raise Invalid(_("--created-at is in the future"))

    customer, contact, site, asset = _parties(s, new)
    terms = contracts_of(s, customer)
    cls = _classify(
        cat, service, category, customer, contact, site, impact, urgency, terms, created_at
    )
    plan, calendar, group, priority = cls.plan, cls.calendar, cls.group, cls.priority
    response_s, resolution_s = cls.response_s, cls.resolution_s
    warnings = list(cls.warnings)
    target = _link_target(s, new)
    duplicate = target is not None and new.link_kind == LinkKind.DUPLICATE
    if new.resolution is not None and actor.is_agent:
        assignee = s.get(m.Agent, actor.id)  # solved it on the phone: theirs, for the KPIs
    else:
        assignee = None if duplicate else dispatch.offer(s, group, service.skill)

    status = Status.ASSIGNED if assignee else Status.NEW
    if duplicate:
        status = Status.CANCELLED
    resolution = ""
    if new.resolution is not None:
        resolution = clean(new.resolution).strip()
        if not resolution:
            raise Invalid(_("a ticket solved on first contact needs the resolution text"))
        check_transition(Status.NEW, Status.RESOLVED, actor.role)
        status = Status.RESOLVED
    resolved_at = now if status == Status.RESOLVED else None
    if resolved_at is not None and resolved_at < created_at:
        resolved_at = created_at

    clk = clocks.compute(
        calendar,
        clocks.ClockInput(
            created_at=created_at,
            response_s=response_s,
            resolution_s=resolution_s,
            at_risk=plan.at_risk,
            first_response_at=resolved_at,
            resolved_at=resolved_at,
            update_s=plan.update_target(priority),
            update_from=created_at,
        ),
    )
    number = next_number(s)
    ticket = m.Ticket(
        number=number,
        key=key_of(number),
        subject=subject,
        description=description,
        channel=channel,
        type=kind,
        service_id=service.id,
        category_id=category.id if category else None,
        customer_id=customer.id if customer else None,
        contact_id=contact.id if contact else None,
        site_id=site.id if site else None,
        asset_id=asset.id if asset else None,
        impact=impact,
        urgency=urgency,
        priority=priority,
        status=status,
        is_open=status in (Status.NEW, Status.ASSIGNED),
        line_id=group.line_id,
        group_id=group.id,
        assignee_id=assignee.id if assignee else None,
        created_by_id=actor.id,
        sla_plan_id=plan.id,
        created_at=created_at,
        updated_at=now,
        response_target_s=response_s,
        resolution_target_s=resolution_s,
        response_due=clk.response_due,
        response_risk_at=clk.response_risk_at,
        update_target_s=plan.update_target(priority),
        update_from=created_at,
        update_due=None if duplicate else clk.update_due,
        update_risk_at=None if duplicate else clk.update_risk_at,
        resolution_due=clk.resolution_due,
        resolution_risk_at=clk.resolution_risk_at,
        due_at=None if duplicate else clk.due_at,
        next_alert_at=None if duplicate else clk.next_alert_at,
        closed_at=now if duplicate else None,
        parent_id=(target.parent_id or target.id) if target and not duplicate else None,
        first_response_at=resolved_at,
        resolved_at=resolved_at,
        auto_close_at=(
            calendar.add_business_days(resolved_at, plan.auto_close_days) if resolved_at else None
        ),
        fcr=resolved_at is not None,
        **(_fcr_durations(calendar, created_at, resolved_at) if resolved_at else {}),
        resolution=resolution,
        checklist=[clean_line(c) for c in new.checklist if clean_line(c)],
        tags=sorted({clean_line(t).lower() for t in new.tags if clean_line(t)}),
    )
    s.add(ticket)
    s.flush()
    if resolution and names_in(resolution):  # a template's {{ticket.key}} etc., now known
        language = contact.language if contact else "en"
        values = notify.placeholder_values(s, cat, ticket, language=language, agent_name=actor.name)
        resolution = ticket.resolution = fill(resolution, values)
        s.flush()
    if target is not None:
        s.add(
            m.TicketLink(
                ticket_id=ticket.id,
                other_id=target.id,
                kind=new.link_kind,
                created_at=now,
                created_by_id=actor.id,
            )
        )
    changes = {
        name: [None, recorded(s, attr, getattr(ticket, attr), cat)]
        for attr, name in LOGGED.items()
        if getattr(ticket, attr) not in (None, "", [], 0, False)
    }
    record_event(
        s,
        actor,
        ticket,
        EventKind.CREATED,
        changes,
        now=now,
        body=resolution or (f"{new.link_kind} of {target.key}" if target else ""),
        public=bool(resolution),
    )
    if new.template:
        count_template_use(s, new.template)
    acknowledged = not duplicate and (
        notify.notify_customer(
            s,
            cat,
            ticket,
            "resolved" if resolution else "ack",
            now=now,
            body=resolution,
            agent_name=actor.name,
        )
        is not None
    )
    if assignee is not None and assignee.id != actor.id:
        notify.notify_agent(s, cat, ticket, assignee, "assigned", now=now)
    return Registered(
        key=ticket.key,
        id=ticket.id,
        status=ticket.status,
        priority=priority,
        group=group.code,
        line=group.line_code,
        assignee=assignee.login if assignee else None,
        response_due=clk.response_due,
        resolution_due=clk.resolution_due,
        acknowledged=acknowledged,
        version=ticket.version,
        warnings=tuple(warnings),
    )


@dataclass(frozen=True)
class Classification:
    priority: int
    plan: PlanInfo
    calendar: BusinessCalendar
    response_s: int
    resolution_s: int
    group: GroupInfo
    warnings: tuple[str, ...]
    contract: str | None = None  # the contract that gave the plan
    default_plan: bool = False  # the default plan applies (no contract covers the call)


def _classify(
    cat: Catalog,
    service: ServiceInfo,
    category: CategoryInfo | None,
    customer: m.Customer | None,
    contact: m.Contact | None,
    site: m.Site | None,
    impact: int,
    urgency: int,
    terms: list[Terms],
    at: datetime,
) -> Classification:
    """Priority from the matrix, plan from the contract, group from the rules."""
    priority = priority_of(cat.matrix, impact, urgency)
    warnings = []
    plan, choice = plan_choice(cat, customer, service.code, terms, at)
    if customer is not None and choice.reason:
        if choice.why == "none":
            warning = _("{customer} has no contract: the default plan {plan} applies")
        else:
            warning = _("{customer}: {reason}: the default plan {plan} applies")
        warnings.append(
            warning.format(customer=customer.name, reason=choice.reason, plan=plan.code)
        )
    if priority not in plan.targets:
        raise Invalid(
            _("SLA plan {code} has no target for P{priority}").format(
                code=plan.code, priority=priority
            )
        )
    response_s, resolution_s = plan.targets[priority]
    group = dispatch.route_group(
        cat,
        service,
        Call(
            service=service.code,
            category=category.code if category else None,
            segment=customer.segment if customer else None,
            site=site.code if site else None,
            language=contact.language if contact else None,
        ),
    )
    return Classification(
        priority,
        plan,
        cat.calendar_of(plan),
        response_s,
        resolution_s,
        group,
        tuple(warnings),
        choice.contract,
        customer is not None and choice.plan_id is None,
    )


@dataclass(frozen=True)
class Preview:
    """What saving would do, shown live on the registration form."""

    priority: int
    plan: str
    group: str
    group_name: str
    line: str
    response_due: datetime
    resolution_due: datetime
    offered_to: str | None
    warnings: tuple[str, ...]


def preview(
    store: Store,
    *,
    service: str,
    customer: str | None = None,
    contact_id: int | None = None,
    asset: str | None = None,
    category: str | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    now: datetime | None = None,
) -> Preview:
    """Priority, group and promised times for a call being registered; writes nothing."""
    now = now or utcnow()
    with store.read() as s:
        cat = catalog(store, s)
        svc = cat.service(service)
        cat_info = svc.category(category) if category else None
        draft = NewTicket(
            subject="-", service=service, customer=customer, contact_id=contact_id, asset=asset
        )
        cust, contact, site, _asset = _parties(s, draft)
        terms = contracts_of(s, cust)
        cls = _classify(
            cat,
            svc,
            cat_info,
            cust,
            contact,
            site,
            impact or svc.default_impact,
            urgency or svc.default_urgency,
            terms,
            now,
        )
        offered = dispatch.offer(s, cls.group, svc.skill)
        return Preview(
            priority=cls.priority,
            plan=cls.plan.name + (" (default plan)" if cls.default_plan else ""),
            group=cls.group.code,
            group_name=cls.group.name,
            line=cls.group.line_code,
            response_due=cls.calendar.add(now, cls.response_s),
            resolution_due=cls.calendar.add(now, cls.resolution_s),
            offered_to=offered.login if offered else None,
            warnings=cls.warnings,
        )


def _fcr_durations(calendar: BusinessCalendar, created_at: datetime, at: datetime) -> dict:
    business, wall = clocks.took(calendar, created_at, at, 0)
    return {
        "response_business_s": business,
        "response_wall_s": wall,
        "resolution_business_s": business,
        "resolution_wall_s": wall,
    }


def _link_target(s: Session, new: NewTicket) -> m.Ticket | None:
    """The open ticket a new call is linked to, checked."""
    if not new.link_to:
        return None
    if new.link_kind not in (LinkKind.CHILD, LinkKind.DUPLICATE):
        raise Invalid(
            _("a new call links as child or duplicate, not {link_kind!r}").format(
                link_kind=new.link_kind
            )
        )
    key = normalize_key(new.link_to)
    target = s.exec(select(m.Ticket).where(m.Ticket.key == key)).first()
    if target is None:
        raise NotFound(_("no ticket {key}").format(key=key))
    if not target.is_open:
        raise Invalid(
            _("{key} is {status}: link only to an open ticket").format(
                key=key, status=target.status
            )
        )
    return target


def _choice(value: str, enum: type, what: str) -> str:
    try:
        return enum(value.strip().lower()).value
    except ValueError:
        raise Invalid(
            _("unknown {what} {value!r}: use one of {known}").format(
                what=what, value=value, known=", ".join(e.value for e in enum)
            )
        ) from None


def _parties(s: Session, new: NewTicket):
    """Customer, contact, site and asset, checked to belong together."""
    customer = contact = site = asset = None
    if new.customer:
        customer = s.exec(select(m.Customer).where(m.Customer.code == new.customer)).first()
        if customer is None:
            raise NotFound(_("unknown customer {customer!r}").format(customer=new.customer))
    if new.contact_id is not None:
        contact = s.get(m.Contact, new.contact_id)
        if contact is None:
            raise NotFound(_("no contact #{contact_id}").format(contact_id=new.contact_id))
    elif new.contact:
        contact = find_contact(s, new.contact)
    elif new.new_contact is not None:
        contact = _add_contact(s, new.new_contact, customer)
    if contact is not None:
        if customer is not None and contact.customer_id != customer.id:
            raise Invalid(
                _("{name} is not a contact of {name2}").format(
                    name=contact.name, name2=customer.name
                )
            )
        # the contact's customer and site in one round trip; `get` then finds them held
        hold(s, (m.Customer, None if customer else contact.customer_id), (m.Site, contact.site_id))
        customer = customer or s.get(m.Customer, contact.customer_id)
        site = s.get(m.Site, contact.site_id) if contact.site_id else None
    if new.asset:
        asset = s.exec(select(m.Asset).where(m.Asset.tag == new.asset)).first()
        if asset is None:
            raise NotFound(_("unknown asset {asset!r}").format(asset=new.asset))
        if customer is not None and asset.customer_id != customer.id:
            raise Invalid(
                _("asset {tag} does not belong to {name}").format(tag=asset.tag, name=customer.name)
            )
        customer = customer or s.get(m.Customer, asset.customer_id)
        if asset.site_id:
            site = s.get(m.Site, asset.site_id)
    return customer, contact, site, asset


def find_contact(s: Session, text: str) -> m.Contact:
    """A contact by e-mail or phone number (any formatting)."""
    value = text.strip().lower()
    if "@" in value:
        found = s.exec(select(m.Contact).where(m.Contact.email == value)).all()
    else:
        digits = phone_digits(value)
        if len(digits) < 5:
            raise Invalid(_("not an e-mail or a phone number: {text!r}").format(text=text))
        found = s.exec(select(m.Contact).where(m.Contact.phone_digits == digits)).all()
    if not found:
        missing = (
            _("no contact with e-mail {text!r}")
            if "@" in value
            else _("no contact with phone {text!r}")
        )
        raise NotFound(missing.format(text=text.strip()))
    if len(found) > 1:
        raise Invalid(
            _("{found} contacts share {strip!r}: give --contact-id").format(
                found=len(found), strip=text.strip()
            )
        )
    return found[0]


def _add_contact(s: Session, new: NewContact, customer: m.Customer | None) -> m.Contact:
    name = clean_line(new.name)
    if not name:
        raise Invalid(_("the new contact's name is empty"))
    if new.customer:
        customer = s.exec(select(m.Customer).where(m.Customer.code == new.customer)).first()
        if customer is None:
            raise NotFound(_("unknown customer {customer!r}").format(customer=new.customer))
    if customer is None:
        raise Invalid(_("a new contact needs a customer (--customer CODE)"))
    email = clean_line(new.email).lower()
    if email and "@" not in email:
        raise Invalid(_("not an e-mail address: {email!r}").format(email=new.email))
    if not email and not phone_digits(new.phone):
        raise Invalid(_("a new contact needs a phone or an e-mail"))
    site = None
    if new.site:
        site = s.exec(
            select(m.Site).where(m.Site.customer_id == customer.id, m.Site.code == new.site)
        ).first()
        if site is None:
            raise NotFound(
                _("unknown site {site!r} of {code}").format(site=new.site, code=customer.code)
            )
    phone = clean_line(new.phone)
    contact = m.Contact(
        customer_id=customer.id,
        site_id=site.id if site else None,
        name=name,
        phone=phone,
        phone_digits=phone_digits(phone),
        email=email,
        language=customer.language,
        created_at=utcnow(),
        search_text=contact_search_text(
            name,
            email,
            phone,
            site.code if site else "",
            site.name if site else "",
            customer.name,
        ),
    )
    s.add(contact)
    s.flush()
    return contact
