"""Queueing mail in the outbox: customer notices and agent notices.

Messages are written in the same transaction as the change that causes them, so a
notice exists exactly when its change does. Texts come from the notification templates
in `data/templates.toml` (`ack-ru`, `resolved-en`, …) in the recipient's language;
internal notes never reach these texts.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from helpdesk_tui.domain.placeholders import fill
from helpdesk_tui.domain.vocab import priority_label
from helpdesk_tui.services.catalog import Catalog
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import held, hold

_FALLBACK = {
    "ack": (
        "[{{ticket.key}}] {{ticket.subject}}",
        "Your request is registered as {{ticket.key}}. "
        "We will resolve it by {{sla.resolution_due}}.",
    ),
    "resolved": (
        "[{{ticket.key}}] resolved: {{ticket.subject}}",
        "{{resolution}}\n\nIs it solved? Reply yes or no, or rate us 1-5.",
    ),
    "closed": ("[{{ticket.key}}] closed", "{{ticket.key}} is closed."),
    "assigned": ("[{{ticket.key}}] assigned to you", "{{ticket.key}}: {{ticket.subject}}"),
    "at-risk": ("[{{ticket.key}}] SLA at risk", "{{ticket.key}}: {{ticket.subject}}"),
    "breached": ("[{{ticket.key}}] SLA breached", "{{ticket.key}}: {{ticket.subject}}"),
    "supervisor": ("[{{ticket.key}}] needs a supervisor", "{{ticket.key}}: {{ticket.subject}}"),
    "reply": ("[{{ticket.key}}] {{ticket.subject}}", "{{resolution}}"),
    "rule": (
        "[{{ticket.key}}] automation rule: {{ticket.subject}}",
        "{{ticket.key}}: {{ticket.subject}}",
    ),
}


def format_instant(value: datetime | None, tz: str, language: str) -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz))
    return local.strftime("%d.%m.%Y %H:%M" if language == "ru" else "%Y-%m-%d %H:%M %Z")


def hold_parties(session: Session, ticket: m.Ticket) -> None:
    """The ticket's contact, customer, site and asset, read together for `held`."""
    hold(
        session,
        (m.Contact, ticket.contact_id),
        (m.Customer, ticket.customer_id),
        (m.Site, ticket.site_id),
        (m.Asset, ticket.asset_id),
    )


def placeholder_values(
    session: Session,
    cat: Catalog,
    ticket: m.Ticket,
    *,
    language: str = "en",
    agent_name: str = "",
    resolution: str = "",
) -> dict[str, str]:
    """The values for `{{…}}` placeholders, from the ticket and what it points at."""
    service = cat.services.get(ticket.service_id)
    plan = cat.plan_for(ticket.sla_plan_id)
    tz = cat.calendar_of(plan).spec.timezone
    hold_parties(session, ticket)
    contact = held(session, m.Contact, ticket.contact_id)
    customer = held(session, m.Customer, ticket.customer_id)
    site = held(session, m.Site, ticket.site_id)
    asset = held(session, m.Asset, ticket.asset_id)
    service_name = ""
    if service is not None:
        service_name = service.name_ru if language == "ru" and service.name_ru else service.name
    return {
        "ticket.key": ticket.key,
        "ticket.subject": ticket.subject,
        "ticket.priority": priority_label(ticket.priority),
        "ticket.status": ticket.status.replace("_", " "),
        "ticket.service": service_name,
        "contact.name": contact.name if contact else "",
        "contact.phone": contact.phone if contact else "",
        "contact.email": contact.email if contact else "",
        "customer.name": customer.name if customer else "",
        "site.name": site.name if site else "",
        "asset.name": asset.name if asset else "",
        "agent.name": agent_name,
        "sla.response_due": format_instant(ticket.response_due, tz, language),
        "sla.resolution_due": format_instant(ticket.resolution_due, tz, language),
        "resolution": resolution or ticket.resolution,
    }


def _template(session: Session, kind: str, language: str) -> tuple[str, str]:
    """The active template for `kind` in `language`, else in English, else the one
    without a language (read in one statement), else the built-in text."""
    codes = (f"{kind}-{language}", f"{kind}-en", kind)
    rows = session.execute(
        select(m.Template.code, m.Template.subject, m.Template.body).where(
            m.Template.code.in_(codes), m.Template.active
        )
    ).all()
    found = {row.code: row for row in rows}
    for code in codes:
        if (row := found.get(code)) is not None:
            return row.subject or _FALLBACK.get(kind, ("", ""))[0], row.body
    return _FALLBACK.get(kind, ("[{{ticket.key}}]", "{{ticket.key}}"))


def queue_mail(
    session: Session,
    *,
    ticket: m.Ticket | None,
    kind: str,
    to_addr: str,
    to_name: str,
    subject: str,
    body: str,
    language: str,
    now: datetime,
) -> m.Outbox | None:
    if not to_addr:
        return None
    row = m.Outbox(
        ticket_id=ticket.id if ticket else None,
        kind=kind,
        to_addr=to_addr,
        to_name=to_name,
        subject=subject,
        body=body,
        language=language,
        created_at=now,
        next_attempt_at=now,
        message_id=f"<{uuid.uuid4().hex}@helpdesk>",
    )
    session.add(row)
    return row


def notify_customer(
    session: Session,
    cat: Catalog,
    ticket: m.Ticket,
    kind: str,
    *,
    now: datetime,
    body: str = "",
    agent_name: str = "",
) -> m.Outbox | None:
    """Queue a customer notice (`ack`, `resolved`, `closed`, `reply`) to the contact.

    A contact without an e-mail gets none (they are told on the phone); that is not an error.
    """
    hold_parties(session, ticket)
    contact = held(session, m.Contact, ticket.contact_id)
    if contact is None or not contact.email:
        return None
    language = contact.language or "en"
    values = placeholder_values(
        session, cat, ticket, language=language, agent_name=agent_name, resolution=body
    )
    subject_t, body_t = _template(session, kind, language) if kind != "reply" else _FALLBACK[kind]
    text = fill(body_t, values) if kind != "reply" else body
    return queue_mail(
        session,
        ticket=ticket,
        kind=kind,
        to_addr=contact.email,
        to_name=contact.name,
        subject=fill(subject_t, values),
        body=text,
        language=language,
        now=now,
    )


def notify_agent(
    session: Session,
    cat: Catalog,
    ticket: m.Ticket,
    agent: m.Agent,
    kind: str,
    *,
    now: datetime,
    body: str = "",
) -> m.Outbox | None:
    """Queue an agent notice (`assigned`, `at-risk`, `breached`, `supervisor`, `rule`)."""
    language = (agent.languages or ["en"])[0]
    values = placeholder_values(session, cat, ticket, language=language, agent_name=agent.name)
    subject_t, body_t = _template(session, kind, language)
    text = fill(body_t, values)
    if body:
        text = f"{text}\n\n{body}"
    return queue_mail(
        session,
        ticket=ticket,
        kind=kind,
        to_addr=agent.email,
        to_name=agent.name,
        subject=fill(subject_t, values),
        body=text,
        language=language,
        now=now,
    )


def supervisors_of(session: Session, group_id: int) -> list[m.Agent]:
    """The supervisors of a group; all supervisors when the group has none of its own."""
    from helpdesk_tui.domain.vocab import Role

    base = select(m.Agent).where(m.Agent.role == Role.SUPERVISOR, m.Agent.active)
    own = session.exec(
        base.join(m.Membership, m.Membership.agent_id == m.Agent.id).where(
            m.Membership.group_id == group_id
        )
    ).all()
    return list(own) or list(session.exec(base).all())
