"""One application process of the benchmark: started by `run.py`, never imported by it.

    python tests/bench/appbench.py start   --kind helpdesk|baseline|bare --db URL
    python tests/bench/appbench.py session --kind helpdesk|baseline      --db URL

`start` runs the application headless (`App.run_test`) and prints `PAINTED <json>` as soon
as the first queue page is painted (the parent measures from before it spawned us, so the
figure is the whole process: interpreter, imports, store, first query, first paint), then
exits. `session` drives the running application with key presses (tabs, filters, search,
sort, cursor keys), times each from the key press to the first paint that shows its result,
and prints `RESULT <json>` with the samples and the process's peak RSS.

Three applications:
- `helpdesk`: the real one (`make_app` as the CLI builds it, the cycle collector paused
  until the first screen is painted as the `helpdesk` command does), on the line-2 queue;
- `baseline`: the obvious implementation — a stock `textual.widgets.DataTable` filled,
  through the ORM, with every open ticket of a line (`add_rows` of them all);
- `bare`: a bare Textual app that paints one static table (the start-up reference).

"Painted" is measured in the compositor: `App._display` is wrapped so that each screen
update is also serialised to terminal bytes (what a real terminal would be sent; the headless
driver skips that), and a waiter fires on the first update after which the condition holds
(for example: the table's generation moved on and every row in view is loaded).

Imports are lazy on purpose: the `bare` process must not pay for helpdesk's imports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE = (160, 45)
TIMEOUT = 60.0


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """This process's own peak RSS (Linux's VmHWM). Not `ru_maxrss`: Linux carries it over
    `exec`, so a process spawned by a big parent (the benchmark, after its ORM baselines:
    240-290 MB) reported the parent's peak as its own."""
    own = _status_mb("VmHWM")
    return own if own is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    now = _status_mb("VmRSS")
    return now if now is not None else float("nan")


# -- the paint probe  -------------------------------------------------------------------------


class PaintProbe:
    """Wraps `app._display`: every screen update is rendered to terminal bytes, then the
    waiters whose condition now holds get the time of that update."""

    def __init__(self, app) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.updates = 0
        self.bytes = 0
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future]] = []
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                self.bytes += len(renderable.render_segments(app.console))
            self.updates += 1
            if self._waiters:
                now = time.perf_counter()
                for waiter in list(self._waiters):
                    condition, future = waiter
                    if not future.done():
                        try:
                            ok = condition()
                        except Exception:  # the screen may be half-built
                            ok = False
                        if ok:
                            future.set_result(now)
                            self._waiters.remove(waiter)

        app._display = display

    async def wait(self, condition: Callable[[], bool], timeout: float = TIMEOUT) -> float:
        """perf_counter() of the first screen update after which `condition()` holds."""
        future = asyncio.get_running_loop().create_future()
        entry = (condition, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            if entry in self._waiters:
                self._waiters.remove(entry)


def send_key(app, key: str) -> None:
    """Deliver one key press the way Pilot does, without Pilot's idle waits (they sleep
    until the process looks idle, which would be timed along with the work)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


QUIET = 0.15  # longer than the workspace's 80 ms debounce before it loads the ticket pane


async def settle(app, quiet: float = QUIET, timeout: float = TIMEOUT) -> None:
    """Wait until no worker but the live feed runs and none started for `quiet` s, so
    each timed key starts from a calm application (debounced loads included)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    calm_since = None
    while loop.time() < deadline:
        await asyncio.sleep(0.005)
        busy = any(w.group != "feed" and not w.is_finished for w in app.workers)
        if busy:
            calm_since = None
        elif calm_since is None:
            calm_since = loop.time()
        elif loop.time() - calm_since >= quiet:
            return
    raise TimeoutError("the application did not settle")


async def timed(app, probe: PaintProbe, key: str, condition: Callable[[], bool]) -> float:
    """Milliseconds from sending `key` to the first paint after which `condition` holds."""
    t0 = time.perf_counter()
    send_key(app, key)
    try:
        t1 = await probe.wait(condition)
    except TimeoutError:
        raise TimeoutError(f"after {key!r}: {_state(app)}") from None
    return (t1 - t0) * 1000


def _state(app) -> str:
    """What the screen looked like when a condition never held (for the error)."""
    from textual.widgets import DataTable

    tables = [
        f"{t.id}: {t.row_count} rows, cursor {t.cursor_row}" for t in app.screen.query(DataTable)
    ]
    try:  # the queue's own table: where its cursor is, and which rows in view are not loaded
        from helpdesk_tui.widgets.ticket_table import TicketTable

        for t in app.screen.query(TicketTable):
            top, end = int(t.scroll_y), min(t.total, int(t.scroll_y) + t.page_height)
            missing = [p for p in range(top, end) if t.row_at(p) is None]
            tables.append(
                f"{t.id}: cursor {t.cursor} of {t.total}, rows {top}–{end} in view, "
                f"not loaded {missing[:5]}{'…' if len(missing) > 5 else ''}; workers "
                + ", ".join(f"{w.name}:{w.state.name}" for w in app.workers)
            )
    except Exception as error:  # the state is for the message only
        tables.append(f"(table state unavailable: {error!r})")
    return f"screen {type(app.screen).__name__}, focus {app.focused!r}, " + "; ".join(tables)


async def keys(pilot, *names: str) -> None:
    """Untimed key presses (opening a picker, typing a word): each is processed before the
    next is sent (Pilot's way), then the application settles."""
    for name in names:
        await pilot.press(name)
    await settle(pilot.app)


async def until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not _safe(condition):
        if loop.time() > deadline:
            raise TimeoutError("condition never held")
        await asyncio.sleep(0.005)


async def open_picker(pilot, key: str, choice: str) -> str:
    """Open a picker with `key` and move its highlight down to the choice whose id is
    `choice` (or the first id starting with it); untimed. Returns the id."""
    from textual.widgets import OptionList

    from helpdesk_tui.screens.picker import PickerScreen

    app = pilot.app
    await pilot.press(key)
    await until(
        lambda: (
            isinstance(app.screen, PickerScreen)
            and app.screen.query_one(OptionList).option_count > 0
        )
    )
    ids = [c.id for c in app.screen.shown]
    index = next(i for i, c in enumerate(ids) if c == choice or c.startswith(choice))
    for _ in range(index):
        await pilot.press("down")
    await until(lambda: app.screen.query_one(OptionList).highlighted == index)
    await settle(app)
    return ids[index]


# -- the helpdesk application  ----------------------------------------------------------------


def build_helpdesk(url: str, login: str, tab: str | None):
    sys.path.insert(0, str(ROOT))
    from helpdesk_tui.app import make_app
    from helpdesk_tui.cli.common import Context

    c = Context(db=url, login=login)
    store = c.store()
    actor = c.actor()
    # The queue screen whoever the agent is (a supervisor lands on the board; the queue is
    # one key away): we measure the queue, on the line-2 tab the baseline also shows. Live
    # updates on, as users run it; the minute SLA tick off: it would write alert events
    # into the benchmark store and land in the middle of timed key presses.
    return make_app(store, actor, c.settings, sla_tick=False, start_tab=tab)


def view_loaded(table) -> bool:
    top = int(table.scroll_y)
    end = min(table.total, top + table.page_height)
    return all(table.row_at(p) is not None for p in range(top, end))


class HelpdeskDriver:
    """Conditions and keys for the real application."""

    def __init__(self, app) -> None:
        self.app = app

    @property
    def workspace(self):
        from helpdesk_tui.screens.workspace import WorkspaceScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, WorkspaceScreen):
                return screen
        raise LookupError("no workspace yet")

    @property
    def table(self):
        from helpdesk_tui.widgets.ticket_table import TicketTable

        return self.workspace.query_one(TicketTable)

    def first_page(self) -> bool:
        ws = self.workspace
        table = self.table
        return ws.query_ is not None and table.generation > 0 and view_loaded(table)

    def new_queue(self) -> Callable[[], bool]:
        table = self.table
        g0 = table.generation
        return lambda: (
            table.generation > g0 and view_loaded(table) and self.app.screen is self.workspace
        )

    def cursor_at(self, position: int) -> Callable[[], bool]:
        table = self.table
        return lambda: table.cursor == position and view_loaded(table)

    def info(self) -> dict:
        ws = self.workspace
        q = ws.query_
        return {
            "tab": q.tab.id if q else None,
            "rows": self.table.total,
            "rows_fetched": ws.rows_fetched,
            "sort": q.sort if q else None,
        }


async def helpdesk_session(app, probe: PaintProbe, plan: dict) -> dict:
    d = HelpdeskDriver(app)
    out: dict[str, list[float]] = {
        "tab": [],
        "filter": [],
        "search": [],
        "sort": [],
        "cursor_down": [],
        "page_down": [],
        "jump": [],
    }
    details: dict[str, list] = {"tab": [], "search": [], "sort": [], "filter": []}
    rounds = plan.get("rounds", 1)
    async with app.run_test(size=SIZE) as pilot:
        t0 = time.perf_counter()
        painted = await probe.wait(lambda: _safe(d.first_page))
        first = (painted - t0) * 1000
        await settle(app)
        ws = d.workspace
        n_tabs = len(ws.tabs)
        start_tab = ws.query_.tab.id
        # 2a. open each queue tab in turn (`]`) and back to the start tab (`[` when only
        # some tabs are visited)
        visits = min(n_tabs, plan.get("max_tabs", n_tabs))
        for _ in range(rounds):
            for key in ["]"] * visits + (["["] * visits if visits < n_tabs else []):
                ms = await timed(app, probe, key, d.new_queue())
                out["tab"].append(ms)
                details["tab"].append((d.info()["tab"], d.table.total, round(ms, 2)))
                await settle(app)
        assert ws.query_.tab.id == start_tab, (ws.query_.tab.id, start_tab)
        # 2b. filters through the picker: status new, P1, P2, a service; each on then off
        filters = ("status:new", "priority:1", "priority:2", "service:")
        for _ in range(rounds):
            for wanted in filters[: plan.get("max_filters", len(filters))]:
                for state in ("on", "off"):
                    label = await open_picker(pilot, "f", wanted)
                    ms = await timed(app, probe, "enter", d.new_queue())
                    out["filter"].append(ms)
                    details["filter"].append((label, state, d.table.total, round(ms, 2)))
                    await settle(app)
        # 2c. search by subject (and clearing it with Esc)
        for _ in range(rounds):
            for word in plan["words"]:
                await keys(pilot, "slash", *list(word))
                box = ws.query_one("#queue-search")
                assert box.value == word and box.has_focus, (box.value, word)
                ms = await timed(app, probe, "enter", d.new_queue())
                out["search"].append(ms)
                details["search"].append((word, d.table.total, round(ms, 2)))
                await settle(app)
                ms = await timed(app, probe, "escape", d.new_queue())
                out["search"].append(ms)
                details["search"].append(("(clear)", d.table.total, round(ms, 2)))
                await settle(app)
        # 2d. every sort in the picker, then back to SLA
        sorts = ("priority", "key", "created", "updated", "status", "subject", "assignee")
        sorts = (*sorts, "customer")[: plan.get("max_sorts", 8)]
        for _ in range(rounds):
            for name in (*sorts, "sla"):
                await open_picker(pilot, "o", name)
                ms = await timed(app, probe, "enter", d.new_queue())
                out["sort"].append(ms)
                details["sort"].append((ws.query_.sort, d.table.total, round(ms, 2)))
                await settle(app)
        # 3. cursor keys, from the top of the queue
        await keys(pilot, "g")
        for _ in range(plan.get("downs", 60)):
            target = min(d.table.cursor + 1, d.table.total - 1)
            out["cursor_down"].append(await timed(app, probe, "down", d.cursor_at(target)))
            await settle(app)
        for _ in range(plan.get("pages", 40)):
            target = min(d.table.cursor + d.table.page_height, d.table.total - 1)
            out["page_down"].append(await timed(app, probe, "pagedown", d.cursor_at(target)))
            await settle(app)
        # jumps: to the last row and back to the first
        for _ in range(plan.get("jumps", 3)):
            out["jump"].append(await timed(app, probe, "G", d.cursor_at(d.table.total - 1)))
            await settle(app)
            out["jump"].append(await timed(app, probe, "g", d.cursor_at(0)))
            await settle(app)
        info = d.info()
    return {
        "first_paint_in_process_ms": first,
        "samples": out,
        "details": details,
        "info": info,
        "tabs": n_tabs,
        "updates": probe.updates,
        "terminal_bytes": probe.bytes,
    }


def _safe(condition: Callable[[], bool]) -> bool:
    try:
        return condition()
    except Exception:
        return False


# -- the baseline: a stock DataTable filled through the ORM  ----------------------------------


def build_baseline(url: str, line_code: str):
    sys.path.insert(0, str(ROOT))
    from sqlmodel import Session, select
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import DataTable, Footer, Header, Input, Static

    from helpdesk_tui.store import models as m
    from helpdesk_tui.store.db import open_store

    store = open_store(url)

    class BaselineApp(App):
        """What one writes first: every open ticket of the line, as ORM objects, in a
        DataTable (`add_rows` of all of them); filters and search run the query again; sort
        is DataTable.sort."""

        CSS = "#search { dock: bottom; display: none; } #search.-open { display: block; }"
        BINDINGS = [
            Binding("right_square_bracket", "next_line", "Next line"),
            Binding("f", "toggle_filter", "P1 only"),
            Binding("o", "next_sort", "Sort"),
            Binding("slash", "search", "Search"),
            Binding("escape", "clear", "Clear"),
        ]
        SORT_COLUMNS = ("priority", "key", "status", "subject", "due")

        def __init__(self) -> None:
            super().__init__()
            with Session(store.engine) as s:
                self.lines = s.exec(select(m.Line).order_by(m.Line.level, m.Line.code)).all()
            self.line_index = next(
                (i for i, line in enumerate(self.lines) if line.code == line_code), 0
            )
            self.p1_only = False
            self.search_text = ""
            self.sort_index = -1
            self.generation = 0
            self.loaded = 0

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static(id="where")
            yield DataTable(id="table", cursor_type="row")
            yield Input(id="search")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_column("Key", key="key")
            table.add_column("P", key="priority")
            table.add_column("Due", key="due")
            table.add_column("Status", key="status")
            table.add_column("Subject", key="subject")
            table.add_column("Updated", key="updated")
            self.load()
            table.focus()

        def load(self) -> None:
            line = self.lines[self.line_index]
            with Session(store.engine) as s:
                q = select(m.Ticket).where(m.Ticket.line_id == line.id, m.Ticket.is_open)
                if self.p1_only:
                    q = q.where(m.Ticket.priority == 1)
                if self.search_text:
                    q = q.where(m.Ticket.subject.ilike(f"%{self.search_text}%"))
                tickets = s.exec(q.order_by(m.Ticket.due_at)).all()
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows(
                (
                    t.key,
                    f"P{t.priority}",
                    t.due_at.strftime("%Y-%m-%d %H:%M") if t.due_at else "—",
                    t.status,
                    t.subject,
                    t.updated_at.strftime("%Y-%m-%d %H:%M"),
                )
                for t in tickets
            )
            self.loaded = len(tickets)
            self.query_one("#where", Static).update(f"{line.code}: {len(tickets):,} open")
            self.generation += 1

        def action_next_line(self) -> None:
            self.line_index = (self.line_index + 1) % len(self.lines)
            self.load()

        def action_toggle_filter(self) -> None:
            self.p1_only = not self.p1_only
            self.load()

        def action_next_sort(self) -> None:
            self.sort_index = (self.sort_index + 1) % len(self.SORT_COLUMNS)
            self.query_one(DataTable).sort(self.SORT_COLUMNS[self.sort_index])
            self.generation += 1

        def action_search(self) -> None:
            box = self.query_one("#search", Input)
            box.add_class("-open")
            box.focus()

        def on_input_submitted(self, event: Input.Submitted) -> None:
            event.input.remove_class("-open")
            self.search_text = event.value.strip()
            event.input.value = ""
            self.query_one(DataTable).focus()
            self.load()

        def action_clear(self) -> None:
            self.search_text = ""
            self.load()

    return BaselineApp()


class BaselineDriver:
    def __init__(self, app) -> None:
        self.app = app

    @property
    def table(self):
        from textual.widgets import DataTable

        return self.app.query_one(DataTable)

    def first_page(self) -> bool:
        return self.app.generation > 0 and self.table.row_count == self.app.loaded

    def new_generation(self) -> Callable[[], bool]:
        g0 = self.app.generation
        return lambda: self.app.generation > g0

    def cursor_at(self, row: int) -> Callable[[], bool]:
        return lambda: self.table.cursor_row == row


async def baseline_session(app, probe: PaintProbe, plan: dict) -> dict:
    d = BaselineDriver(app)
    out: dict[str, list[float]] = {
        "tab": [],
        "filter": [],
        "search": [],
        "sort": [],
        "cursor_down": [],
        "page_down": [],
        "jump": [],
    }
    rows: dict[str, list] = {"tab": []}
    brounds = plan.get("baseline_rounds", 1)
    async with app.run_test(size=SIZE) as pilot:
        t0 = time.perf_counter()
        painted = await probe.wait(lambda: _safe(d.first_page))
        first = (painted - t0) * 1000
        await settle(app)
        start_line = app.line_index
        for _ in range(brounds):
            for _ in range(min(len(app.lines), plan.get("max_lines", len(app.lines)))):
                out["tab"].append(await timed(app, probe, "]", d.new_generation()))
                rows["tab"].append(app.loaded)
                await settle(app)
        while app.line_index != start_line:  # back to the start line (untimed), as ours does
            await keys(pilot, "right_square_bracket")
        for _ in range(brounds):
            for _ in range(2):
                out["filter"].append(await timed(app, probe, "f", d.new_generation()))
                await settle(app)
        for word in plan["words"][: max(1, brounds * 2)]:
            await keys(pilot, "slash", *list(word))
            out["search"].append(await timed(app, probe, "enter", d.new_generation()))
            await settle(app)
            out["search"].append(await timed(app, probe, "escape", d.new_generation()))
            await settle(app)
        for _ in range(brounds * 5):
            out["sort"].append(await timed(app, probe, "o", d.new_generation()))
            await settle(app)
        await keys(pilot, "ctrl+home")
        for _ in range(plan.get("downs", 60) // 2):
            target = min(d.table.cursor_row + 1, d.table.row_count - 1)
            out["cursor_down"].append(await timed(app, probe, "down", d.cursor_at(target)))
            await settle(app)
        for _ in range(plan.get("pages", 40) // 2):
            before = d.table.cursor_row

            def moved(before=before) -> bool:
                return d.table.cursor_row > before or d.table.cursor_row == d.table.row_count - 1

            out["page_down"].append(await timed(app, probe, "pagedown", moved))
            await settle(app)
        # DataTable's own keys for the last and first row
        last = d.cursor_at(d.table.row_count - 1)
        out["jump"].append(await timed(app, probe, "ctrl+end", last))
        await settle(app)
        out["jump"].append(await timed(app, probe, "ctrl+home", d.cursor_at(0)))
        await settle(app)
        loaded = app.loaded
    return {
        "first_paint_in_process_ms": first,
        "samples": out,
        "details": rows,
        "info": {"rows": loaded},
        "updates": probe.updates,
        "terminal_bytes": probe.bytes,
    }


# -- the bare Textual app  --------------------------------------------------------------------


def build_bare():
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class BareApp(App):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(id="table", cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Key", "P", "Due", "Status", "Subject", "Updated")
            table.add_rows(
                (f"HD-{1001 + i}", "P3", "2026-11-24 12:00", "new", f"Static row {i}", "—")
                for i in range(40)
            )

    return BareApp()


def build_floor():
    """The bare app in a process that first imports the store's libraries as helpdesk
    does (SQLModel: SQLAlchemy's core and ORM, pydantic), collector paused as helpdesk's
    is: the least any application on this stack pays before it can read a queue."""
    import sqlalchemy.orm  # noqa: F401
    import sqlmodel  # noqa: F401

    return build_bare()


def build_models():
    """The floor with this project's schema: SQLModel, helpdesk's models mapped and their
    mappers configured (as its first ORM query does), collector paused: what the tables
    cost before any of helpdesk's own code runs."""
    import sqlalchemy.orm

    from helpdesk_tui.store import models  # noqa: F401

    sqlalchemy.orm.configure_mappers()
    return build_bare()


# -- entry point  -----------------------------------------------------------------------------


async def run_start(kind: str, args) -> dict:
    if kind == "helpdesk":
        app = build_helpdesk(args.db, args.login, args.tab)
        condition = HelpdeskDriver(app).first_page
    elif kind == "baseline":
        app = build_baseline(args.db, args.line)
        condition = BaselineDriver(app).first_page
    else:
        builds = {"floor": build_floor, "models": build_models}
        app = builds.get(kind, build_bare)()

        def condition() -> bool:
            from textual.widgets import DataTable

            return app.query_one(DataTable).row_count == 40

    probe = PaintProbe(app)
    async with app.run_test(size=SIZE):
        await probe.wait(lambda: _safe(condition))
        painted = time.time()
        return {"painted": painted, "rss_peak_mb": peak_rss_mb(), "rss_mb": current_rss_mb()}


async def run_session(kind: str, args) -> dict:
    plan = json.loads(args.plan) if args.plan else {}
    plan.setdefault("words", ["printer"])
    if kind == "helpdesk":
        app = build_helpdesk(args.db, args.login, args.tab)
        probe = PaintProbe(app)
        result = await helpdesk_session(app, probe, plan)
    else:
        app = build_baseline(args.db, args.line)
        probe = PaintProbe(app)
        result = await baseline_session(app, probe, plan)
    result["rss_peak_mb"] = peak_rss_mb()
    result["rss_mb"] = current_rss_mb()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["start", "session"])
    kinds = ["helpdesk", "baseline", "bare", "floor", "models"]
    parser.add_argument("--kind", choices=kinds, required=True)
    parser.add_argument("--db", default="")
    parser.add_argument("--login", default="morozov")
    parser.add_argument("--tab", default="line:L2")
    parser.add_argument("--line", default="L2")
    parser.add_argument("--plan", default="")
    args = parser.parse_args()
    if args.kind in ("helpdesk", "floor", "models"):  # as `helpdesk` starts (startup.py)
        sys.path.insert(0, str(ROOT))
        from helpdesk_tui import startup

        startup.begin()
    if args.mode == "start":
        result = asyncio.run(run_start(args.kind, args))
        sys.stdout.write("PAINTED " + json.dumps(result) + "\n")
        sys.stdout.flush()
        os._exit(0)  # the figure is taken; do not time (or wait for) the shutdown
    result = asyncio.run(run_session(args.kind, args))
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
