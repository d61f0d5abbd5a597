"""KPIs for a period, per line, group, agent, service or customer.

The formulas (also in the README):

- volume: tickets created in the period, also per channel;
- first-contact resolution rate = created in the period and resolved on first contact
  ÷ created in the period;
- first-response time: over tickets created in the period and answered — mean, median and
  90th percentile, in business time (the plan's calendar, pauses excluded) and wall-clock;
- responses within SLA = answered by the response deadline ÷ answered (created in period);
- resolution time: the same over tickets resolved in the period;
- resolutions within SLA = resolved by the resolution deadline ÷ resolved in the period;
- reopen rate = resolved in the period and reopened at least once ÷ resolved in the period;
- updates on time = public messages to the customer (replies, the resolution) sent by the
  update clock's deadline ÷ all that answered an update clock, over tickets resolved in
  the period (the update time: keep the customer informed every N business minutes);
- satisfaction: mean rating (1–5) and the number of ratings, over tickets closed in the
  period;
- handling time: time logged on tickets resolved in the period, total and per ticket;
- overdue now: open tickets past a running deadline at the moment of the report.

Percentiles are nearest-rank (the ⌈p·n⌉-th smallest value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.refusals import require
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import kpi_queries as q
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

BY = ("line", "group", "agent", "service", "customer")


@dataclass(frozen=True)
class Stats:
    """A duration: how many, mean, median, 90th percentile (seconds)."""

    n: int = 0
    mean: float | None = None
    median: int | None = None
    p90: int | None = None


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    created: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    fcr: int = 0
    answered: int = 0
    answered_in_sla: int = 0
    response_business: Stats = Stats()
    response_wall: Stats = Stats()
    resolved: int = 0
    resolved_in_sla: int = 0
    resolution_business: Stats = Stats()
    resolution_wall: Stats = Stats()
    reopened: int = 0
    time_logged_s: int = 0
    updates_on_time: int = 0
    updates_late: int = 0
    satisfaction_mean: float | None = None
    satisfaction_n: int = 0
    overdue_now: int = 0

    @property
    def fcr_rate(self) -> float | None:
        return self.fcr / self.created if self.created else None

    @property
    def response_in_sla(self) -> float | None:
        return self.answered_in_sla / self.answered if self.answered else None

    @property
    def resolution_in_sla(self) -> float | None:
        return self.resolved_in_sla / self.resolved if self.resolved else None

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.resolved if self.resolved else None

    @property
    def updates_in_sla(self) -> float | None:
        n = self.updates_on_time + self.updates_late
        return self.updates_on_time / n if n else None

    @property
    def handling_mean_s(self) -> float | None:
        return self.time_logged_s / self.resolved if self.resolved else None


@dataclass(frozen=True)
class Report:
    start: datetime
    end: datetime
    by: str
    timezone: str
    rows: tuple[Row, ...]
    total: Row


def period(
    text_from: str | None, text_to: str | None, tz: ZoneInfo, today: date
) -> tuple[datetime, datetime]:
    """[from, to) as instants: dates are local days of the desk (`--to` is exclusive);
    the default is this month so far."""
    try:
        start_day = date.fromisoformat(text_from) if text_from else today.replace(day=1)
        end_day = date.fromisoformat(text_to) if text_to else today + timedelta(days=1)
    except ValueError as exc:
        raise Invalid(_("dates are YYYY-MM-DD: {exc}").format(exc=exc)) from None
    if end_day <= start_day:
        raise Invalid(_("--to must be after --from"))
    if (end_day - start_day).days > 3700:
        raise Invalid(_("a report spans at most ten years"))
    return (
        datetime.combine(start_day, time(), tzinfo=tz),
        datetime.combine(end_day, time(), tzinfo=tz),
    )


def report(
    store: Store,
    by: str = "group",
    *,
    start: str | None = None,
    end: str | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
) -> Report:
    """The KPIs for a period. With `actor`, checked against `report.view` (supervisors
    and admins) and a refusal audited; the command line always passes one."""
    if actor is not None:
        require(store, actor, "report.view")
    if by not in BY:
        raise Invalid(_("--by is one of {BY}, not {by!r}").format(BY=", ".join(BY), by=by))
    now = now or utcnow()
    cat = catalog(store)
    tz_name = cat.calendar_of(cat.plan_for(None)).spec.timezone
    tz = ZoneInfo(tz_name)
    lo, hi = period(start, end, tz, now.astimezone(tz).date())
    with store.read() as s:
        names = _names(s, cat, by)
        per_dim = {dim: _figures(s, dim, lo, hi, now) for dim in (by, "total")}
    rows = tuple(
        sorted(
            (_row(key, names, figures) for key, figures in per_dim[by].items()),
            key=lambda r: (-r.created, r.name),
        )
    )
    total = _row(0, {0: ("total", "All")}, per_dim["total"].get(0, {}))
    return Report(lo, hi, by, tz_name, rows, total)


def _names(s, cat, by: str) -> dict[int | None, tuple[str, str]]:
    if by == "line":
        return {i: (x.code, x.name) for i, x in cat.lines.items()}
    if by == "group":
        return {i: (g.code, g.name) for i, g in cat.groups.items()}
    if by == "service":
        return {i: (x.code, x.name) for i, x in cat.services.items()}
    if by == "agent":
        return {a.id: (a.login, a.name) for a in s.exec(select(m.Agent)).all()}
    return {c.id: (c.code, c.name) for c in s.exec(select(m.Customer)).all()}


def _figures(s, by: str, lo: datetime, hi: datetime, now: datetime) -> dict:
    out: dict = {}

    def slot(key) -> dict:
        return out.setdefault(key, {})

    for key, n, fcr, answered, in_sla, rb, rw in q.created(s, by, lo, hi):
        slot(key).update(
            created=n,
            fcr=int(fcr or 0),
            answered=int(answered or 0),
            answered_in_sla=int(in_sla or 0),
            response_business_mean=rb,
            response_wall_mean=rw,
        )
    for key, channel, n in q.channels(s, by, lo, hi):
        slot(key).setdefault("channels", {})[channel] = n
    for key, n, in_sla, sb, sw, reopened, logged, on_time, late in q.resolved(s, by, lo, hi):
        slot(key).update(
            updates_on_time=int(on_time or 0),
            updates_late=int(late or 0),
            resolved=n,
            resolved_in_sla=int(in_sla or 0),
            resolution_business_mean=sb,
            resolution_wall_mean=sw,
            reopened=int(reopened or 0),
            time_logged_s=int(logged or 0),
        )
    for key, mean, n in q.satisfaction(s, by, lo, hi):
        slot(key).update(
            satisfaction_mean=float(mean) if mean is not None else None, satisfaction_n=n
        )
    for key, n in q.overdue_now(s, by, now):
        slot(key)["overdue_now"] = n
    T = q.T
    for name, value, population in (
        ("response_business", T.response_business_s, T.created_at),
        ("response_wall", T.response_wall_s, T.created_at),
        ("resolution_business", T.resolution_business_s, T.resolved_at),
        ("resolution_wall", T.resolution_wall_s, T.resolved_at),
    ):
        for key, (median, p90) in q.percentiles(s, by, value, population, lo, hi).items():
            slot(key)[f"{name}_pct"] = (median, p90)
    return out


def _stats(figures: dict, name: str, n_key: str) -> Stats:
    mean = figures.get(f"{name}_mean")
    median, p90 = figures.get(f"{name}_pct", (None, None))
    return Stats(figures.get(n_key, 0), float(mean) if mean is not None else None, median, p90)


def _row(key, names: dict, f: dict) -> Row:
    code, name = names.get(key, ("—", "(none)" if key is None else str(key)))
    return Row(
        key=code,
        name=name,
        created=f.get("created", 0),
        channels=f.get("channels", {}),
        fcr=f.get("fcr", 0),
        answered=f.get("answered", 0),
        answered_in_sla=f.get("answered_in_sla", 0),
        response_business=_stats(f, "response_business", "answered"),
        response_wall=_stats(f, "response_wall", "answered"),
        resolved=f.get("resolved", 0),
        resolved_in_sla=f.get("resolved_in_sla", 0),
        resolution_business=_stats(f, "resolution_business", "resolved"),
        resolution_wall=_stats(f, "resolution_wall", "resolved"),
        reopened=f.get("reopened", 0),
        time_logged_s=f.get("time_logged_s", 0),
        updates_on_time=f.get("updates_on_time", 0),
        updates_late=f.get("updates_late", 0),
        satisfaction_mean=f.get("satisfaction_mean"),
        satisfaction_n=f.get("satisfaction_n", 0),
        overdue_now=f.get("overdue_now", 0),
    )


# labels for people, translated where shown (`_(label)`)
COLUMNS = (
    ("key", N_("key")),
    ("name", N_("name")),
    ("created", N_("created")),
    ("fcr_rate", N_("FCR")),
    ("response_median_h", N_("1st resp. median (bh)")),
    ("response_p90_h", N_("1st resp. p90 (bh)")),
    ("response_in_sla", N_("resp. in SLA")),
    ("resolved", N_("resolved")),
    ("resolution_median_h", N_("resol. median (bh)")),
    ("resolution_p90_h", N_("resol. p90 (bh)")),
    ("resolution_in_sla", N_("resol. in SLA")),
    ("reopen_rate", N_("reopened")),
    ("updates_in_sla", N_("updates in SLA")),
    ("satisfaction", N_("CSAT")),
    ("handling_mean_min", N_("handling (min)")),
    ("overdue_now", N_("overdue now")),
)


def flat(row: Row) -> dict[str, object]:
    """One row as plain values for tables, CSV and JSON (hours, minutes, shares)."""

    def hours(seconds: float | None) -> float | None:
        return round(seconds / 3600, 2) if seconds is not None else None

    def share(value: float | None) -> float | None:
        return round(value, 4) if value is not None else None

    return {
        "key": row.key,
        "name": row.name,
        "created": row.created,
        "channels": dict(sorted(row.channels.items())),
        "fcr_rate": share(row.fcr_rate),
        "response_n": row.response_business.n,
        "response_mean_h": hours(row.response_business.mean),
        "response_median_h": hours(row.response_business.median),
        "response_p90_h": hours(row.response_business.p90),
        "response_wall_mean_h": hours(row.response_wall.mean),
        "response_wall_median_h": hours(row.response_wall.median),
        "response_wall_p90_h": hours(row.response_wall.p90),
        "response_in_sla": share(row.response_in_sla),
        "resolved": row.resolved,
        "resolution_mean_h": hours(row.resolution_business.mean),
        "resolution_median_h": hours(row.resolution_business.median),
        "resolution_p90_h": hours(row.resolution_business.p90),
        "resolution_wall_mean_h": hours(row.resolution_wall.mean),
        "resolution_wall_median_h": hours(row.resolution_wall.median),
        "resolution_wall_p90_h": hours(row.resolution_wall.p90),
        "resolution_in_sla": share(row.resolution_in_sla),
        "reopen_rate": share(row.reopen_rate),
        "updates_in_sla": share(row.updates_in_sla),
        "updates_n": row.updates_on_time + row.updates_late,
        "satisfaction": round(row.satisfaction_mean, 2) if row.satisfaction_mean else None,
        "satisfaction_n": row.satisfaction_n,
        "handling_total_min": round(row.time_logged_s / 60),
        "handling_mean_min": round(row.handling_mean_s / 60, 1)
        if row.handling_mean_s is not None
        else None,
        "overdue_now": row.overdue_now,
    }
