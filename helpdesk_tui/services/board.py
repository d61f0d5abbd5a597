"""The supervisor board: load per line, group and agent, today's arrivals, the backlog."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import select

from helpdesk_tui.domain.workflow import Status
from helpdesk_tui.i18n import localized
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.refusals import require
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import aggregates as agg
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

WAITING = {Status.WAITING_CUSTOMER.value, Status.WAITING_VENDOR.value}
WORKING = {Status.IN_PROGRESS.value, Status.REOPENED.value}
BACKLOG_DAYS = 14

DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "unassigned": {"warn": 5, "alert": 15},
    "at_risk": {"warn": 1, "alert": 5},
    "breached": {"warn": 1, "alert": 1},
    "oldest_hours": {"warn": 24, "alert": 72},
    "incoming_hour": {"warn": 20, "alert": 40},
    "agent_load": {"warn": 8, "alert": 12},
}


@dataclass(frozen=True)
class Load:
    """Figures for a group, or summed for a line."""

    open: int = 0
    unassigned: int = 0
    new: int = 0
    in_progress: int = 0
    waiting: int = 0
    at_risk: int = 0
    breached: int = 0
    oldest: datetime | None = None
    incoming_hour: int = 0
    resolved_today: int = 0

    def plus(self, other: Load) -> Load:
        oldest = [x for x in (self.oldest, other.oldest) if x is not None]
        return Load(
            self.open + other.open,
            self.unassigned + other.unassigned,
            self.new + other.new,
            self.in_progress + other.in_progress,
            self.waiting + other.waiting,
            self.at_risk + other.at_risk,
            self.breached + other.breached,
            min(oldest) if oldest else None,
            self.incoming_hour + other.incoming_hour,
            self.resolved_today + other.resolved_today,
        )


@dataclass(frozen=True)
class GroupRow:
    kind: str  # "line" | "group"
    code: str
    name: str
    line: str
    load: Load


@dataclass(frozen=True)
class AgentRow:
    id: int
    login: str
    name: str
    role: str
    on_shift: bool
    by_priority: tuple[int, int, int, int]
    at_risk: int
    breached: int
    last_activity: datetime | None

    @property
    def held(self) -> int:
        return sum(self.by_priority)


@dataclass(frozen=True)
class Board:
    at: datetime
    timezone: str
    rows: tuple[GroupRow, ...]
    agents: tuple[AgentRow, ...]
    hourly_today: tuple[int, ...]
    hourly_last_week: tuple[int, ...]
    backlog: tuple[tuple[date, int], ...]
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def totals(self) -> Load:
        total = Load()
        for row in self.rows:
            if row.kind == "line":
                total = total.plus(row.load)
        return total


def thresholds(store: Store) -> dict[str, dict[str, float]]:
    with store.read() as s:
        row = s.get(m.DeskSetting, "board")
    merged = {k: dict(v) for k, v in DEFAULT_THRESHOLDS.items()}
    if row is not None:
        for name, levels in row.value.get("thresholds", {}).items():
            merged.setdefault(name, {}).update(levels)
    return merged


def level(value: float | None, name: str, limits: dict[str, dict[str, float]]) -> str:
    """ok | warn | alert for a figure, by the thresholds from data/board.toml."""
    if value is None or name not in limits:
        return "ok"
    if value >= limits[name].get("alert", float("inf")):
        return "alert"
    if value >= limits[name].get("warn", float("inf")):
        return "warn"
    return "ok"


def board(store: Store, *, now: datetime | None = None, actor: Actor | None = None) -> Board:
    """The board's figures. With `actor`, checked against `board.view` (supervisors and
    admins) and a refusal audited."""
    if actor is not None:
        require(store, actor, "board.view")
    now = now or utcnow()
    cat = catalog(store)
    default_plan = cat.plan_for(None)
    tz_name = cat.calendar_of(default_plan).spec.timezone
    tz = ZoneInfo(tz_name)
    local_today = now.astimezone(tz).date()
    day_start = datetime.combine(local_today, time(), tzinfo=tz)
    with store.read() as s:
        groups: dict[int, dict] = {}
        per_agent: dict[int, list[int]] = {}
        for gid, status, assignee, priority, n, risk, late, oldest in agg.open_summary(s, now):
            if assignee is not None:
                figures = per_agent.setdefault(assignee, [0, 0, 0, 0, 0, 0])
                if 1 <= priority <= 4:
                    figures[priority - 1] += n
                figures[4] += int(risk or 0)
                figures[5] += int(late or 0)
            g = groups.setdefault(
                gid,
                {
                    "open": 0,
                    "unassigned": 0,
                    "new": 0,
                    "in_progress": 0,
                    "waiting": 0,
                    "at_risk": 0,
                    "breached": 0,
                    "oldest": None,
                },
            )
            g["open"] += n
            g["unassigned"] += n if assignee is None else 0
            g["new"] += n if status == Status.NEW else 0
            g["in_progress"] += n if status in WORKING or status == Status.ASSIGNED else 0
            g["waiting"] += n if status in WAITING else 0
            g["at_risk"] += int(risk or 0)
            g["breached"] += int(late or 0)
            if oldest is not None and (g["oldest"] is None or oldest < g["oldest"]):
                g["oldest"] = oldest
        incoming = agg.count_by_group_since(s, agg.T.created_at, now - timedelta(hours=1))
        resolved = agg.count_by_group_since(s, agg.T.resolved_at, day_start)
        agents = s.exec(select(m.Agent).where(m.Agent.active).order_by(m.Agent.login)).all()
        activity = agg.last_activity(s, [a.id for a in agents])
        today = _hourly(s, local_today, tz, until=now)
        last_week = _hourly(s, local_today - timedelta(days=7), tz)
        backlog = _backlog(s, now, local_today, tz)
    rows: list[GroupRow] = []
    for line in sorted(cat.lines.values(), key=lambda line: (line.level, line.code)):
        line_groups = sorted(cat.line_groups(line.id), key=lambda g: g.code)
        total = Load()
        group_rows = []
        for g in line_groups:
            figures = groups.get(g.id, {})
            load = Load(
                open=figures.get("open", 0),
                unassigned=figures.get("unassigned", 0),
                new=figures.get("new", 0),
                in_progress=figures.get("in_progress", 0),
                waiting=figures.get("waiting", 0),
                at_risk=figures.get("at_risk", 0),
                breached=figures.get("breached", 0),
                oldest=figures.get("oldest"),
                incoming_hour=incoming.get(g.id, 0),
                resolved_today=resolved.get(g.id, 0),
            )
            total = total.plus(load)
            group_rows.append(GroupRow("group", g.code, localized(g), line.code, load))
        rows.append(GroupRow("line", line.code, localized(line), line.code, total))
        rows.extend(group_rows)
    agent_list = tuple(
        AgentRow(
            a.id,
            a.login,
            a.name,
            a.role,
            a.on_shift,
            tuple(per_agent.get(a.id, [0] * 6)[:4]),
            per_agent.get(a.id, [0] * 6)[4],
            per_agent.get(a.id, [0] * 6)[5],
            activity.get(a.id),
        )
        for a in agents
        if a.role in ("engineer", "dispatcher")
    )
    return Board(
        at=now,
        timezone=tz_name,
        rows=tuple(rows),
        agents=agent_list,
        hourly_today=today,
        hourly_last_week=last_week,
        backlog=backlog,
        thresholds=thresholds(store),
    )


def _hourly(s, day: date, tz: ZoneInfo, until: datetime | None = None) -> tuple[int, ...]:
    """Arrivals in each local hour of `day` (up to `until`), as indexed range counts: the
    day's tickets are counted in the index, never read. On the day clocks change, the
    hour that does not exist counts nothing and the repeated one counts both."""
    bounds = [datetime.combine(day, time(hour), tzinfo=tz) for hour in range(24)]
    bounds.append(datetime.combine(day + timedelta(days=1), time(), tzinfo=tz))
    if until is not None:
        bounds = [min(b, until) for b in bounds]
    return tuple(agg.counts_in_ranges(s, agg.T.created_at, bounds))


# coalesce(x, x) IS NULL: "never resolved", but not a test SQLite answers from the
# resolved_at index (every open ticket); the closed_at range is read from its covering index
NEVER_RESOLVED = func.coalesce(agg.T.resolved_at, agg.T.resolved_at).is_(None)


def _backlog(s, now: datetime, today: date, tz: ZoneInfo) -> tuple[tuple[date, int], ...]:
    """Open tickets at the end of each of the last days, counted back from now: open now,
    minus what arrived since, plus what was resolved or cancelled since."""
    days = [today - timedelta(days=d) for d in range(BACKLOG_DAYS - 1, -1, -1)]
    # ends[i]: the end of days[i]; the last "end" is now
    ends = [datetime.combine(day + timedelta(days=1), time(), tzinfo=tz) for day in days[:-1]]
    bounds = [*ends, now]
    created = agg.counts_in_ranges(s, agg.T.created_at, bounds)
    resolved = agg.counts_in_ranges(s, agg.T.resolved_at, bounds)
    cancelled = agg.counts_in_ranges(s, agg.T.closed_at, bounds, NEVER_RESOLVED)
    open_now = agg.open_count(s)
    points = []
    for i, day in enumerate(days[:-1]):
        since = sum(created[i:]) - sum(resolved[i:]) - sum(cancelled[i:])
        points.append((day, max(0, open_now - since)))
    points.append((days[-1], open_now))
    return tuple(points)
