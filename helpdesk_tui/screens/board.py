"""The supervisor's board: load per line, group and agent, live; act on what goes red."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, SelectionList, Static

from helpdesk_tui import startup
from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.errors import HelpdeskError, NotAllowed
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.i18n import N_, _, localized, n_, pgettext
from helpdesk_tui.screens.base import DeskScreen, WorkerCalls
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import agents, mass_incident, queue, ticket_actions, vendors
from helpdesk_tui.services import board as board_service
from helpdesk_tui.services.board import Board, level
from helpdesk_tui.services.queue import QueueQuery
from helpdesk_tui.widgets.charts import PairedBars, sparkline
from helpdesk_tui.widgets.footer import Footer

REFRESH_DELAY = 0.25  # coalesce bursts of changes into one re-read


def _age(oldest: datetime | None, now: datetime) -> str:
    if oldest is None:
        return "—"
    hours = (now - oldest).total_seconds() / 3600
    if hours < 48:
        return _("{hours:.0f}h").format(hours=hours)
    return _("{days:.0f}d").format(days=hours / 24)


class LoadTable(DataTable):
    """A board table whose cells are coloured by the thresholds in data/board.toml."""

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "load--warn",
        "load--alert",
        "load--line",
        "load--off",
    }
    DEFAULT_CSS = """
    LoadTable > .load--warn { color: $warning; text-style: bold; }
    LoadTable > .load--alert { color: $error; text-style: bold; }
    LoadTable > .load--line { text-style: bold; }
    LoadTable > .load--off { color: $text-muted; }
    """

    def cell(self, value: object, state: str = "ok", *, line: bool = False) -> Text:
        style = self.get_component_rich_style("load--line") if line else None
        text = Text(str(value), style=style or "")
        if state in ("warn", "alert"):
            text.stylize(self.get_component_rich_style(f"load--{state}"))
        return text


class BoardScreen(DeskScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Open queue"), id="board.open", show=False),
        Binding(
            "R",
            "reassign",
            N_("Reassign"),
            id="board.reassign",
            tooltip=N_("Move an agent's tickets to another agent or group"),
        ),
        Binding("o", "shift", N_("On/off shift"), id="board.shift"),
        Binding("w", "workspace", N_("Queues"), id="board.workspace"),
        Binding("K", "reports", N_("KPIs"), id="board.reports"),
        Binding("ctrl+r", "refresh", N_("Refresh"), id="board.refresh", show=False),
        Binding(
            "v",
            "vendors",
            N_("Vendors"),
            id="board.vendors",
            show=False,
            tooltip=N_("A vendor's card: their cases and the promises they let pass"),
        ),
    ]

    DEFAULT_CSS = """
    BoardScreen #board-status { height: 1; padding: 0 1; color: $text-muted; }
    BoardScreen #tables { height: 1fr; }
    BoardScreen #groups { width: 1fr; }
    BoardScreen #agents { width: 66; border-left: solid $panel; }
    BoardScreen.-narrow #tables { layout: vertical; }
    BoardScreen.-narrow #groups { height: 1fr; width: 100%; }
    BoardScreen.-narrow #agents { height: 1fr; width: 100%; border-left: none;
                                  border-top: solid $panel; }
    BoardScreen #charts { height: 11; border-top: solid $panel; }
    BoardScreen #hourly { width: 1fr; padding: 0 1; }
    BoardScreen #side { width: 1fr; padding: 0 1; }
    BoardScreen .title { text-style: bold; }
    """

    MASS_SHOWN = 5  # mass incidents listed (the board's corner has room for this many)

    def __init__(self) -> None:
        super().__init__()
        self.data: Board | None = None
        self._timer = None
        self._refused = False  # refused once: no more live reloads (each would be audited)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-status")
        with Horizontal(id="tables"):
            yield LoadTable(id="groups", cursor_type="row", zebra_stripes=False)
            yield LoadTable(id="agents", cursor_type="row")
        with Horizontal(id="charts"):
            yield Static(id="hourly")
            with Vertical(id="side"):
                yield Static(id="backlog")
                yield Static(id="mass")
                yield Static(id="vendor-promises")
        yield Footer()

    NARROW = 150  # columns: below it the agents' table goes under the groups' table

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < self.NARROW, "-narrow")  # laid out so at once
        self.title = _("Supervisor board")
        groups = self.query_one("#groups", LoadTable)
        groups.add_columns(
            _("Line / group"),
            pgettext("board", "Open"),
            _("Unasg."),
            pgettext("board", "New"),
            _("Work"),
            _("Wait"),
            _("Risk"),
            _("Late"),
            _("Oldest"),
            _("Last h"),
            _("Done today"),
        )
        team = self.query_one("#agents", LoadTable)
        team.add_columns(
            _("Agent"),
            _("Shift"),
            "P1",
            "P2",
            "P3",
            "P4",
            _("Held"),
            _("Risk"),
            _("Late"),
            _("Active"),
        )
        groups.focus()
        self.load()

    # -- data -----------------------------------------------------------------------------
    def load(self) -> None:
        self.call(
            board_service.board,
            self.desk.store,
            now=self.desk.clock(),
            actor=self.desk.actor,
            done=self.show,
            failed=self._failed,
            group="board",
            exclusive=True,
        )
        self._load_mass()

    def _load_mass(self) -> None:
        self.call(
            mass_incident.open_incidents,
            self.desk.store,
            done=self._show_mass,
            group="board-mass",
            exclusive=True,
        )

    def _show_mass(self, found: list[mass_incident.MassIncident]) -> None:
        """Open mass incidents and their calls (services/mass_incident.py)."""
        mass = Text(_("Open mass incidents: "), style="bold")
        if not found:
            mass.append(_("none"), style="dim")
        for incident in found[: self.MASS_SHOWN]:
            mass.append(f"\n  {incident.key} ")
            n, still = incident.children, incident.open_children
            mass.append(
                n_("{n:,} call, {open:,} open", "{n:,} calls, {open:,} open", n).format(
                    n=n, open=still
                )
            )
            if incident.excluded:
                mass.append(_(", {n:,} excluded").format(n=incident.excluded))
            mass.append(" · " + visible_line(incident.subject)[:50])
        if len(found) > self.MASS_SHOWN:
            more = len(found) - self.MASS_SHOWN
            mass.append("\n  " + _("… {n} more").format(n=more), style="dim")
        self.query_one("#mass", Static).update(mass)

    def load_vendor_promises(self) -> None:
        """After the board itself loaded: a refused board is refused (and audited) once."""
        self.call(
            vendors.late_promises,
            self.desk.store,
            self.desk.actor,
            now=self.desk.clock(),
            done=self.show_vendor_promises,
            failed=lambda error: True,  # the board's own call says why
            group="board-vendors",
            exclusive=True,
        )

    def show_vendor_promises(self, late: vendors.LatePromises) -> None:
        """Vendors' promises that passed on open tickets: hidden while there are none."""
        box = self.query_one("#vendor-promises", Static)
        box.display = late.total > 0
        text = Text(_("Vendor promises passed: {n}").format(n=late.total), style="bold")
        text.append(_(" · v: a vendor's card"), style="dim")
        now = self.desk.clock()
        for p in late.rows[:3]:
            text.append(
                f"\n  {p.key} "
                + _("{vendor} case {case} · late {age}").format(
                    vendor=visible_line(p.vendor_name)[:24],
                    case=visible_line(p.case)[:16],
                    age=_age(p.promised_at, now),
                )
            )
        box.update(text)

    def action_vendors(self) -> None:
        def show(groups: list) -> None:
            if not groups:
                self.notify(_("There are no vendors (line 4 groups)."), severity="warning")
                return
            choices = [Choice(g.code, localized(g), g.code) for g in groups]
            self.app.push_screen(
                PickerScreen(_("A vendor's card"), choices),
                lambda code: self.desk.open_card("vendor", code) if code else None,
            )

        self.call(vendors.vendors, self.desk.store, done=show)

    def _failed(self, error: Exception) -> bool:
        self._refused = isinstance(error, NotAllowed)
        return False  # shown as usual

    def on_tickets_changed(self, ids: frozenset[int]) -> None:
        if self._refused:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(REFRESH_DELAY, self.load)

    def action_refresh(self) -> None:
        self.load()

    def show(self, b: Board) -> None:
        self.data = b
        self._refused = False
        now = b.at
        limits = b.thresholds
        groups = self.query_one("#groups", LoadTable)
        keep = groups.cursor_row
        groups.clear()
        for row in b.rows:
            line = row.kind == "line"
            name = row.name if len(row.name) <= 24 else row.name[:23] + "…"
            label = name if line else f"  {name}"
            load = row.load
            oldest_h = (now - load.oldest).total_seconds() / 3600 if load.oldest else None
            cells = [
                groups.cell(visible_line(label), line=line),
                groups.cell(load.open, line=line),
                groups.cell(
                    load.unassigned, level(load.unassigned, "unassigned", limits), line=line
                ),
                groups.cell(load.new, line=line),
                groups.cell(load.in_progress, line=line),
                groups.cell(load.waiting, line=line),
                groups.cell(load.at_risk, level(load.at_risk, "at_risk", limits), line=line),
                groups.cell(load.breached, level(load.breached, "breached", limits), line=line),
                groups.cell(
                    _age(load.oldest, now), level(oldest_h, "oldest_hours", limits), line=line
                ),
                groups.cell(
                    load.incoming_hour,
                    level(load.incoming_hour, "incoming_hour", limits),
                    line=line,
                ),
                groups.cell(load.resolved_today, line=line),
            ]
            groups.add_row(*cells, key=f"{row.kind}:{row.code}")
        if groups.row_count:
            groups.move_cursor(row=min(keep, groups.row_count - 1))
        team = self.query_one("#agents", LoadTable)
        keep = team.cursor_row
        team.clear()
        for a in sorted(b.agents, key=lambda a: (not a.on_shift, -a.held, a.login)):
            off = not a.on_shift
            state = "ok" if off else level(a.held, "agent_load", limits)
            active = (
                _("{age} ago").format(age=_age(a.last_activity, now)) if a.last_activity else "—"
            )
            name = team.cell(visible_line(a.name)[:18])
            if off:
                name.stylize(team.get_component_rich_style("load--off"))
            team.add_row(
                name,
                team.cell(_("on") if a.on_shift else _("OFF"), "warn" if off else "ok"),
                *[team.cell(n) for n in a.by_priority],
                team.cell(a.held, state),
                team.cell(a.at_risk, level(a.at_risk, "at_risk", limits)),
                team.cell(a.breached, level(a.breached, "breached", limits)),
                team.cell(active),
                key=f"agent:{a.login}",
            )
        if team.row_count:
            team.move_cursor(row=min(keep, team.row_count - 1))
        hourly = PairedBars(
            b.hourly_today,
            b.hourly_last_week,
            [f"{h:02d}" for h in range(24)],
            height=6,
            first_style=team.get_component_rich_style("load--warn"),
            second_style="dim",
            legend=(_("today"), _("same weekday last week")),
        )
        box = self.query_one("#hourly", Static)
        box.update(hourly)
        box.border_title = _("Incoming per hour ({zone})").format(zone=b.timezone)
        levels = [n for _day, n in b.backlog]
        backlog = Text(_("Backlog, last 14 days: "), style="bold")
        backlog.append(sparkline(levels))
        if levels:
            backlog.append(
                "  " + _("{first:,} → {last:,} open").format(first=levels[0], last=levels[-1])
            )
        self.query_one("#backlog", Static).update(backlog)
        total = b.totals
        self.query_one("#board-status", Static).update(
            Text(
                _(
                    "as of {time} · {open:,} open · {unassigned:,} unassigned · "
                    "{at_risk:,} at risk · {breached:,} breached · updates by itself"
                ).format(
                    time=f"{b.at.astimezone():%H:%M:%S}",
                    open=total.open,
                    unassigned=total.unassigned,
                    at_risk=total.at_risk,
                    breached=total.breached,
                )
            )
        )
        self.load_vendor_promises()
        self.call_after_refresh(startup.settled)  # the start is over (helpdesk_tui/startup.py)

    # -- acting ------------------------------------------------------------------------------
    def _selected(self) -> tuple[str, str] | None:
        table = self.focused if isinstance(self.focused, LoadTable) else None
        if table is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        kind, code = key.split(":", 1)
        return kind, code

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from helpdesk_tui.screens.workspace import WorkspaceScreen

        picked = self._selected()
        if picked is None:
            return
        kind, code = picked
        if kind == "agent":
            self.call(
                queue.agent_tab,
                self.desk.store,
                code,
                done=lambda tab: self.app.push_screen(
                    WorkspaceScreen(start=tab.id, extra_tabs=[tab])
                ),
            )
        elif kind == "line":
            cat = self.desk.catalog
            line = cat.line(code)
            groups = cat.line_groups(line.id)
            start = f"line:{code}" if len(groups) > 1 else f"group:{groups[0].code}"
            self.app.push_screen(WorkspaceScreen(start=start))
        else:
            self.app.push_screen(WorkspaceScreen(start=f"{kind}:{code}"))

    def action_workspace(self) -> None:
        from helpdesk_tui.screens.workspace import WorkspaceScreen

        self.app.push_screen(WorkspaceScreen())

    def action_reports(self) -> None:
        from helpdesk_tui.screens.reports import ReportsScreen

        if not permissions.allows(self.desk.actor.role, "report.view"):
            self.notify(_("The KPI reports are for supervisors and admins."), severity="warning")
            return
        self.app.push_screen(ReportsScreen())

    def action_shift(self) -> None:
        picked = self._selected()
        if picked is None or picked[0] != "agent" or self.data is None:
            self.notify(_("Pick an agent in the right-hand table."), severity="warning")
            return
        login = picked[1]
        agent = next(a for a in self.data.agents if a.login == login)
        self.call(
            agents.set_on_shift,
            self.desk.store,
            self.desk.actor,
            login,
            not agent.on_shift,
            done=lambda _result: (
                self.notify(
                    (
                        _("{login} is off shift") if agent.on_shift else _("{login} is on shift")
                    ).format(login=login)
                ),
                self.load(),
            ),
        )

    def action_reassign(self) -> None:
        picked = self._selected()
        if picked is None or picked[0] != "agent":
            self.notify(_("Pick an agent in the right-hand table."), severity="warning")
            return
        self.app.push_screen(ReassignScreen(picked[1]), lambda _result: self.load())


class ReassignScreen(WorkerCalls, ModalScreen[None]):
    """An agent's open tickets: mark some (space), Enter moves them to another agent or
    group. Each ticket is its own audited change; the summary says what failed and why."""

    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="reassign.close"),
        Binding("enter", "move", N_("Move the marked"), id="reassign.move", priority=True),
        Binding("a", "all", N_("Mark all"), id="reassign.all"),
    ]
    DEFAULT_CSS = """
    ReassignScreen { align: center middle; }
    ReassignScreen > Vertical {
        width: 90%; max-width: 110; height: 80%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    ReassignScreen SelectionList { height: 1fr; }
    ReassignScreen .hint { color: $text-muted; }
    """

    def __init__(self, login: str) -> None:
        super().__init__()
        self.login = login
        self.versions: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Open tickets of {login}").format(login=self.login), classes="title")
            yield SelectionList(id="tickets")
            yield Static(
                _("space: mark · a: mark all · Enter: move the marked · Esc: close"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        self.call(queue.agent_tab, self.desk.store, self.login, done=self._tab)

    def _tab(self, tab) -> None:
        self.call(queue.page, self.desk.store, QueueQuery(tab), limit=500, done=self._rows)

    def _rows(self, rows) -> None:
        options = self.query_one(SelectionList)
        for row in rows:
            self.versions[row.key] = row.version
            options.add_option(
                (Text(f"{row.key} P{row.priority} {visible_line(row.subject)[:70]}"), row.key)
            )

    def action_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def action_move(self) -> None:
        keys = list(self.query_one(SelectionList).selected)
        if not keys:
            self.notify(_("Mark tickets with space first."), severity="warning")
            return
        self.call(agents.list_agents, self.desk.store, done=lambda rows: self._target(keys, rows))

    def _target(self, keys: list[str], rows) -> None:
        cat = self.desk.catalog
        choices = [
            Choice(
                f"agent:{a.login}",
                f"{a.name} ({a.login})",
                _("{groups} · {load} open").format(groups=", ".join(a.groups), load=a.load)
                + ("" if a.on_shift else _(" · OFF shift")),
            )
            for a in rows
            if a.active and a.login != self.login and a.role in ("engineer", "dispatcher")
        ]
        choices += [
            Choice(
                f"group:{g.code}",
                _("Group {name}").format(name=localized(g)),
                _("{line} · queue").format(line=g.line_code),
            )
            for g in sorted(cat.groups.values(), key=lambda g: (g.level, g.code))
        ]

        def chosen(target: str | None) -> None:
            if target:
                self.call(
                    _move_all,
                    self.desk.store,
                    self.desk.actor,
                    keys,
                    target,
                    self.versions,
                    done=self._moved,
                )

        title = n_("Move {n} ticket to…", "Move {n} tickets to…", len(keys)).format(n=len(keys))
        self.app.push_screen(PickerScreen(title, choices), chosen)

    def _moved(self, outcome: tuple[list[str], list[str]]) -> None:
        done, failed = outcome
        message = n_("{n} moved", "{n} moved", len(done)).format(n=len(done))
        if failed:
            message += _("; {n} not: {why}").format(n=len(failed), why="; ".join(failed[:3]))
        self.notify(message, severity="warning" if failed else "information", timeout=10)
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()


def _move_all(
    store, actor, keys: list[str], target: str, versions: dict[str, int]
) -> tuple[list[str], list[str]]:
    """Each ticket in its own transaction; a failure leaves the others done."""
    kind, code = target.split(":", 1)
    moved, failed = [], []
    for key in keys:
        try:
            if kind == "agent":
                ticket_actions.reassign_to_agent(
                    store, actor, key, code, expected_version=versions.get(key)
                )
            else:
                ticket_actions.assign(
                    store, actor, key, None, group=code, expected_version=versions.get(key)
                )
            moved.append(key)
        except HelpdeskError as exc:
            failed.append(f"{key}: {exc}")
    return moved, failed
