"""Customers, contacts and assets in and out as CSV (`helpdesk import|export …`).

Import upserts by natural key — a customer by `code`, an asset by `tag`, a contact by its
customer and e-mail (or, without an e-mail, its phone's digits) — in one transaction.
Every row is checked first; if any is bad nothing is written unless `skip_bad`, and a dry
run writes nothing at all but says, row by row, what would be created or updated.
Export writes the same columns, so exporting and importing the result changes nothing
(text a spreadsheet would run as a formula is written with a leading apostrophe, which the
import takes off: `domain.csv_formulas`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from sqlmodel import Session, select

from helpdesk_tui.domain.csv_formulas import defuse_row
from helpdesk_tui.domain.csv_rows import (
    COLUMNS,
    NEEDED_TO_CREATE,
    BadCell,
    BadRow,
    Parsed,
    Row,
    day,
    flag,
    parse,
)
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.text import contact_search_text, phone_digits
from helpdesk_tui.i18n import _, n_
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

EXPORT_PAGE = 1000
MODELS = {"customers": m.Customer, "contacts": m.Contact, "assets": m.Asset}


@dataclass(frozen=True)
class Outcome:
    row: int
    action: str  # created | updated | unchanged
    key: str
    fields: tuple[str, ...] = ()  # what an update changes


@dataclass(frozen=True)
class ImportReport:
    kind: str
    outcomes: tuple[Outcome, ...]
    bad: tuple[BadRow, ...]
    dry_run: bool
    written: bool

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)


class BadRows(Invalid):
    """Some rows are bad and `skip_bad` was not given: nothing was written."""

    def __init__(self, report: ImportReport):
        n = len(report.bad)
        super().__init__(
            n_(
                "{n} bad row: nothing written (--skip-bad imports the others)",
                "{n} bad rows: nothing written (--skip-bad imports the others)",
                n,
            ).format(n=n)
        )
        self.report = report


@dataclass
class _Plan:
    row: Row
    action: str
    key: str
    existing: Any  # the row to update, or None
    values: dict[str, Any]
    fields: tuple[str, ...]


@guarded("customer.import")
def import_csv(
    store: Store,
    actor: Actor,
    kind: str,
    data: bytes,
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
) -> ImportReport:
    parsed = parse(kind, data)
    if dry_run:
        with store.read() as s:
            plans, bad = _plan(s, parsed)
            return _report(kind, plans, bad, dry_run=True, written=False)
    with store.write() as s:
        plans, bad = _plan(s, parsed)
        report = _report(kind, plans, bad, dry_run=False, written=True)
        if bad and not skip_bad:
            raise BadRows(_report(kind, plans, bad, dry_run=False, written=False))
        _apply(s, kind, plans)
        return report


def _report(kind: str, plans: list[_Plan], bad: list[BadRow], **kw: bool) -> ImportReport:
    outcomes = tuple(Outcome(p.row.number, p.action, p.key, p.fields) for p in plans)
    return ImportReport(kind, outcomes, tuple(sorted(bad, key=lambda b: b.number)), **kw)


# -- planning: what each row would do ----------------------------------------------------------


class _Refs:
    """Codes to ids, read once per import."""

    def __init__(self, s: Session):
        self.s = s
        self.plans = {c: i for c, i in s.exec(select(m.SlaPlan.code, m.SlaPlan.id))}
        self.services = {c: i for c, i in s.exec(select(m.Service.code, m.Service.id))}
        self.customers = {c.code: c for c in s.exec(select(m.Customer))}
        self._sites: dict[int, dict[str, m.Site]] = {}

    def plan(self, code: str) -> int | None:
        if not code:
            return None
        if code not in self.plans:
            raise BadCell(_("plan: unknown SLA plan {code!r}").format(code=code))
        return self.plans[code]

    def service(self, code: str) -> int | None:
        if not code:
            return None
        if code not in self.services:
            raise BadCell(_("service: unknown service {code!r}").format(code=code))
        return self.services[code]

    def customer(self, code: str) -> m.Customer:
        if code not in self.customers:
            raise BadCell(
                _("customer: unknown customer {code!r} (import customers first)").format(code=code)
            )
        return self.customers[code]

    def sites(self, customer_id: int) -> dict[str, m.Site]:
        if customer_id not in self._sites:
            rows = self.s.exec(select(m.Site).where(m.Site.customer_id == customer_id))
            self._sites[customer_id] = {site.code: site for site in rows}
        return self._sites[customer_id]

    def site(self, customer: m.Customer, code: str) -> m.Site | None:
        if not code:
            return None
        site = self.sites(customer.id).get(code)
        if site is None:
            raise BadCell(
                _("site: {code} has no site {code2!r}").format(code=customer.code, code2=code)
            )
        return site


def _plan(s: Session, parsed: Parsed) -> tuple[list[_Plan], list[BadRow]]:
    refs = _Refs(s)
    plans: list[_Plan] = []
    bad = list(parsed.bad)
    build = {"customers": _customer, "contacts": _contact, "assets": _asset}[parsed.kind]
    for row in parsed.rows:
        try:
            key, existing, values = build(s, refs, row)
            if existing is None:
                missing = [c for c in NEEDED_TO_CREATE[parsed.kind] if not row.get(c)]
                if missing:
                    raise BadCell(
                        _("{missing} is empty (needed to create {key})").format(
                            missing=missing[0], key=key
                        )
                    )
                plans.append(_Plan(row, "created", key, None, values, ()))
                continue
            fields = tuple(n for n, v in values.items() if getattr(existing, n) != v)
            shown = tuple(f for f in fields if f not in ("search_text", "phone_digits"))
            action = "updated" if fields else "unchanged"
            plans.append(_Plan(row, action, key, existing, values, shown))
        except BadCell as exc:
            bad.append(BadRow(row.number, str(exc)))
    return plans, bad


def _given(row: Row, name: str) -> bool:
    return name in row.values


def _customer(s: Session, refs: _Refs, row: Row) -> tuple[str, Any, dict[str, Any]]:
    code = row.values["code"]
    existing = refs.customers.get(code)
    values: dict[str, Any] = {}
    for name in ("name", "segment", "language"):
        if _given(row, name) and (row.values[name] or name == "segment"):
            values[name] = row.values[name]
    if _given(row, "plan"):
        values["sla_plan_id"] = refs.plan(row.values["plan"])
    if _given(row, "service"):
        values["default_service_id"] = refs.service(row.values["service"])
    if _given(row, "active") and row.values["active"]:
        values["active"] = flag(row.values["active"])
    if existing is None:
        values = {"code": code, "segment": "", "language": "ru", "active": True, **values}
    return f"customer {code}", existing, values


def _contact(s: Session, refs: _Refs, row: Row) -> tuple[str, Any, dict[str, Any]]:
    customer = refs.customer(row.values["customer"])
    email = row.values.get("email", "")
    digits = phone_digits(row.values.get("phone", ""))
    q = select(m.Contact).where(m.Contact.customer_id == customer.id)
    q = q.where(m.Contact.email == email) if email else q.where(m.Contact.phone_digits == digits)
    found = s.exec(q.limit(2)).all()
    key = f"contact {email or row.values.get('phone', '')} of {customer.code}"
    if len(found) > 1:
        clash = (
            _("more than one contact of {code} has {email}")
            if email
            else _("more than one contact of {code} has that phone")
        )
        raise BadCell(clash.format(code=customer.code, email=email))
    existing = found[0] if found else None
    values: dict[str, Any] = {}
    if _given(row, "name") and row.values["name"]:
        values["name"] = row.values["name"]
    if _given(row, "email"):
        values["email"] = email
    if _given(row, "phone"):
        values["phone"] = row.values["phone"]
        values["phone_digits"] = digits
    if _given(row, "site"):
        site = refs.site(customer, row.values["site"])
        values["site_id"] = site.id if site else None
    if _given(row, "language") and row.values["language"]:
        values["language"] = row.values["language"]
    if _given(row, "active") and row.values["active"]:
        values["active"] = flag(row.values["active"])
    if existing is None:
        values = {
            "customer_id": customer.id,
            "email": "",
            "phone": "",
            "phone_digits": "",
            "site_id": None,
            "language": customer.language,
            "active": True,
            "created_at": utcnow(),
            **values,
        }

    def current(name: str) -> Any:
        return values[name] if name in values else getattr(existing, name)

    site_id = current("site_id")
    site = next((x for x in refs.sites(customer.id).values() if x.id == site_id), None)
    values["search_text"] = contact_search_text(
        current("name") if (existing is not None or "name" in values) else "",
        current("email"),
        current("phone"),
        site.code if site else "",
        site.name if site else "",
        customer.name,
    )
    return key, existing, values


def _asset(s: Session, refs: _Refs, row: Row) -> tuple[str, Any, dict[str, Any]]:
    tag = row.values["tag"]
    existing = s.exec(select(m.Asset).where(m.Asset.tag == tag)).first()
    values: dict[str, Any] = {}
    customer = None
    if row.values.get("customer"):
        customer = refs.customer(row.values["customer"])
        values["customer_id"] = customer.id
    elif existing is not None:
        customer = s.get(m.Customer, existing.customer_id)
    for name in ("name", "model", "serial"):
        if _given(row, name) and (row.values[name] or name != "name"):
            values[name] = row.values[name]
    if _given(row, "site"):
        if customer is None:
            raise BadCell(_("site: give the customer too"))
        site = refs.site(customer, row.values["site"])
        values["site_id"] = site.id if site else None
    elif existing is not None and customer is not None and customer.id != existing.customer_id:
        values["site_id"] = None  # moved to another customer: the old site is not theirs
    if _given(row, "service"):
        values["service_id"] = refs.service(row.values["service"])
    if _given(row, "warranty_end"):
        text = row.values["warranty_end"]
        values["warranty_end"] = day(text) if text else None
    if _given(row, "active") and row.values["active"]:
        values["active"] = flag(row.values["active"])
    if existing is None:
        values = {"tag": tag, "model": "", "serial": "", "active": True, **values}
    return f"asset {tag}", existing, values


def _apply(s: Session, kind: str, plans: list[_Plan]) -> None:
    model = MODELS[kind]
    for p in plans:
        if p.action == "created":
            s.add(model(**p.values))
        elif p.action == "updated":
            for name, value in p.values.items():
                setattr(p.existing, name, value)
            s.add(p.existing)
    s.flush()


# -- export -------------------------------------------------------------------------------------


@guarded("customer.export")
def export_csv(store: Store, actor: Actor, kind: str, out: TextIO) -> int:
    """Write every row of `kind` as CSV to `out`, a page at a time; the rows written."""
    if kind not in COLUMNS:
        raise Invalid(
            _("unknown kind {kind!r}: use {COLUMNS}").format(kind=kind, COLUMNS=", ".join(COLUMNS))
        )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[kind])
    written = 0
    for row in _export_rows(store, kind):
        writer.writerow(defuse_row(row))  # no spreadsheet formulas; the import undoes it
        written += 1
    return written


def _export_rows(store: Store, kind: str) -> Iterator[list[str]]:
    model = MODELS[kind]
    with store.read() as s:
        plans = {i: c for c, i in s.exec(select(m.SlaPlan.code, m.SlaPlan.id))}
        services = {i: c for c, i in s.exec(select(m.Service.code, m.Service.id))}
        customers = {c.id: c.code for c in s.exec(select(m.Customer))}
        sites = {x.id: x.code for x in s.exec(select(m.Site))}
    last = 0
    while True:
        with store.read() as s:
            rows = s.exec(
                select(model).where(model.id > last).order_by(model.id).limit(EXPORT_PAGE)
            ).all()
        if not rows:
            return
        for r in rows:
            yield _cells(kind, r, plans, services, customers, sites)
        last = rows[-1].id


def _cells(kind: str, r: Any, plans: dict, services: dict, customers: dict, sites: dict):
    def text(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, date):
            return v.isoformat()
        return str(v)

    if kind == "customers":
        cells = [
            r.code,
            r.name,
            r.segment,
            plans.get(r.sla_plan_id),
            r.language,
            services.get(r.default_service_id),
            r.active,
        ]
    elif kind == "contacts":
        cells = [
            customers.get(r.customer_id),
            r.name,
            r.email,
            r.phone,
            sites.get(r.site_id),
            r.language,
            r.active,
        ]
    else:
        cells = [
            r.tag,
            customers.get(r.customer_id),
            r.name,
            sites.get(r.site_id),
            services.get(r.service_id),
            r.model,
            r.serial,
            r.warranty_end,
            r.active,
        ]
    return [text(c) for c in cells]
