"""Shared by the service and CLI tests: a ticket factory, Moscow instants, store snapshots.

Instants are on the `moscow` calendar (09:00-18:00 Mon-Fri, Russian holidays) in an
ordinary week of March 2025: Fri 14 → Mon 17 spans a weekend, no holiday nearby.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import event, func
from sqlmodel import select

from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.registration import NewTicket, Registered, register
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

MSK = ZoneInfo("Europe/Moscow")
H = 3600

# A contact of each demo customer, by e-mail.
KRAVCHENKO = "s.kravchenko@produkty24.example"  # produkty24 (silver, retail), shop-001
BENNETT = "laura.bennett@northwind.example"  # northwind (bronze, office, English)


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


# Friday 14 March 2025, 10:00 Moscow: a working morning before a weekend.
FRI_10 = msk(2025, 3, 14, 10)


def new_ticket(store: Store, actor: Actor, *, now: datetime = FRI_10, **fields) -> Registered:
    """Register a ticket with sensible defaults: a receipt printer at produkty24's shop 1
    (silver plan, P4, routed to l2-hardware and offered to an engineer there)."""
    fields.setdefault("subject", "Receipt printer does not print")
    fields.setdefault("service", "receipt-printer")
    fields.setdefault("contact", KRAVCHENKO)
    return register(store, actor, NewTicket(**fields), now=now)


@dataclass(frozen=True)
class Counts:
    tickets: int
    events: int
    outbox: int
    contacts: int
    links: int


def counts(store: Store) -> Counts:
    with store.read() as s:

        def n(model) -> int:
            return s.exec(select(func.count()).select_from(model)).one()

        return Counts(n(m.Ticket), n(m.TicketEvent), n(m.Outbox), n(m.Contact), n(m.TicketLink))


def ticket_row(store: Store, key: str) -> m.Ticket:
    with store.read() as s:
        return s.exec(select(m.Ticket).where(m.Ticket.key == key)).one()


def events_of(store: Store, key: str) -> list[m.TicketEvent]:
    with store.read() as s:
        return list(
            s.exec(
                select(m.TicketEvent)
                .join(m.Ticket, m.Ticket.id == m.TicketEvent.ticket_id)
                .where(m.Ticket.key == key)
                .order_by(m.TicketEvent.id)
            ).all()
        )


def outbox(store: Store, key: str | None = None, kind: str | None = None) -> list[m.Outbox]:
    with store.read() as s:
        q = select(m.Outbox).order_by(m.Outbox.id)
        if key is not None:
            q = q.join(m.Ticket, m.Ticket.id == m.Outbox.ticket_id).where(m.Ticket.key == key)
        if kind is not None:
            q = q.where(m.Outbox.kind == kind)
        return list(s.exec(q).all())


def login_of(store: Store, agent_id: int | None) -> str | None:
    if agent_id is None:
        return None
    with store.read() as s:
        return s.get(m.Agent, agent_id).login


class Statements:
    """The SQL statements a block sends (transaction control left out)."""

    def __init__(self, store):
        self.engine = store.engine
        self.sql: list[str] = []

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            self.sql.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)
