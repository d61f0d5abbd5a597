"""Finding the caller as the dispatcher types, and what the desk knows about them.

Look-up: every word of what was typed (a phone number in any formatting, a name, an
e-mail, a shop number or site) must occur in the contact's folded `search_text`; a
trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) finds up to 200 candidates in a
few milliseconds on 100,000 contacts, and they are ranked here: exact phone, then phone
and e-mail prefixes, then name-word prefixes, then anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, text
from sqlmodel import Session, select

from helpdesk_tui.domain.contracts import PlanChoice
from helpdesk_tui.domain.text import phone_digits
from helpdesk_tui.domain.vocab import priority_label
from helpdesk_tui.i18n import _
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.contract_plans import contracts_of, plan_choice
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

CANDIDATES = 200
MASS_INCIDENT_HOURS = 6


@dataclass(frozen=True)
class ContactMatch:
    id: int
    name: str
    phone: str
    email: str
    customer_code: str
    customer: str
    site_code: str
    site: str
    language: str


@dataclass(frozen=True)
class TicketBrief:
    key: str
    subject: str
    status: str
    priority: str
    created_at: datetime
    asset: str
    site: str
    contact: str
    group: str


@dataclass(frozen=True)
class CallerContext:
    contact: ContactMatch
    plan: str
    usual_service: str | None
    open_tickets: tuple[TicketBrief, ...]
    recent_closed: tuple[TicketBrief, ...]
    nearby: tuple[TicketBrief, ...]  # open on the same site in the last hours: a mass incident?
    assets: tuple[tuple[str, str, str | None], ...]  # (tag, name, service code)


_WORD = re.compile(r"[\w@.+-]+", re.UNICODE)


def _terms(query: str) -> list[str]:
    """Search words: a phone typed with spaces and dashes becomes one run of digits."""
    q = query.strip().casefold()
    if not q:
        return []
    only_phone = re.fullmatch(r"[\d\s()+\-.]+", q)
    if only_phone:
        digits = "".join(ch for ch in q if "0" <= ch <= "9")
        if len(digits) >= 4 and digits[0] == "8":
            digits = "7" + digits[1:]  # a Russian trunk prefix: 8 916… is +7 916…
        return [digits] if digits else []
    return [w for w in _WORD.findall(q)][:6]


def lookup(store: Store, query: str, limit: int = 8) -> list[ContactMatch]:
    """The contacts matching what was typed so far, best first."""
    terms = _terms(query)
    if not terms or max(len(t) for t in terms) < 2:
        return []
    with store.read() as s:
        ids = _candidates(s, terms)
        if not ids:
            return []
        rows = s.exec(
            select(m.Contact, m.Customer.code, m.Customer.name, m.Site.code, m.Site.name)
            .join(m.Customer, m.Customer.id == m.Contact.customer_id)
            .join(m.Site, m.Site.id == m.Contact.site_id, isouter=True)
            .where(m.Contact.id.in_(ids), m.Contact.active)
        ).all()
    scored = sorted(rows, key=lambda r: (-_score(r[0], terms), r[0].name, r[0].id))
    return [
        ContactMatch(
            c.id, c.name, c.phone, c.email, cust_code, cust, site_code or "", site or "", c.language
        )
        for c, cust_code, cust, site_code, site in scored[:limit]
    ]


def _candidates(s: Session, terms: list[str]) -> list[int]:
    long_terms = [t for t in terms if len(t) >= 3]
    if s.get_bind().dialect.name == "sqlite":
        if long_terms:
            match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
            ids = [
                r[0]
                for r in s.execute(
                    text("SELECT rowid FROM contact_search WHERE contact_search MATCH :q LIMIT :n"),
                    {"q": match, "n": CANDIDATES * 5},
                )
            ]
        else:
            ids = [
                r[0]
                for r in s.execute(
                    select(m.Contact.id)
                    .where(m.Contact.search_text.like(f"%{terms[0]}%"))
                    .limit(CANDIDATES * 5)
                )
            ]
        if not ids:
            return []
        # two-letter words filter the candidates (the trigram index cannot)
        short = [t for t in terms if len(t) < 3]
        if short:
            q = select(m.Contact.id).where(m.Contact.id.in_(ids))
            for t in short:
                q = q.where(m.Contact.search_text.like(f"%{_escape(t)}%", escape="\\"))
            ids = list(s.exec(q).all())
        return ids[:CANDIDATES]
    q = select(m.Contact.id)
    for t in terms:
        q = q.where(m.Contact.search_text.like(f"%{_escape(t)}%", escape="\\"))
    return list(s.exec(q.limit(CANDIDATES)).all())


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _score(c: m.Contact, terms: list[str]) -> int:
    score = 0
    digits_q = [t for t in terms if t.isdigit()]
    for t in digits_q:
        normal = phone_digits(t)
        if normal and c.phone_digits == normal:
            score += 100
        elif c.phone_digits.startswith(normal) or c.phone_digits.endswith(t):
            score += 40
        elif t in c.phone_digits:
            score += 15
    name_words = c.name.casefold().split()
    for t in terms:
        if c.email.startswith(t):
            score += 35
        if any(w.startswith(t) for w in name_words):
            score += 30 if name_words and name_words[0].startswith(t) else 25
        elif t in c.name.casefold():
            score += 10
    return score


def _brief(s: Session, cat, rows) -> tuple[TicketBrief, ...]:
    out = []
    for t, asset, site, contact in rows:
        group = cat.groups.get(t.group_id)
        out.append(
            TicketBrief(
                t.key,
                t.subject,
                t.status,
                priority_label(t.priority),
                t.created_at,
                asset or "",
                site or "",
                contact or "",
                group.code if group else "",
            )
        )
    return tuple(out)


def _tickets(extra_where, order, limit):
    return (
        select(m.Ticket, m.Asset.name, m.Site.name, m.Contact.name)
        .join(m.Asset, m.Asset.id == m.Ticket.asset_id, isouter=True)
        .join(m.Site, m.Site.id == m.Ticket.site_id, isouter=True)
        .join(m.Contact, m.Contact.id == m.Ticket.contact_id, isouter=True)
        .where(*extra_where)
        .order_by(order)
        .limit(limit)
    )


def context(store: Store, contact_id: int, *, now: datetime | None = None) -> CallerContext:
    """The caller's open tickets, their last closed ones, and open tickets on their site
    from the last hours (a possible mass incident to link to instead of duplicating)."""
    now = now or utcnow()
    with store.read() as s:
        cat = catalog(store, s)
        row = s.exec(
            select(m.Contact, m.Customer, m.Site)
            .join(m.Customer, m.Customer.id == m.Contact.customer_id)
            .join(m.Site, m.Site.id == m.Contact.site_id, isouter=True)
            .where(m.Contact.id == contact_id)
        ).one()
        contact, customer, site = row
        T = m.Ticket
        open_rows = s.exec(
            _tickets((T.contact_id == contact_id, T.is_open), T.created_at.desc(), 10)
        ).all()
        closed_rows = s.exec(
            _tickets((T.contact_id == contact_id, T.is_open.is_(False)), T.created_at.desc(), 5)
        ).all()
        nearby_rows = []
        if site is not None:
            since = now - timedelta(hours=MASS_INCIDENT_HOURS)
            nearby_rows = s.exec(
                _tickets(
                    (
                        T.site_id == site.id,
                        T.created_at >= since,
                        T.is_open,
                        or_(T.contact_id.is_(None), T.contact_id != contact_id),
                    ),
                    T.created_at.desc(),
                    10,
                )
            ).all()
        assets = s.exec(
            select(m.Asset.tag, m.Asset.name, m.Service.code)
            .join(m.Service, m.Service.id == m.Asset.service_id, isouter=True)
            .where(
                m.Asset.customer_id == customer.id,
                m.Asset.active,
                or_(m.Asset.site_id == (site.id if site else -1), m.Asset.site_id.is_(None)),
            )
            .order_by(m.Asset.name)
        ).all()
        usual = (
            cat.services.get(customer.default_service_id) if customer.default_service_id else None
        )
        plan, choice = plan_choice(
            cat, customer, usual.code if usual else "", contracts_of(s, customer), now
        )
        return CallerContext(
            contact=ContactMatch(
                contact.id,
                contact.name,
                contact.phone,
                contact.email,
                customer.code,
                customer.name,
                site.code if site else "",
                site.name if site else "",
                contact.language,
            ),
            plan=_plan_text(plan.name, choice, usual is not None),
            usual_service=usual.code if usual else None,
            open_tickets=_brief(s, cat, open_rows),
            recent_closed=_brief(s, cat, closed_rows),
            nearby=_brief(s, cat, nearby_rows),
            assets=tuple((tag, name, code) for tag, name, code in assets),
        )


def _plan_text(name: str, choice: PlanChoice, by_service: bool) -> str:
    """The plan as the caller's card shows it; without a usual service the contract may
    still cover the service the dispatcher picks, which the preview then says."""
    if choice.reason is None:
        return name
    if not by_service and choice.why == "not_covered":
        return _("by contract, per service")
    return _("{plan} (default: {reason})").format(plan=name, reason=choice.reason)


def count(store: Store) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(m.Contact)).one()


def customers(store: Store) -> list[tuple[str, str]]:
    """(code, name) of active customers, for adding a caller inline."""
    with store.read() as s:
        return [
            (c, n)
            for c, n in s.exec(
                select(m.Customer.code, m.Customer.name)
                .where(m.Customer.active)
                .order_by(m.Customer.name)
            )
        ]
