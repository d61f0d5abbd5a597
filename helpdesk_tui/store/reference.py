"""Loading `data/*.toml` into a store: create or update each record by its key.

The whole load is one transaction: a bad file changes nothing. Errors name the file and
the line (`data/services.toml:42: service 'pos': unknown group 'l2-hw'`). Loading the same
files twice reports every record unchanged the second time.

Templates and articles saved from the application (`edited_by_id` set) are kept as they
are and reported as kept: an agent's edit is never silently overwritten by the file's
older text. `overwrite_edited=True` (`helpdesk data load --overwrite-edited`) puts the
files' version back.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, select

from helpdesk_tui.domain import toml_problems
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.macros import parse_macro
from helpdesk_tui.domain.placeholders import unknown_placeholders
from helpdesk_tui.domain.rules import parse_rule
from helpdesk_tui.domain.sla import parse_duration, parse_periods
from helpdesk_tui.domain.text import clean, clean_line, contact_search_text, phone_digits
from helpdesk_tui.domain.vocab import Role, TicketType, parse_priority
from helpdesk_tui.i18n import N_, NP_, _, pgettext
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FILES = (
    "calendars.toml",
    "lines.toml",
    "sla.toml",
    "services.toml",
    "routing.toml",
    "agents.toml",
    "customers.toml",
    "templates.toml",
    "knowledge.toml",
    "board.toml",
    "macros.toml",
    "rules.toml",
)


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)  # edited in the app: left as they are

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def rows(self) -> list[tuple[str, int, int, int, int]]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged) | set(self.kept))
        return [
            (k, self.created[k], self.updated[k], self.unchanged[k], self.kept[k]) for k in kinds
        ]


CODE_FIELDS = {"code", "login", "tag", "slug"}
CODE_LIMIT = 64
LINE_LIMIT = 300  # names, codes, subjects, checklist items: one line
TEXT_LIMIT = 200_000  # template bodies, articles

# What a record is, in errors (`line 'l1': 'level' must be …`): the word of the user's language.
KINDS = {
    "calendar": NP_("record", "calendar"),
    "line": NP_("record", "line"),
    "group": NP_("record", "group"),
    "plan": NP_("record", "plan"),
    "pause_reason": NP_("record", "pause_reason"),
    "service": NP_("record", "service"),
    "rule": NP_("record", "rule"),
    "agent": NP_("record", "agent"),
    "customer": NP_("record", "customer"),
    "site": NP_("record", "site"),
    "contact": NP_("record", "contact"),
    "asset": NP_("record", "asset"),
    "contract": NP_("record", "contract"),
    "template": NP_("record", "template"),
    "article": NP_("record", "article"),
    "macro": NP_("record", "macro"),
}
# `r.ref(name, index, what)`: a code that names nothing.
UNKNOWN = {
    "line": N_("unknown line {code!r}"),
    "calendar": N_("unknown calendar {code!r}"),
    "group": N_("unknown group {code!r}"),
    "plan": N_("unknown plan {code!r}"),
    "service": N_("unknown service {code!r}"),
    "site": N_("unknown site {code!r}"),
}


class _File:
    """One TOML file, kept as text too so errors can point at a line."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise Invalid(
                _("{path}: cannot read: {reason}").format(path=path, reason=exc.strerror)
            ) from None
        except UnicodeDecodeError:
            raise Invalid(_("{path}: not UTF-8 text").format(path=path)) from None
        try:
            self.data: dict[str, Any] = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            raise Invalid(toml_problems.describe(path, exc)) from None

    def error(self, message: str, near: str | None = None) -> Invalid:
        line = self._line_of(near) if near else None
        where = f"{self.path}:{line}" if line else str(self.path)
        return Invalid(f"{where}: {message}")

    def _line_of(self, value: str) -> int | None:
        pattern = re.compile(r"=\s*[\"']" + re.escape(value) + r"[\"']")
        for number, text in enumerate(self.text.splitlines(), start=1):
            if pattern.search(text):
                return number
        return None

    def records(self, table: str) -> list[dict[str, Any]]:
        value = self.data.get(table, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(
                _("'{table}' must be an array of tables ([[{table}]])").format(table=table)
            )
        return value


class _Record:
    """Typed access to one record's fields with errors that say where."""

    def __init__(self, file: _File, kind: str, data: dict[str, Any], key_field: str):
        """`kind` is a key of `KINDS`, or a label already translated."""
        kind = pgettext("record", kind) if kind in KINDS else kind
        self.file, self.kind, self.data = file, kind, data
        key = data.get(key_field)
        if not isinstance(key, str) or not key.strip():
            raise file.error(_("a {kind} without a '{field}'").format(kind=kind, field=key_field))
        key = key.strip()
        if key_field in CODE_FIELDS and (
            clean_line(key) != key or any(ch.isspace() for ch in key) or len(key) > CODE_LIMIT
        ):  # codes are printed as they are, in tables and keys: nothing a terminal acts on
            raise file.error(
                _(
                    "a {kind} {field} is at most {limit} characters, without spaces "
                    "or control characters: {value!r}"
                ).format(kind=kind, field=key_field, limit=CODE_LIMIT, value=key[:80])
            )
        self.key = clean_line(key)

    def error(self, message: str) -> Invalid:
        return self.file.error(f"{self.kind} '{self.key}': {message}", near=self.key)

    def text(self, name: str, default: str | None = None, *, multiline: bool = False) -> str:
        value = self.data.get(name, default)
        if value is None:
            raise self.error(_("'{field}' is required").format(field=name))
        if not isinstance(value, str):
            raise self.error(_("'{field}' must be a string").format(field=name))
        text = clean(value) if multiline else clean_line(value)
        self._check_length(name, text, multiline)
        if default is None and not text.strip():
            raise self.error(_("'{field}' is empty").format(field=name))
        return text

    def _check_length(self, name: str, text: str, multiline: bool) -> None:
        limit = TEXT_LIMIT if multiline else LINE_LIMIT
        if len(text) > limit:
            raise self.error(
                _("'{field}' is too long ({length:,} characters; at most {limit:,})").format(
                    field=name, length=len(text), limit=limit
                )
            )

    def opt_str(self, name: str) -> str | None:
        return self.text(name) if self.data.get(name) is not None else None

    def number(self, name: str, default: int | None = None, lo: int = 0, hi: int = 10**9) -> int:
        value = self.data.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise self.error(
                _("'{field}' must be a whole number from {lo} to {hi}").format(
                    field=name, lo=lo, hi=hi
                )
            )
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise self.error(_("'{field}' must be true or false").format(field=name))
        return value

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(_("'{field}' must be a list of strings").format(field=name))
        items = [clean_line(v) for v in value]
        for item in items:
            self._check_length(name, item, multiline=False)
        return [item for item in items if item]  # an empty item is no item

    def ref(self, name: str, index: dict[str, int], what: str, *, required: bool = True):
        code = self.data.get(name)
        if code is None and not required:
            return None
        if not isinstance(code, str) or code not in index:
            raise self.error(
                _(UNKNOWN[what]).format(code=code)
                if code
                else _("'{field}' is required").format(field=name)
            )
        return index[code]


class _Loader:
    def __init__(self, session: Session, directory: Path, *, overwrite_edited: bool = False):
        self.s = session
        self.dir = directory
        self.overwrite_edited = overwrite_edited
        self.report = LoadReport()
        self.ids: dict[str, dict[str, int]] = {}

    # -- generic upsert -------------------------------------------------------------
    def upsert(self, model: type[SQLModel], kind: str, key: dict, values: dict) -> Any:
        row = self.s.exec(select(model).filter_by(**key)).first()
        if row is None:
            row = model(**key, **values)
            self.s.add(row)
            self.s.flush()
            self.report.created[kind] += 1
            return row
        if getattr(row, "edited_by_id", None) is not None:
            if not self.overwrite_edited:
                self.report.kept[kind] += 1
                return row
            values = {**values, "edited_by_id": None}
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            self.s.flush()
            self.report.updated[kind] += 1
        else:
            self.report.unchanged[kind] += 1
        return row

    def index(self, model: type[SQLModel], key: str = "code") -> dict[str, int]:
        return {getattr(r, key): r.id for r in self.s.exec(select(model)).all()}

    def file(self, name: str) -> _File | None:
        path = self.dir / name
        return _File(path) if path.exists() else None

    # -- the files, in dependency order ------------------------------------------------
    def run(self) -> LoadReport:
        if not self.dir.is_dir():
            raise Invalid(_("{path}: not a directory").format(path=self.dir))
        if not any((self.dir / name).exists() for name in FILES):
            raise Invalid(
                _("{path}: no reference data files ({files})").format(
                    path=self.dir, files=", ".join(FILES)
                )
            )
        for name in FILES:
            f = self.file(name)
            if f is not None:
                getattr(self, "load_" + name.removesuffix(".toml"))(f)
        return self.report

    def load_calendars(self, f: _File) -> None:
        for data in f.records("calendar"):
            r = _Record(f, "calendar", data, "code")
            hours = data.get("hours", {})
            if not isinstance(hours, dict) or set(hours) - set(WEEKDAYS):
                raise r.error(
                    _("'hours' must map {days} to periods").format(days=", ".join(WEEKDAYS))
                )
            norm_hours = {}
            for day in WEEKDAYS:
                if day in hours:
                    norm_hours[day] = _periods(r, hours[day])
            days_off = data.get("days_off", [])
            if not isinstance(days_off, list) or not all(_is_date(d) for d in days_off):
                raise r.error(_("'days_off' must be a list of dates (2026-12-31)"))
            working = {}
            for item in data.get("working_days", []):
                if not isinstance(item, dict) or not _is_date(item.get("date")):
                    raise r.error(_("each of 'working_days' needs a date and hours"))
                working[item["date"].isoformat()] = _periods(r, item.get("hours", []))
            tz = r.text("timezone")
            _check_timezone(r, tz)
            self.upsert(
                m.Calendar,
                "calendar",
                {"code": r.key},
                {
                    "name": r.text("name", r.key),
                    "name_ru": r.text("name_ru", ""),
                    "timezone": tz,
                    "country": r.opt_str("country"),
                    "subdivision": r.opt_str("subdivision"),
                    "always_open": r.flag("always_open", False),
                    "hours": norm_hours,
                    "days_off": sorted(d.isoformat() for d in days_off),
                    "working_days": working,
                },
            )
        self.ids["calendar"] = self.index(m.Calendar)

    def load_lines(self, f: _File) -> None:
        for data in f.records("line"):
            r = _Record(f, "line", data, "code")
            self.upsert(
                m.Line,
                "line",
                {"code": r.key},
                {
                    "level": r.number("level", lo=1, hi=9),
                    "name": r.text("name", r.key),
                    "name_ru": r.text("name_ru", ""),
                    "active": r.flag("active", True),
                },
            )
        self.ids["line"] = lines = self.index(m.Line)
        calendars = self.ids.get("calendar") or self.index(m.Calendar)
        for data in f.records("group"):
            r = _Record(f, "group", data, "code")
            self.upsert(
                m.SupportGroup,
                "group",
                {"code": r.key},
                {
                    "line_id": r.ref("line", lines, "line"),
                    "name": r.text("name", r.key),
                    "name_ru": r.text("name_ru", ""),
                    "auto_assign": r.flag("auto_assign", False),
                    "calendar_id": r.ref("calendar", calendars, "calendar", required=False),
                    "active": r.flag("active", True),
                },
            )
        self.ids["group"] = self.index(m.SupportGroup)

    def load_sla(self, f: _File) -> None:
        matrix = f.data.get("priority", {}).get("matrix")
        if matrix is not None:
            if not (
                isinstance(matrix, list)
                and len(matrix) == 3
                and all(isinstance(row, list) and len(row) == 3 for row in matrix)
            ):
                raise f.error(_("[priority] matrix must be 3 rows of 3 priorities"))
            for impact, row in enumerate(matrix, start=1):
                for urgency, label in enumerate(row, start=1):
                    try:
                        priority = parse_priority(str(label))
                    except Invalid as exc:
                        raise f.error(_("[priority] matrix: {error}").format(error=exc)) from None
                    self.upsert(
                        m.PriorityCell,
                        "priority cell",
                        {"impact": impact, "urgency": urgency},
                        {"priority": priority},
                    )
        calendars = self.ids.get("calendar") or self.index(m.Calendar)
        defaults = []
        for data in f.records("plan"):
            r = _Record(f, "plan", data, "code")
            at_risk = data.get("at_risk", 0.75)
            if not isinstance(at_risk, int | float) or not 0 < at_risk < 1:
                raise r.error(_("'at_risk' must be a share between 0 and 1, like 0.75"))
            plan = self.upsert(
                m.SlaPlan,
                "plan",
                {"code": r.key},
                {
                    "name": r.text("name", r.key),
                    "name_ru": r.text("name_ru", ""),
                    "calendar_id": r.ref("calendar", calendars, "calendar"),
                    "at_risk": float(at_risk),
                    "auto_close_days": r.number("auto_close_days", 3, 0, 60),
                    "is_default": r.flag("default", False),
                    "active": r.flag("active", True),
                },
            )
            if plan.is_default:
                defaults.append(r.key)
            targets = data.get("targets", {})
            if not isinstance(targets, dict) or set(targets) != {"P1", "P2", "P3", "P4"}:
                raise r.error(_("'targets' must give P1, P2, P3 and P4"))
            for label, target in targets.items():
                try:
                    response = parse_duration(str(target.get("response", "")))
                    resolution = parse_duration(str(target.get("resolution", "")))
                    update = target.get("update")  # optional: the update clock
                    update_s = parse_duration(str(update)) if update is not None else None
                except (ValueError, AttributeError) as exc:
                    raise r.error(
                        _("target {priority}: {error}").format(priority=label, error=exc)
                    ) from None
                if response > resolution:
                    raise r.error(
                        _("target {priority}: response is longer than resolution").format(
                            priority=label
                        )
                    )
                self.upsert(
                    m.SlaTarget,
                    "sla target",
                    {"plan_id": plan.id, "priority": parse_priority(label)},
                    {"response_s": response, "resolution_s": resolution, "update_s": update_s},
                )
        if len(defaults) > 1:
            raise f.error(
                _("more than one default plan: {plans}").format(plans=", ".join(defaults))
            )
        self.ids["plan"] = self.index(m.SlaPlan)
        self.load_pause_reasons(f)

    def load_pause_reasons(self, f: _File) -> None:
        """`[[pause_reason]]` of sla.toml: the reasons offered when a ticket starts waiting
        for the customer (one desk setting; `other` with words of one's own is always there)."""
        found: dict[str, dict] = {}
        for data in f.records("pause_reason"):
            r = _Record(f, "pause_reason", data, "code")
            if r.key in found:
                raise r.error(_("defined twice"))
            if not r.key.replace("-", "").replace("_", "").isalnum() or len(r.key) > 32:
                raise r.error(_("a code is letters, digits, - and _, at most 32"))
            found[r.key] = {
                "code": r.key,
                "name": r.text("name", r.key),
                "name_ru": r.text("name_ru", ""),
            }
        if not found:
            return
        found.setdefault("other", {"code": "other", "name": "Other (say why)", "name_ru": ""})
        self.upsert(
            m.DeskSetting,
            "desk setting",
            {"key": "pause_reasons"},
            {"value": {"reasons": list(found.values())}},
        )

    def load_services(self, f: _File) -> None:
        groups = self.ids.get("group") or self.index(m.SupportGroup)
        types = {t.value for t in TicketType}
        for data in f.records("service"):
            r = _Record(f, "service", data, "code")
            kind = r.text("type", "incident")
            if kind not in types:
                raise r.error(
                    _("unknown type {kind!r}: use one of {types}").format(
                        kind=kind, types=", ".join(sorted(types))
                    )
                )
            service = self.upsert(
                m.Service,
                "service",
                {"code": r.key},
                {
                    "name": r.text("name", r.key),
                    "name_ru": r.text("name_ru", ""),
                    "group_id": r.ref("group", groups, "group"),
                    "skill": r.text("skill", ""),
                    "default_type": kind,
                    "default_impact": r.number("impact", 3, 1, 3),
                    "default_urgency": r.number("urgency", 2, 1, 3),
                    "checklist": r.strings("checklist"),
                    "checklist_ru": r.strings("checklist_ru"),
                    "active": r.flag("active", True),
                },
            )
            for cat in data.get("categories", []):
                c = _Record(f, _("service '{service}' category").format(service=r.key), cat, "code")
                self.upsert(
                    m.Category,
                    "category",
                    {"service_id": service.id, "code": c.key},
                    {"name": c.text("name", c.key), "name_ru": c.text("name_ru", "")},
                )
        self.ids["service"] = self.index(m.Service)

    def load_routing(self, f: _File) -> None:
        groups = self.ids.get("group") or self.index(m.SupportGroup)
        services = self.ids.get("service") or self.index(m.Service)
        categories = {(c.service_id, c.code): c.id for c in self.s.exec(select(m.Category)).all()}
        for position, data in enumerate(f.records("rule"), start=1):
            data = {"position": str(position), **data}
            r = _Record(f, "rule", data, "position")
            service_id = r.ref("service", services, "service", required=False)
            category_id = None
            if data.get("category") is not None:
                if service_id is None:
                    raise r.error(_("a category needs its service"))
                category_id = categories.get((service_id, data["category"]))
                if category_id is None:
                    raise r.error(
                        _("unknown category {category!r} of {service!r}").format(
                            category=data["category"], service=data["service"]
                        )
                    )
            self.upsert(
                m.RoutingRule,
                "routing rule",
                {"position": position},
                {
                    "service_id": service_id,
                    "category_id": category_id,
                    "segment": r.opt_str("segment"),
                    "site_code": r.opt_str("site"),
                    "language": r.opt_str("language"),
                    "group_id": r.ref("group", groups, "group"),
                },
            )

    def load_agents(self, f: _File) -> None:
        groups = self.ids.get("group") or self.index(m.SupportGroup)
        roles = {role.value for role in Role}
        for data in f.records("agent"):
            r = _Record(f, "agent", data, "login")
            role = r.text("role")
            if role not in roles:
                raise r.error(
                    _("unknown role {role!r}: use one of {roles}").format(
                        role=role, roles=", ".join(sorted(roles))
                    )
                )
            values = {
                "name": r.text("name", r.key),
                "email": r.text("email", "").lower(),
                "role": role,
                "skills": r.strings("skills"),
                "languages": r.strings("languages") or ["ru"],
                "on_shift": r.flag("on_shift", True),
            }
            if "active" in data:  # else as it is: reloading never reactivates anybody
                values["active"] = r.flag("active", True)
            agent = self.upsert(m.Agent, "agent", {"login": r.key}, values)
            wanted = set()
            for code in r.strings("groups"):
                if code not in groups:
                    raise r.error(_(UNKNOWN["group"]).format(code=code))
                wanted.add(groups[code])
            have = {
                ms.group_id: ms
                for ms in self.s.exec(select(m.Membership).where(m.Membership.agent_id == agent.id))
            }
            for group_id in wanted - set(have):
                self.s.add(m.Membership(agent_id=agent.id, group_id=group_id))
                self.report.created["membership"] += 1
            for group_id in set(have) - wanted:
                self.s.delete(have[group_id])
                self.report.updated["membership"] += 1
            self.s.flush()

    def load_customers(self, f: _File) -> None:
        plans = self.ids.get("plan") or self.index(m.SlaPlan)
        services = self.ids.get("service") or self.index(m.Service)
        now = datetime.now(UTC)
        for data in f.records("customer"):
            r = _Record(f, "customer", data, "code")
            customer = self.upsert(
                m.Customer,
                "customer",
                {"code": r.key},
                {
                    "name": r.text("name"),
                    "segment": r.text("segment", ""),
                    "sla_plan_id": r.ref("plan", plans, "plan", required=False),
                    "language": r.text("language", "ru"),
                    "default_service_id": r.ref("service", services, "service", required=False),
                    "active": r.flag("active", True),
                },
            )
            sites = {}
            site_names: dict[int, tuple[str, str]] = {}
            for site in data.get("site", []):
                s = _Record(f, "site", site, "code")
                row = self.upsert(
                    m.Site,
                    "site",
                    {"customer_id": customer.id, "code": s.key},
                    {"name": s.text("name", s.key), "address": s.text("address", "")},
                )
                sites[s.key] = row.id
                site_names[row.id] = (row.code, row.name)
            for contact in data.get("contact", []):
                c = _Record(f, "contact", contact, "name")
                email = c.text("email", "").lower()
                phone = c.text("phone", "")
                if not email and not phone:
                    raise c.error(_("a contact needs an e-mail or a phone"))
                key = {"customer_id": customer.id}
                key.update({"email": email} if email else {"phone_digits": phone_digits(phone)})
                site_id = c.ref("site", sites, "site", required=False)
                values = {
                    "name": c.key,
                    "phone": phone,
                    "phone_digits": phone_digits(phone),
                    "email": email,
                    "language": c.text("language", customer.language),
                    "site_id": site_id,
                    "active": c.flag("active", True),
                    "search_text": contact_search_text(
                        c.key, email, phone, *site_names.get(site_id, ("", "")), customer.name
                    ),
                }
                values = {k: v for k, v in values.items() if k not in key}
                row = self.upsert(m.Contact, "contact", key, values)
                if row.created_at is None:
                    row.created_at = now
            for asset in data.get("asset", []):
                a = _Record(f, "asset", asset, "tag")
                warranty = asset.get("warranty_end")
                if warranty is not None and not _is_date(warranty):
                    raise a.error(_("'{field}' must be a date").format(field="warranty_end"))
                self.upsert(
                    m.Asset,
                    "asset",
                    {"tag": a.key},
                    {
                        "customer_id": customer.id,
                        "name": a.text("name"),
                        "site_id": a.ref("site", sites, "site", required=False),
                        "service_id": a.ref("kind", services, "service", required=False),
                        "model": a.text("model", ""),
                        "serial": a.text("serial", ""),
                        "warranty_end": warranty,
                        "active": a.flag("active", True),
                    },
                )
            for contract in data.get("contract", []):
                self.load_contract(f, customer, contract, plans, services)

    def load_contract(
        self, f: _File, customer: Any, data: Any, plans: dict, services: dict
    ) -> None:
        """`[[customer.contract]]`: a plan for some services (none: all) over a period."""
        if not isinstance(data, dict):
            raise f.error(
                _("customer '{code}': contract must be a table").format(code=customer.code)
            )
        c = _Record(f, "contract", data, "code")
        start, end = data.get("valid_from"), data.get("valid_to")
        if not _is_date(start):
            raise c.error(_("'{field}' must be a date").format(field="valid_from"))
        if end is not None and (not _is_date(end) or end < start):
            raise c.error(_("'valid_to' must be a date on or after 'valid_from'"))
        codes = c.strings("services")
        unknown = [code for code in codes if code not in services]
        if unknown:
            raise c.error(_(UNKNOWN["service"]).format(code=unknown[0]))
        self.upsert(
            m.Contract,
            "contract",
            {"code": c.key},
            {
                "customer_id": customer.id,
                "name": c.text("name", ""),
                "sla_plan_id": c.ref("plan", plans, "plan"),
                "services": codes,
                "valid_from": start,
                "valid_to": end,
                "active": c.flag("active", True),
            },
        )

    def load_templates(self, f: _File) -> None:
        services = self.ids.get("service") or self.index(m.Service)
        lines = self.ids.get("line") or self.index(m.Line)
        for data in f.records("template"):
            r = _Record(f, "template", data, "code")
            kind = r.text("kind", "reply")
            if kind not in {"reply", "resolution", "notification"}:
                raise r.error(
                    _("unknown kind {kind!r}: use reply, resolution or notification").format(
                        kind=kind
                    )
                )
            body = r.text("body", multiline=True)
            subject = r.text("subject", "")
            unknown = unknown_placeholders(subject + body)
            if unknown:
                raise r.error(
                    _("unknown placeholder {placeholder}").format(
                        placeholder="{{" + unknown[0] + "}}"
                    )
                )
            for code in r.strings("services"):
                if code not in services:
                    raise r.error(_(UNKNOWN["service"]).format(code=code))
            for code in r.strings("lines"):
                if code not in lines:
                    raise r.error(_(UNKNOWN["line"]).format(code=code))
            self.upsert(
                m.Template,
                "template",
                {"code": r.key},
                {
                    "name": r.text("name", r.key),
                    "language": r.text("language", "en"),
                    "kind": kind,
                    "services": r.strings("services"),
                    "lines": r.strings("lines"),
                    "subject": subject,
                    "body": body,
                    "active": r.flag("active", True),
                },
            )

    def load_knowledge(self, f: _File) -> None:
        groups = self.ids.get("group") or self.index(m.SupportGroup)
        for data in f.records("article"):
            r = _Record(f, "article", data, "slug")
            for code in r.strings("groups"):
                if code not in groups:
                    raise r.error(_(UNKNOWN["group"]).format(code=code))
            article = self.upsert(
                m.Article,
                "article",
                {"slug": r.key},
                {
                    "title": r.text("title"),
                    "language": r.text("language", "en"),
                    "services": r.strings("services"),
                    "groups": r.strings("groups"),
                    "tags": r.strings("tags"),
                    "body": r.text("body", multiline=True),
                },
            )
            if article.created_at is None:
                article.created_at = article.updated_at = datetime.now(UTC)

    def load_board(self, f: _File) -> None:
        thresholds = f.data.get("thresholds", {})
        if not isinstance(thresholds, dict):
            raise f.error(_("[thresholds] must be a table"))
        clean_limits = {}
        for name, levels in thresholds.items():
            if (
                not isinstance(levels, dict)
                or not set(levels) <= {"warn", "alert"}
                or not all(isinstance(v, int | float) and v >= 0 for v in levels.values())
            ):
                raise f.error(
                    _("threshold {name!r} needs warn and alert numbers").format(name=name),
                    near=None,
                )
            clean_limits[name] = {k: float(v) for k, v in levels.items()}
        self.upsert(
            m.DeskSetting, "desk setting", {"key": "board"}, {"value": {"thresholds": clean_limits}}
        )

    def load_macros(self, f: _File) -> None:
        """Every macro in one desk setting (`macros`): a few dozen at most, read whole."""
        found: dict[str, dict] = {}
        for data in f.records("macro"):
            r = _Record(f, "macro", data, "code")
            if r.key in found:
                raise r.error(_("defined twice"))
            try:
                macro = parse_macro(r.key, r.text("name"), data.get("steps"), r.text("name_ru", ""))
            except Invalid as exc:
                raise f.error(str(exc), near=r.key) from None
            found[r.key] = macro.as_json()
        self.upsert(
            m.DeskSetting,
            "desk setting",
            {"key": "macros"},
            {"value": {"macros": list(found.values())}},
        )

    def load_rules(self, f: _File) -> None:
        """Every automation rule in one desk setting (`rules`), in the file's order. The
        agents, groups, lines and macros the actions name must exist."""
        macro_codes = {  # the data file's and those made in the application
            d["code"]
            for key in ("macros", "app_macros")
            if (setting := self.s.get(m.DeskSetting, key)) is not None
            for d in setting.value.get("macros", [])
        }
        logins = self.index(m.Agent, "login")
        groups = self.index(m.SupportGroup)
        lines = self.index(m.Line)
        found: dict[str, dict] = {}
        for order, data in enumerate(f.records("rule")):
            r = _Record(f, "rule", data, "code")
            if r.key in found:
                raise r.error(_("defined twice"))
            extra = set(data) - {
                "code",
                "name",
                "name_ru",
                "when",
                "if",
                "then",
                "after",
                "enabled",
            }
            if extra:
                raise r.error(_("unknown field {field!r}").format(field=sorted(extra)[0]))
            try:
                rule = parse_rule(
                    r.key,
                    r.text("name"),
                    data.get("when"),
                    data.get("if"),
                    data.get("then"),
                    after=data.get("after"),
                    enabled=r.flag("enabled", True),
                    order=order,
                    name_ru=r.text("name_ru", ""),
                )
            except Invalid as exc:
                raise f.error(str(exc), near=r.key) from None
            for number, action in enumerate(rule.actions, 1):
                known = {
                    "assign": set(logins) | {"none"},
                    "notify": set(logins) | {"supervisors", "assignee"},
                    "group": set(groups),
                    "escalate": set(groups) | set(lines),
                    "macro": macro_codes,
                }.get(action.action)
                if known is not None and action.value not in known:
                    raise r.error(
                        _("action {number}: {action}: unknown {value!r}").format(
                            number=number, action=action.action, value=action.value
                        )
                    )
            found[r.key] = rule.as_json()
        self.upsert(
            m.DeskSetting,
            "desk setting",
            {"key": "rules"},
            {"value": {"rules": list(found.values())}},
        )


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _periods(r: _Record, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise r.error(_('working periods must be strings like "09:00-18:00"'))
    try:
        parse_periods(value)
    except ValueError as exc:
        raise r.error(str(exc)) from None
    return [v.strip() for v in value]


def _check_timezone(r: _Record, name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.error(_("unknown time zone {name!r}").format(name=name)) from None


def load_reference(store: Store, directory: Path, *, overwrite_edited: bool = False) -> LoadReport:
    """Apply every reference file in `directory` to `store` in one transaction."""
    with store.write() as session:
        return _Loader(session, directory, overwrite_edited=overwrite_edited).run()
