"""A ticket's case at an external vendor (line 4), written with the escalation that opens
it: the case number, the promised date, the contact used. The SLA tick records, once, that
a promise passed (`remind`). Our own SLA toward the customer keeps counting meanwhile
(`waiting_vendor` does not pause the clocks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from helpdesk_tui.domain.vocab import EventKind
from helpdesk_tui.i18n import _, localized
from helpdesk_tui.services.agents import SYSTEM_ACTOR, Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.ticket_core import apply, load_for_update, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

BATCH = 200


@dataclass(frozen=True)
class VendorTerms:
    """What escalating to a vendor records: their case number, the instant they promised
    (`2026-11-30` as text: by the end of that day), and who at the vendor was contacted."""

    case: str
    promised: datetime | str | None = None  # text: read in the desk's time zone
    contact: str = ""


def open_case(
    s: Session, ticket: m.Ticket, group_id: int, terms: VendorTerms, actor: Actor, now: datetime
) -> m.VendorCase:
    promised = terms.promised if isinstance(terms.promised, datetime) else None
    row = m.VendorCase(
        ticket_id=ticket.id,
        group_id=group_id,
        case_number=terms.case,
        contact=terms.contact,
        promised_at=promised,
        opened_at=now,
        opened_by_id=actor.id,
        remind_at=promised,
    )
    s.add(row)
    s.flush()
    return row


def close_open(s: Session, ticket_id: int, now: datetime) -> str | None:
    """Close the ticket's open case (it leaves the vendor); its case number, if any."""
    rows = s.exec(
        select(m.VendorCase).where(
            m.VendorCase.ticket_id == ticket_id, m.VendorCase.closed_at.is_(None)
        )
    ).all()
    for row in rows:
        row.closed_at = now
        row.remind_at = None
        s.add(row)
    return rows[-1].case_number if rows else None


def recorded_terms(vendor: str, terms: VendorTerms) -> dict[str, list]:
    """The event's record of a case opened: as the timeline and the audit show it."""
    changes: dict[str, list] = {"vendor": [None, vendor], "vendor_case": [None, terms.case]}
    if isinstance(terms.promised, datetime):
        changes["vendor_promised"] = [None, terms.promised.isoformat()]
    if terms.contact:
        changes["vendor_contact"] = [None, terms.contact]
    return changes


def remind(store: Store, *, now: datetime | None = None, limit: int = 100_000) -> int:
    """Record a `vendor_late` event on each open ticket whose vendor's promise passed,
    once per promise (the case's `remind_at` is cleared in the same transaction)."""
    now = now or utcnow()
    done = 0
    seen: set[int] = set()
    while len(seen) < limit:
        with store.read() as s:
            due = s.exec(
                select(m.VendorCase.id)
                .where(m.VendorCase.remind_at <= now)
                .order_by(m.VendorCase.remind_at)
                .limit(BATCH)
            ).all()
        due = [cid for cid in due if cid not in seen]
        if not due:
            break
        for cid in due:
            seen.add(cid)
            done += _remind_one(store, cid, now)
    return done


def _remind_one(store: Store, case_id: int, now: datetime) -> int:
    with store.write() as s:
        row = s.get(m.VendorCase, case_id)
        if row is None or row.remind_at is None or row.remind_at > now:
            return 0  # another tick got there first
        ticket_key = s.exec(select(m.Ticket.key).where(m.Ticket.id == row.ticket_id)).one()
        t = load_for_update(s, ticket_key)
        claimed = s.execute(
            update(m.VendorCase)
            .where(m.VendorCase.id == case_id, m.VendorCase.remind_at.is_not(None))
            .values(remind_at=None, late_at=now if t.is_open and not row.closed_at else None)
        )
        if claimed.rowcount != 1 or not t.is_open or row.closed_at is not None:
            return 0
        cat = catalog(store, s)
        group = cat.groups.get(row.group_id)
        # the timeline's record, in the language in force when the tick noticed it
        vendor = localized(group) if group else _("the vendor")
        promised = row.promised_at.isoformat() if row.promised_at else ""
        event = apply(
            s,
            SYSTEM_ACTOR,
            t,
            EventKind.VENDOR_LATE,
            {},
            now=now,
            body=_("{vendor} promised case {case} by {promised}").format(
                vendor=vendor, case=row.case_number, promised=promised
            ),
        )
        event.changes = {"vendor_late": [None, row.case_number]}
        s.add(event)
        return 1
