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
