"""The queries behind the customer, contact, asset and vendor cards.

A card never reads a whole history: its tickets come a page at a time, newest first, by
keyset on `(created_at, id)` along the party's own index (`ix_ticket_customer`,
`ix_ticket_contact`, `ix_ticket_asset`: party, created_at), and its record (counts, SLA)
is one aggregate over the same range — for a customer on `ix_ticket_customer_record`,
which carries every column the aggregate reads, so it never touches the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from helpdesk_tui.domain import clocks
from helpdesk_tui.store import models as m

T = m.Ticket.__table__.c
VC = m.VendorCase.__table__.c
PARTY_COLUMNS = {"customer": T.customer_id, "contact": T.contact_id, "asset": T.asset_id}
BREACHES = clocks.RESPONSE_BREACH | clocks.RESOLUTION_BREACH

Cursor = tuple[datetime, int]  # (created_at, id) of the last row shown


@dataclass(frozen=True)
class RecordRow:
    total: int
    open: int
    resolved: int
    resolved_in_time: int
    breached: int


def history_page(
    s: Session, party: str, party_id: int, before: Cursor | None, limit: int
) -> list[Any]:
    """The party's tickets newest first, `limit` of them after the cursor."""
    column = PARTY_COLUMNS[party]
    q = (
        select(
            T.id,
            T.key,
            T.created_at,
            T.subject,
            T.status,
            T.priority,
            T.service_id,
            T.group_id,
            T.alerts,
            m.Contact.name.label("contact"),
            m.Asset.tag.label("asset"),
        )
        .select_from(m.Ticket.__table__)
        .join(m.Contact, m.Contact.id == T.contact_id, isouter=True)
        .join(m.Asset, m.Asset.id == T.asset_id, isouter=True)
        .where(column == party_id)
    )
    if before is not None:
        at, tid = before
        q = q.where(or_(T.created_at < at, and_(T.created_at == at, T.id < tid)))
    return list(s.execute(q.order_by(T.created_at.desc(), T.id.desc()).limit(limit)).all())


def record(s: Session, party: str, party_id: int) -> RecordRow:
    """Counts and the SLA record over every ticket of the party, in one aggregate."""
    column = PARTY_COLUMNS[party]
    resolved = T.resolved_at.is_not(None)
    row = s.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((T.is_open, 1), else_=0)), 0),
            func.coalesce(func.sum(case((resolved, 1), else_=0)), 0),
            func.coalesce(
                func.sum(case((and_(resolved, T.resolved_at <= T.resolution_due), 1), else_=0)),
                0,
            ),
            func.coalesce(func.sum(case((T.alerts.op("&")(BREACHES) != 0, 1), else_=0)), 0),
        ).where(column == party_id)
    ).one()
    return RecordRow(*(int(v) for v in row))


def contacts_of(s: Session, customer_id: int, limit: int) -> tuple[list[Any], int]:
    rows = s.execute(
        select(
            m.Contact.id,
            m.Contact.name,
            m.Contact.phone,
            m.Contact.email,
            m.Contact.active,
            m.Site.code,
        )
        .join(m.Site, m.Site.id == m.Contact.site_id, isouter=True)
        .where(m.Contact.customer_id == customer_id)
        .order_by(m.Contact.name, m.Contact.id)
        .limit(limit)
    ).all()
    total = s.execute(
        select(func.count()).select_from(m.Contact).where(m.Contact.customer_id == customer_id)
    ).scalar_one()
    return list(rows), total


def assets_of(s: Session, customer_id: int, limit: int) -> tuple[list[Any], int]:
    rows = s.execute(
        select(m.Asset, m.Site.code, m.Site.name)
        .join(m.Site, m.Site.id == m.Asset.site_id, isouter=True)
        .where(m.Asset.customer_id == customer_id)
        .order_by(m.Asset.tag)
        .limit(limit)
    ).all()
    total = s.execute(
        select(func.count()).select_from(m.Asset).where(m.Asset.customer_id == customer_id)
    ).scalar_one()
    return list(rows), total


def sites_of(s: Session, customer_id: int, limit: int) -> list[m.Site]:
    return list(
        s.execute(
            select(m.Site)
            .where(m.Site.customer_id == customer_id)
            .order_by(m.Site.code)
            .limit(limit)
        ).scalars()
    )


def contracts_of(s: Session, customer_id: int) -> list[m.Contract]:
    return list(
        s.execute(
            select(m.Contract)
            .where(m.Contract.customer_id == customer_id)
            .order_by(m.Contract.valid_from.desc(), m.Contract.code)
        ).scalars()
    )


def customers_matching(s: Session, words: str, limit: int) -> list[tuple[str, str]]:
    """(code, name) of customers whose code or name contains `words`, any case (the
    palette). Names are Unicode (SQLite's LIKE folds ASCII only), so the two short
    columns are streamed in name order and matched here; a desk has hundreds of
    customers, not millions."""
    needle = words.strip().casefold()
    found: list[tuple[str, str]] = []
    rows = s.execute(
        select(m.Customer.code, m.Customer.name)
        .order_by(m.Customer.name)
        .execution_options(yield_per=500)
    )
    for code, name in rows:
        if needle in code.casefold() or needle in name.casefold():
            found.append((code, name))
            if len(found) >= limit:
                break
    return found


# -- vendors --------------------------------------------------------------------------------


def late_cases(s: Session, now: datetime, limit: int, group_id: int | None = None) -> list[Any]:
    """Open cases of open tickets whose vendor's promise has passed, most overdue first
    (`ix_vendor_case_open`: closed_at IS NULL, promised_at < now)."""
    q = (
        select(
            VC.case_number,
            VC.promised_at,
            VC.contact,
            VC.group_id,
            T.key,
            T.subject,
            T.status,
            T.resolution_due,
        )
        .select_from(m.VendorCase.__table__)
        .join(m.Ticket, m.Ticket.id == VC.ticket_id)
        .where(VC.closed_at.is_(None), VC.promised_at < now, T.is_open)
    )
    if group_id is not None:
        q = q.where(VC.group_id == group_id)
    return list(s.execute(q.order_by(VC.promised_at, VC.id).limit(limit)).all())


def count_late(s: Session, now: datetime, group_id: int | None = None) -> int:
    q = (
        select(func.count())
        .select_from(m.VendorCase.__table__)
        .join(m.Ticket, m.Ticket.id == VC.ticket_id)
        .where(VC.closed_at.is_(None), VC.promised_at < now, T.is_open)
    )
    if group_id is not None:
        q = q.where(VC.group_id == group_id)
    return s.execute(q).scalar_one()


def vendor_cases(
    s: Session, group_id: int, before: tuple[datetime, int] | None, limit: int
) -> list[Any]:
    """A vendor's cases, newest first, by keyset on `(opened_at, id)`."""
    q = (
        select(
            VC.id,
            VC.case_number,
            VC.promised_at,
            VC.contact,
            VC.opened_at,
            VC.closed_at,
            VC.late_at,
            T.key,
            T.subject,
            T.status,
            T.is_open,
        )
        .select_from(m.VendorCase.__table__)
        .join(m.Ticket, m.Ticket.id == VC.ticket_id)
        .where(VC.group_id == group_id)
    )
    if before is not None:
        at, cid = before
        q = q.where(or_(VC.opened_at < at, and_(VC.opened_at == at, VC.id < cid)))
    return list(s.execute(q.order_by(VC.opened_at.desc(), VC.id.desc()).limit(limit)).all())


def vendor_counts(s: Session, group_id: int) -> tuple[int, int]:
    """(cases, still open: not closed, on a ticket still open) of a vendor."""
    still_open = and_(VC.closed_at.is_(None), T.is_open)
    total, open_ = s.execute(
        select(func.count(), func.coalesce(func.sum(case((still_open, 1), else_=0)), 0))
        .select_from(m.VendorCase.__table__)
        .join(m.Ticket, m.Ticket.id == VC.ticket_id)
        .where(VC.group_id == group_id)
    ).one()
    return int(total), int(open_)


def case_of_ticket(s: Session, ticket_id: int) -> m.VendorCase | None:
    """The ticket's latest vendor case (`ix_vendor_case_ticket`)."""
    return s.execute(
        select(m.VendorCase)
        .where(m.VendorCase.ticket_id == ticket_id)
        .order_by(m.VendorCase.id.desc())
        .limit(1)
    ).scalar_one_or_none()
