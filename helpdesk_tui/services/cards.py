"""Cards: a customer, a contact or an asset on one screen — who they are, what they have,
what they bought, and every interaction with them, newest first, with counts and the SLA
record. Histories come a page at a time (`history`), never all at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from helpdesk_tui.domain.contracts import Terms, state_on
from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.vocab import priority_label
from helpdesk_tui.i18n import _
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, catalog
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import card_queries as q
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

PAGE = 30  # history rows a page
LISTED = 100  # contacts and assets listed on a customer's card (the total is said)
PARTIES = tuple(q.PARTY_COLUMNS)


@dataclass(frozen=True)
class HistoryRow:
    key: str
    created_at: datetime
    subject: str
    status: str
    priority: str
    service: str
    group: str
    contact: str
    asset: str
    breached: bool


@dataclass(frozen=True)
class HistoryPage:
    rows: tuple[HistoryRow, ...]
    next: q.Cursor | None  # where the next page starts; None: that was the last


@dataclass(frozen=True)
class Record:
    total: int
    open: int
    resolved: int
    resolved_in_time: int
    breached: int

    @property
    def within_sla(self) -> float | None:
        """Share of the resolved tickets resolved by their deadline (None: none resolved)."""
        return self.resolved_in_time / self.resolved if self.resolved else None

    def line(self) -> str:
        share = f"{self.within_sla:.0%}" if self.within_sla is not None else "—"
        return _(
            "{open} open of {total} · resolved within SLA {share} "
            "({in_time} of {resolved}) · {breached} breached"
        ).format(
            open=self.open,
            total=self.total,
            share=share,
            in_time=self.resolved_in_time,
            resolved=self.resolved,
            breached=self.breached,
        )


@dataclass(frozen=True)
class ContractRow:
    code: str
    name: str
    plan: str
    services: tuple[str, ...]  # empty: every service
    valid_from: date
    valid_to: date | None
    state: str  # valid | expired | future
    active: bool


@dataclass(frozen=True)
class SiteRow:
    code: str
    name: str
    address: str


@dataclass(frozen=True)
class ContactRow:
    id: int
    name: str
    phone: str
    email: str
    site: str
    active: bool


@dataclass(frozen=True)
class AssetRow:
    tag: str
    name: str
    model: str
    serial: str
    site: str
    site_name: str
    service: str
    warranty_end: date | None
    contract_end: date | None  # the end of the valid contract covering its service
    active: bool


@dataclass(frozen=True)
class CustomerCard:
    id: int
    code: str
    name: str
    segment: str
    language: str
    active: bool
    contracts: tuple[ContractRow, ...]
    sites: tuple[SiteRow, ...]
    contacts: tuple[ContactRow, ...]
    contacts_total: int
    assets: tuple[AssetRow, ...]
    assets_total: int
    record: Record
    history: HistoryPage


@dataclass(frozen=True)
class ContactCard:
    id: int
    name: str
    phone: str
    email: str
    language: str
    active: bool
    customer: str
    customer_name: str
    site: str
    record: Record
    history: HistoryPage


@dataclass(frozen=True)
class AssetCard:
    id: int
    tag: str
    name: str
    model: str
    serial: str
    service: str
    site: str
    site_name: str
    customer: str
    customer_name: str
    warranty_end: date | None
    contract_end: date | None
    active: bool
    record: Record
    history: HistoryPage


# -- the cards --------------------------------------------------------------------------------


@guarded("card.view")
def customer_card(
    store: Store, actor: Actor, code: str, *, page: int = PAGE, now: datetime | None = None
) -> CustomerCard:
    now = now or utcnow()
    with store.read() as s:
        cat = catalog(store, s)
        c = s.exec(select(m.Customer).where(m.Customer.code == code.strip())).first()
        if c is None:
            raise NotFound(_("unknown customer {code!r}").format(code=code))
        today = _today(cat, now)
        contracts = [_contract(cat, row, today) for row in q.contracts_of(s, c.id)]
        contact_rows, contacts_total = q.contacts_of(s, c.id, LISTED)
        asset_rows, assets_total = q.assets_of(s, c.id, LISTED)
        return CustomerCard(
            id=c.id,
            code=c.code,
            name=c.name,
            segment=c.segment,
            language=c.language,
            active=c.active,
            contracts=tuple(contracts),
            sites=tuple(SiteRow(x.code, x.name, x.address) for x in q.sites_of(s, c.id, LISTED)),
            contacts=tuple(
                ContactRow(cid, name, phone, email, site or "", active)
                for cid, name, phone, email, active, site in contact_rows
            ),
            contacts_total=contacts_total,
            assets=tuple(
                _asset(cat, a, site or "", site_name or "", contracts, today)
                for a, site, site_name in asset_rows
            ),
            assets_total=assets_total,
            record=Record(**vars(q.record(s, "customer", c.id))),
            history=_page(s, cat, "customer", c.id, None, page),
        )


@guarded("card.view")
def contact_card(store: Store, actor: Actor, contact_id: int, *, page: int = PAGE) -> ContactCard:
    with store.read() as s:
        cat = catalog(store, s)
        c = s.get(m.Contact, contact_id)
        if c is None:
            raise NotFound(_("no contact #{contact_id}").format(contact_id=contact_id))
        customer = s.get(m.Customer, c.customer_id)
        site = s.get(m.Site, c.site_id) if c.site_id else None
        return ContactCard(
            id=c.id,
            name=c.name,
            phone=c.phone,
            email=c.email,
            language=c.language,
            active=c.active,
            customer=customer.code if customer else "",
            customer_name=customer.name if customer else "",
            site=site.name if site else "",
            record=Record(**vars(q.record(s, "contact", c.id))),
            history=_page(s, cat, "contact", c.id, None, page),
        )


@guarded("card.view")
def asset_card(
    store: Store, actor: Actor, tag: str, *, page: int = PAGE, now: datetime | None = None
) -> AssetCard:
    now = now or utcnow()
    with store.read() as s:
        cat = catalog(store, s)
        a = s.exec(select(m.Asset).where(m.Asset.tag == tag.strip())).first()
        if a is None:
            raise NotFound(_("unknown asset {tag!r}").format(tag=tag))
        customer = s.get(m.Customer, a.customer_id)
        site = s.get(m.Site, a.site_id) if a.site_id else None
        today = _today(cat, now)
        contracts = [_contract(cat, row, today) for row in q.contracts_of(s, a.customer_id)]
        row = _asset(cat, a, site.code if site else "", site.name if site else "", contracts, today)
        return AssetCard(
            id=a.id,
            tag=a.tag,
            name=a.name,
            model=a.model,
            serial=a.serial,
            service=row.service,
            site=row.site,
            site_name=row.site_name,
            customer=customer.code if customer else "",
            customer_name=customer.name if customer else "",
            warranty_end=a.warranty_end,
            contract_end=row.contract_end,
            active=a.active,
            record=Record(**vars(q.record(s, "asset", a.id))),
            history=_page(s, cat, "asset", a.id, None, page),
        )


@guarded("card.view")
def history(
    store: Store,
    actor: Actor,
    party: str,
    party_id: int,
    *,
    after: q.Cursor | None = None,
    page: int = PAGE,
) -> HistoryPage:
    """The next page of a card's history, after the cursor the last page gave."""
    if party not in PARTIES:
        raise Invalid(
            _("unknown kind of card {party!r}: {PARTIES}").format(
                party=party, PARTIES=", ".join(PARTIES)
            )
        )
    with store.read() as s:
        return _page(s, catalog(store, s), party, party_id, after, page)


def find_customers(store: Store, words: str, *, limit: int = 8) -> list[tuple[str, str]]:
    """(code, name) of customers whose code or name contains the words: the palette."""
    if not words.strip():
        return []
    with store.read() as s:
        return q.customers_matching(s, words, limit)


# -- pieces -----------------------------------------------------------------------------------


def _today(cat: Catalog, now: datetime) -> date:
    return now.astimezone(ZoneInfo(cat.calendar_of(cat.plan_for(None)).spec.timezone)).date()


def _contract(cat: Catalog, c: m.Contract, today: date) -> ContractRow:
    plan = cat.plans.get(c.sla_plan_id)
    terms = Terms(c.code, c.name, c.sla_plan_id, tuple(c.services), c.valid_from, c.valid_to)
    return ContractRow(
        c.code,
        c.name,
        plan.code if plan else "?",
        tuple(c.services),
        c.valid_from,
        c.valid_to,
        state_on(terms, today),
        c.active,
    )


def _asset(
    cat: Catalog,
    a: m.Asset,
    site: str,
    site_name: str,
    contracts: list[ContractRow],
    today: date,
) -> AssetRow:
    service = cat.services.get(a.service_id) if a.service_id else None
    code = service.code if service else ""
    covering = [
        c
        for c in contracts
        if c.active and c.state == "valid" and (not c.services or code in c.services)
    ]
    ends = [c.valid_to for c in covering]
    contract_end = None if not ends or None in ends else max(e for e in ends if e is not None)
    return AssetRow(
        a.tag,
        a.name,
        a.model,
        a.serial,
        site,
        site_name,
        code,
        a.warranty_end,
        contract_end,
        a.active,
    )


def _page(
    s: Session, cat: Catalog, party: str, party_id: int, after: q.Cursor | None, page: int
) -> HistoryPage:
    page = max(1, min(page, 500))
    rows = q.history_page(s, party, party_id, after, page + 1)
    more = len(rows) > page
    rows = rows[:page]
    out = tuple(
        HistoryRow(
            key=r.key,
            created_at=r.created_at,
            subject=r.subject,
            status=r.status,
            priority=priority_label(r.priority),
            service=cat.services[r.service_id].code if r.service_id in cat.services else "?",
            group=cat.groups[r.group_id].code if r.group_id in cat.groups else "?",
            contact=r.contact or "",
            asset=r.asset or "",
            breached=bool(r.alerts & q.BREACHES),
        )
        for r in rows
    )
    last = rows[-1] if rows else None
    return HistoryPage(out, (last.created_at, last.id) if more and last is not None else None)
