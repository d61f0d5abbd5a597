"""Reading what intake and the sender left in the store, as a person would look at it."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store


def tickets(store: Store) -> list[m.Ticket]:
    with store.read() as s:
        return list(s.exec(select(m.Ticket).order_by(m.Ticket.id)).all())


def count(store: Store, model) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def mail_rows(store: Store) -> list[m.MailMessage]:
    with store.read() as s:
        return list(s.exec(select(m.MailMessage).order_by(m.MailMessage.id)).all())


def attachments(store: Store) -> list[m.Attachment]:
    with store.read() as s:
        return list(s.exec(select(m.Attachment).order_by(m.Attachment.id)).all())


def contact(store: Store, contact_id: int) -> tuple[m.Contact, m.Customer]:
    with store.read() as s:
        c = s.get(m.Contact, contact_id)
        return c, s.get(m.Customer, c.customer_id)


def service_code(store: Store, service_id: int) -> str:
    with store.read() as s:
        return s.get(m.Service, service_id).code


def links(store: Store) -> list[tuple[str, str, str]]:
    with store.read() as s:
        rows = s.exec(select(m.TicketLink)).all()
        return [
            (s.get(m.Ticket, r.ticket_id).key, s.get(m.Ticket, r.other_id).key, r.kind)
            for r in rows
        ]
