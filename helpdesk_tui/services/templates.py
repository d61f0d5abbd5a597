"""Templates for replies and resolutions: the ones that fit a ticket, filled for it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from helpdesk_tui.domain.placeholders import fill
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.notify import placeholder_values
from helpdesk_tui.services.ticket_core import normalize_key
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store


@dataclass(frozen=True)
class TemplateChoice:
    code: str
    name: str
    language: str
    kind: str
    body: str  # filled for the ticket
    use_count: int


def for_ticket(
    store: Store, actor: Actor, key: str, kinds: tuple[str, ...] = ("reply", "resolution")
) -> list[TemplateChoice]:
    """Templates scoped to the ticket's service and line, filled from the ticket, in the
    contact's language first, most used first."""
    with store.read() as s:
        cat = catalog(store, s)
        t = s.exec(select(m.Ticket).where(m.Ticket.key == normalize_key(key))).one()
        service = cat.services[t.service_id].code
        line = cat.lines[t.line_id].code
        contact = s.get(m.Contact, t.contact_id) if t.contact_id else None
        language = contact.language if contact else "ru"
        rows = s.exec(select(m.Template).where(m.Template.active, m.Template.kind.in_(kinds))).all()
        out = []
        for row in rows:
            if row.services and service not in row.services:
                continue
            if row.lines and line not in row.lines:
                continue
            values = placeholder_values(s, cat, t, language=row.language, agent_name=actor.name)
            out.append(
                TemplateChoice(
                    row.code,
                    row.name,
                    row.language,
                    row.kind,
                    fill(row.body, values),
                    row.use_count,
                )
            )
        out.sort(key=lambda c: (c.language != language, -c.use_count, c.name))
        return out


def for_call(
    store: Store,
    actor: Actor,
    service: str,
    kinds: tuple[str, ...] = ("resolution", "reply"),
    *,
    language: str = "ru",
    contact_id: int | None = None,
    line: str = "L1",
) -> list[TemplateChoice]:
    """Templates for a call not registered yet (solved on first contact): what is known
    (the caller, the agent) is filled in now; the rest (the key, the deadlines) when the
    ticket is registered."""
    with store.read() as s:
        contact = s.get(m.Contact, contact_id) if contact_id else None
        customer = s.get(m.Customer, contact.customer_id) if contact else None
        site = s.get(m.Site, contact.site_id) if contact and contact.site_id else None
        values = {
            "contact.name": contact.name if contact else "",
            "contact.phone": contact.phone if contact else "",
            "contact.email": contact.email if contact else "",
            "customer.name": customer.name if customer else "",
            "site.name": site.name if site else "",
            "agent.name": actor.name,
        }
        rows = s.exec(select(m.Template).where(m.Template.active, m.Template.kind.in_(kinds))).all()
        out = [
            TemplateChoice(
                row.code,
                row.name,
                row.language,
                row.kind,
                fill_known(row.body, values),
                row.use_count,
            )
            for row in rows
            if (not row.services or service in row.services)
            and (not row.lines or line in row.lines)
        ]
        out.sort(key=lambda c: (c.language != language, -c.use_count, c.name))
        return out


def fill_known(body: str, values: dict[str, str]) -> str:
    """Fill only the placeholders in `values`; leave the others for later."""
    from helpdesk_tui.domain.placeholders import names_in

    for name in set(names_in(body)) & set(values):
        body = fill_one(body, name, values[name])
    return body


def fill_one(body: str, name: str, value: str) -> str:
    import re

    return re.sub(r"\{\{\s*" + re.escape(name) + r"\s*\}\}", lambda _m: value, body)
