"""The reference data in force, read once and kept as plain frozen objects.

Lines, groups, services, plans, calendars, the priority matrix and the routing rules
change rarely (a `helpdesk data load`), are read on every registration, and are small:
one snapshot per process, refreshed after a minute or when this process loads data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.routing import Rule
from helpdesk_tui.domain.sla import BusinessCalendar, CalendarSpec, parse_periods
from helpdesk_tui.i18n import _
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

TTL_SECONDS = 60.0
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class LineInfo:
    id: int
    code: str
    level: int
    name: str
    name_ru: str


@dataclass(frozen=True)
class GroupInfo:
    id: int
    code: str
    name: str
    name_ru: str
    line_id: int
    line_code: str
    level: int
    auto_assign: bool


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    name: str
    name_ru: str


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    name: str
    name_ru: str
    group_id: int
    skill: str
    default_type: str
    default_impact: int
    default_urgency: int
    checklist: tuple[str, ...]
    checklist_ru: tuple[str, ...]
    categories: tuple[CategoryInfo, ...]

    def category(self, code: str) -> CategoryInfo:
        for cat in self.categories:
            if cat.code == code:
                return cat
        known = ", ".join(c.code for c in self.categories) or "none"
        raise Invalid(
            _("unknown category {code!r} of service {code2} (known: {known})").format(
                code=code, code2=self.code, known=known
            )
        )


@dataclass(frozen=True)
class PlanInfo:
    id: int
    code: str
    name: str
    name_ru: str
    calendar_id: int
    at_risk: float
    auto_close_days: int
    is_default: bool
    targets: dict[int, tuple[int, int]]  # priority -> (response s, resolution s)
    updates: dict[int, int] = field(default_factory=dict)  # priority -> update s (if any)

    def update_target(self, priority: int) -> int:
        """The update clock's target for a priority; 0 when the plan sets none."""
        return self.updates.get(priority, 0)


@dataclass(frozen=True)
class Catalog:
    lines: dict[int, LineInfo]
    groups: dict[int, GroupInfo]
    services: dict[int, ServiceInfo]
    plans: dict[int, PlanInfo]
    calendars: dict[int, BusinessCalendar]
    matrix: dict[tuple[int, int], int]
    rules: tuple[Rule, ...]
    loaded_at: float = field(default_factory=time.monotonic)

    # look-ups by code, with the one-line errors users see
    def service(self, code: str) -> ServiceInfo:
        for s in self.services.values():
            if s.code == code:
                return s
        raise NotFound(_("unknown service {code!r}: see `helpdesk service list`").format(code=code))

    def group(self, code: str) -> GroupInfo:
        for g in self.groups.values():
            if g.code == code:
                return g
        raise NotFound(_("unknown group {code!r}").format(code=code))

    def line(self, code: str) -> LineInfo:
        for line in self.lines.values():
            if line.code.lower() == code.lower():
                return line
        raise NotFound(_("unknown line {code!r}").format(code=code))

    def line_groups(self, line_id: int) -> list[GroupInfo]:
        return [g for g in self.groups.values() if g.line_id == line_id]

    def plan_for(self, plan_id: int | None) -> PlanInfo:
        if plan_id is not None and plan_id in self.plans:
            return self.plans[plan_id]
        for plan in self.plans.values():
            if plan.is_default:
                return plan
        if not self.plans:
            raise Invalid(_("no SLA plans are loaded: run `helpdesk data load`"))
        return min(self.plans.values(), key=lambda p: p.id)

    def calendar_of(self, plan: PlanInfo) -> BusinessCalendar:
        return self.calendars[plan.calendar_id]


def calendar_spec(row: m.Calendar) -> CalendarSpec:
    hours = {
        i: parse_periods(row.hours[day]) for i, day in enumerate(_WEEKDAYS) if day in row.hours
    }
    return CalendarSpec(
        code=row.code,
        timezone=row.timezone,
        hours=hours,
        country=row.country,
        subdivision=row.subdivision,
        days_off=frozenset(date.fromisoformat(d) for d in row.days_off),
        working_days={date.fromisoformat(d): parse_periods(p) for d, p in row.working_days.items()},
        always_open=row.always_open,
    )


def _load(session: Session) -> Catalog:
    lines = {
        r.id: LineInfo(r.id, r.code, r.level, r.name, r.name_ru)
        for r in session.exec(select(m.Line).where(m.Line.active)).all()
    }
    groups = {}
    for r in session.exec(select(m.SupportGroup).where(m.SupportGroup.active)).all():
        line = lines[r.line_id]
        groups[r.id] = GroupInfo(
            r.id, r.code, r.name, r.name_ru, r.line_id, line.code, line.level, r.auto_assign
        )
    cats: dict[int, list[CategoryInfo]] = {}
    for c in session.exec(select(m.Category).order_by(m.Category.id)).all():
        cats.setdefault(c.service_id, []).append(CategoryInfo(c.id, c.code, c.name, c.name_ru))
    services = {
        r.id: ServiceInfo(
            r.id,
            r.code,
            r.name,
            r.name_ru,
            r.group_id,
            r.skill,
            r.default_type,
            r.default_impact,
            r.default_urgency,
            tuple(r.checklist),
            tuple(r.checklist_ru),
            tuple(cats.get(r.id, ())),
        )
        for r in session.exec(select(m.Service).where(m.Service.active)).all()
    }
    targets: dict[int, dict[int, tuple[int, int]]] = {}
    updates: dict[int, dict[int, int]] = {}
    for t in session.exec(select(m.SlaTarget)).all():
        targets.setdefault(t.plan_id, {})[t.priority] = (t.response_s, t.resolution_s)
        if t.update_s:
            updates.setdefault(t.plan_id, {})[t.priority] = t.update_s
    plans = {
        r.id: PlanInfo(
            r.id,
            r.code,
            r.name,
            r.name_ru,
            r.calendar_id,
            r.at_risk,
            r.auto_close_days,
            r.is_default,
            targets.get(r.id, {}),
            updates.get(r.id, {}),
        )
        for r in session.exec(select(m.SlaPlan).where(m.SlaPlan.active)).all()
    }
    calendars = {r.id: BusinessCalendar(calendar_spec(r)) for r in session.exec(select(m.Calendar))}
    matrix = {(c.impact, c.urgency): c.priority for c in session.exec(select(m.PriorityCell))}
    service_codes = {s.id: s.code for s in services.values()}
    cat_codes = {c.id: c.code for cs in cats.values() for c in cs}
    group_codes = {g.id: g.code for g in groups.values()}
    rules = tuple(
        Rule(
            group=group_codes[r.group_id],
            service=service_codes.get(r.service_id) if r.service_id else None,
            category=cat_codes.get(r.category_id) if r.category_id else None,
            segment=r.segment,
            site=r.site_code,
            language=r.language,
        )
        for r in session.exec(select(m.RoutingRule).order_by(m.RoutingRule.position)).all()
        if r.group_id in group_codes
    )
    return Catalog(lines, groups, services, plans, calendars, matrix, rules)


def catalog(store: Store, session: Session | None = None, *, fresh: bool = False) -> Catalog:
    """The snapshot for `store`, read again when older than a minute or when asked."""
    cached: Catalog | None = store.cache.get("catalog")
    if cached is not None and not fresh and time.monotonic() - cached.loaded_at < TTL_SECONDS:
        return cached
    if session is not None:
        snapshot = _load(session)
    else:
        with store.read() as s:
            snapshot = _load(s)
    store.cache["catalog"] = snapshot
    return snapshot


def forget(store: Store) -> None:
    store.cache.pop("catalog", None)
