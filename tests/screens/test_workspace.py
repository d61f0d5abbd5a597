"""The workspace around the queue: tabs with counts, vim keys, search, filter, sort, the
pane beside the queue (wide) or the full-screen ticket (narrow), the SLA sidebar, and text
from customers shown literally everywhere."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import func, select
from textual.widgets import Tab, Tabs

from helpdesk_tui.screens import picker
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.screens.workspace import WorkspaceScreen, tab_dom_id
from helpdesk_tui.services import agents, queue, ticket_actions
from helpdesk_tui.store import models as m
from helpdesk_tui.widgets.sla_sidebar import SlaSidebar
from helpdesk_tui.widgets.ticket_pane import TicketPane
from helpdesk_tui.widgets.ticket_table import TicketTable, sla_left
from tests.screens.conftest import NOW, settle
from tests.screens.helpers import find, new_ticket, paste, queue_tab, ready, screen_text


def _open_count(store, **where) -> int:
    with store.read() as s:
        q = select(func.count()).select_from(m.Ticket).where(m.Ticket.is_open)
        for name, value in where.items():
            q = q.where(getattr(m.Ticket, name) == value)
        return s.exec(q).one()


def _sla_cell(app, key: str) -> str:
    """The SLA column of a ticket's row as it is on the screen now (not drawn afresh)."""
    line = next(line for line in screen_text(app).splitlines() if line.startswith(f" {key} "))
    return line[15:25].strip()  # after a space, the key (9) and the priority (3)


def _status(app) -> str:
    return str(app.screen.query_one("#queue-status").render())


async def _pane_key(app, pilot) -> str | None:
    await pilot.pause(0.1)
    await settle(app, pilot)
    detail = app.screen.query_one(TicketPane).detail
    return detail.key if detail else None


async def test_narrow_hides_the_pane_and_enter_opens_the_full_ticket(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        queue = app.screen
        table = queue.query_one(TicketTable)
        assert not queue.query_one(TicketPane).display
        await pilot.press("j")
        key = table.current.key
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.key == key
        shown = screen_text(app)
        assert key in shown.splitlines()[0]  # the key stays in the header
        assert "Response:" in shown or "Resolution:" in shown or "Taken" in shown
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is queue
        assert table.current.key == key and table.cursor == 1


async def test_wide_shows_the_highlighted_ticket_beside_the_queue(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        table = app.screen.query_one(TicketTable)
        assert app.screen.query_one(TicketPane).display
        assert await _pane_key(app, pilot) == table.current.key
        await pilot.press("j", "j")
        assert await _pane_key(app, pilot) == table.row_at(2).key
        await pilot.press("k")
        assert await _pane_key(app, pilot) == table.row_at(1).key
        await pilot.press("G")
        assert table.cursor == table.total - 1
        assert await _pane_key(app, pilot) == table.current.key
        await pilot.press("g")
        assert table.cursor == 0


async def test_tabs_count_their_tickets_and_switch_the_queue(app_for, demo_store):
    app = app_for("petrov")
    petrov = agents.resolve(demo_store, "petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        bar = app.screen.query_one(Tabs)
        mine = _open_count(demo_store, assignee_id=petrov.id)
        assert str(bar.query_one(f"#{tab_dom_id('mine')}", Tab).label) == f"My work {mine}"
        table = app.screen.query_one(TicketTable)
        assert table.total == mine
        await pilot.press("right_square_bracket", "right_square_bracket")
        await ready(app, pilot)
        group = next(g for g in app.catalog.groups.values() if g.code == "l2-software")
        assert app.screen.query_.tab.id == "group:l2-software"
        assert table.total == _open_count(demo_store, group_id=group.id)
        label = str(bar.query_one(f"#{tab_dom_id('group:l2-software')}", Tab).label)
        assert label.endswith(f" {table.total}")


async def test_search_filter_and_sort(app_for, demo_store):
    key = new_ticket(demo_store, "Сканер штрихкодов пищит и молчит")
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        table = app.screen.query_one(TicketTable)
        everything = table.total
        # search by a word of the subject, case-insensitive, Cyrillic
        await pilot.press("slash")
        await paste(app, pilot, "сканер ШТРИХКОДОВ")
        await pilot.press("enter")
        await ready(app, pilot)
        assert table.total == 1 and table.current.key == key
        assert "search “сканер ШТРИХКОДОВ”" in _status(app)
        await pilot.press("escape")  # clears the search
        await ready(app, pilot)
        assert table.total == everything
        # filter: priority P2 only (the new call is P2)
        await pilot.press("f")
        await settle(app, pilot)
        await paste(app, pilot, "Priority: P2")
        await pilot.press("enter")
        await ready(app, pilot)
        assert "priority P2" in _status(app)
        shown = [table.row_at(p) for p in range(table.total)]
        assert shown and all(r.priority == 2 for r in shown)
        assert key in [r.key for r in shown]
        await pilot.press("escape")
        await ready(app, pilot)
        # sort by key, then reverse the order
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await paste(app, pilot, "Sort by key")
        await pilot.press("enter")
        await ready(app, pilot)
        numbers = [int(table.row_at(p).key[3:]) for p in range(table.total)]
        assert numbers == sorted(numbers)
        assert "sorted by key ↑" in _status(app)
        await pilot.press("ctrl+o")
        await ready(app, pilot)
        numbers = [int(table.row_at(p).key[3:]) for p in range(table.total)]
        assert numbers == sorted(numbers, reverse=True)
        assert table.current.key == key  # the newest first
        assert "sorted by key ↓" in _status(app)


async def test_the_sla_sidebar_lists_the_nearest_deadlines_and_jumps(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        sidebar = app.screen.query_one(SlaSidebar)
        assert not sidebar.display  # under 190 columns: off until asked for
        await pilot.press("S")
        await settle(app, pilot)
        assert sidebar.display
        assert sidebar.rows
        dues = [r.due_at for r in sidebar.rows]
        assert dues == sorted(dues)
        text = screen_text(app)
        assert "Nearest to breach" in text and sidebar.rows[0].key in text
        await pilot.press("J")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.key == sidebar.rows[0].key


async def test_the_sla_sidebar_rebuilds_its_list_only_when_a_deadline_moved(app_for):
    """It is redrawn each second; its deadlines show minutes, so most seconds its list
    stays as it is (rebuilding it was a re-layout and repaint of the sidebar)."""
    app = app_for("petrov")
    async with app.run_test(size=(200, 40)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        sidebar = app.screen.query_one(SlaSidebar)
        options = sidebar.query_one("OptionList")
        listed = options.get_option_at_index(0)
        sidebar.redraw()  # the same instant: the same list
        assert options.get_option_at_index(0) is listed
        later = sidebar.clock() + timedelta(hours=2)  # its first is long overdue: hours
        sidebar.clock = lambda: later
        sidebar.redraw()
        moved = options.get_option_at_index(0)
        assert moved is not listed and str(moved.prompt) != str(listed.prompt)


def _opened_tabs(monkeypatch) -> list[str]:
    """The tabs whose queues the workspace opens from now on, in order."""
    opened: list[str] = []
    original = WorkspaceScreen.open_query

    def open_query(self, q, **kwargs):
        opened.append(q.tab.id)
        return original(self, q, **kwargs)

    monkeypatch.setattr(WorkspaceScreen, "open_query", open_query)
    return opened


@pytest.mark.parametrize("login", ["petrov", "ivanova"])  # the first tab, or another
async def test_a_start_opens_only_the_start_tabs_queue(app_for, monkeypatch, login):
    """The tab bar activates its first tab by itself as the tabs are added (twice): each was
    a query and a repaint before the start tab's."""
    opened = _opened_tabs(monkeypatch)
    app = app_for(login)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        start = app.screen.start_tab(app.screen.tabs).id
        assert opened == [start]
        await pilot.press("right_square_bracket")  # the next tab still opens
        await ready(app, pilot)
        assert len(opened) == 2 and opened[1] != start


def test_the_application_reads_its_first_queue_before_it_runs(app_for):
    """Read before the event loop runs, the first queue took 5–10 ms; read by workers
    while the first frames were painted, 60–150 ms (the interpreter shared with them)."""
    app = app_for("ivanova")  # a dispatcher: line 1's queue, not the first tab
    first = app.first
    assert first is not None and first.tab.id != first.tabs[0].id
    assert first.tab == queue.start_tab(first.tabs, app.actor, app.catalog)
    mine = app_for("petrov").first
    total, rows = mine.opened
    assert mine.tab.id == "mine" and total == len(rows) > 0  # his work fits in a block
    assert app_for("morozov").first is None  # a supervisor's board reads its own
    on_tab = app_for("morozov", start_tab="line:L2")
    assert on_tab.first.tab.id == "line:L2" and on_tab.first.opened[0] > 0


async def test_the_first_queue_read_before_the_start_is_shown_and_not_read_again(
    app_for, monkeypatch
):
    app = app_for("petrov")
    first = app.first
    read: list[str] = []
    for name in ("tabs_for", "opening", "page"):
        original = getattr(queue, name)
        monkeypatch.setattr(
            queue, name, lambda *a, _name=name, _f=original, **k: read.append(_name) or _f(*a, **k)
        )
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one(TicketTable)
        assert read == [] and app.first is None
        assert screen.tabs == first.tabs and screen.query_.tab == first.tab
        assert screen.query_one(Tabs).active == tab_dom_id(first.tab.id)
        assert [table.row_at(p).key for p in range(table.total)] == [r.key for r in first.opened[1]]
        assert first.opened[1][0].key in screen_text(app)


class _LateMount:
    """A mount that completes a tenth of a second late (a loaded machine's tab bar)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def _late(self) -> None:
        await asyncio.sleep(0.1)
        await self.inner

    def __await__(self):
        return self._late().__await__()

    async def __call__(self) -> None:
        await self


async def test_the_start_tab_is_opened_however_late_the_tab_bar_mounts(app_for, monkeypatch):
    """The bar activates its first tab once that is mounted: mounted after the screen's
    next refresh, its activation came after the start tab's and took a dispatcher to their
    first tab (My work) instead of line 1's queue."""
    add_tab = Tabs.add_tab

    def late_add_tab(self, tab, *args, **kwargs):
        tabs_list = self.query_one("#tabs-list")
        mount = tabs_list.mount
        tabs_list.mount = lambda *w, **k: _LateMount(mount(*w, **k))
        try:
            return add_tab(self, tab, *args, **kwargs)
        finally:
            del tabs_list.mount

    monkeypatch.setattr(Tabs, "add_tab", late_add_tab)
    opened = _opened_tabs(monkeypatch)
    app = app_for("ivanova")  # a dispatcher: line 1's queue, not the first tab
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        await asyncio.sleep(0.3)
        await settle(app, pilot)
        start = app.screen.start_tab(app.screen.tabs).id
        assert start != app.screen.tabs[0].id
        assert opened == [start] and app.screen.query_.tab.id == start


async def test_the_start_tabs_queue_is_read_while_the_tabs_mount(app_for, monkeypatch):
    """A workspace that reads its own start (opened from the board, or by a user key):
    the first queue is read as soon as the tabs are known, not once the bar has mounted
    them and the start tab is activated (that wait was 60–80 ms of every start); the
    activation that follows reads nothing again."""
    add_tab = Tabs.add_tab
    mounts: list[_LateMount] = []

    def late_add_tab(self, tab, *args, **kwargs):
        tabs_list = self.query_one("#tabs-list")
        mount = tabs_list.mount
        tabs_list.mount = lambda *w, **k: mounts.append(_LateMount(mount(*w, **k))) or mounts[-1]
        try:
            return add_tab(self, tab, *args, **kwargs)
        finally:
            del tabs_list.mount

    monkeypatch.setattr(Tabs, "add_tab", late_add_tab)
    monkeypatch.setattr(_LateMount, "_late", _slow_mount)
    opened = _opened_tabs(monkeypatch)
    app = app_for("petrov")
    app.first = None  # as a workspace opened later (from the board): read by workers
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        table = screen.query_one(TicketTable)
        for _ in range(100):
            await pilot.pause(0.01)
            if table.generation > 0:
                break
        assert table.generation > 0 and table.total > 0
        assert screen._start_dom is not None  # the bar's tabs are not all mounted yet
        await asyncio.sleep(1.0)
        await settle(app, pilot)
        start = screen.start_tab(screen.tabs).id
        assert screen._start_dom is None and screen.query_one(Tabs).active == tab_dom_id(start)
        assert opened == [start] and screen.query_.tab.id == start


async def _slow_mount(self) -> None:
    await asyncio.sleep(0.6)
    await self.inner


async def test_what_the_start_leaves_for_later_is_read_after_the_first_queue(app_for, monkeypatch):
    """The tabs' counts, the SLA sidebar and the search's completions are read once the
    first queue is shown: at the start they competed with its rows for the interpreter."""
    from helpdesk_tui.services import query, queue

    asked: dict[str, int] = {}
    tables: list[TicketTable] = []

    def recorder(name, fn):
        def record(*args, **kwargs):
            asked.setdefault(name, tables[0].generation if tables else -1)
            return fn(*args, **kwargs)

        return record

    for module, name in ((queue, "counts"), (queue, "nearest"), (query, "known_values")):
        monkeypatch.setattr(module, name, recorder(name, getattr(module, name)))
    app = app_for("petrov")
    async with app.run_test(size=(200, 40)) as pilot:
        tables.append(app.screen.query_one(TicketTable))
        await ready(app, pilot)
        await settle(app, pilot)
        assert set(asked) == {"counts", "nearest", "known_values"}
        assert all(generation > 0 for generation in asked.values()), asked
        assert app.screen.suggester.known and app.screen.query_one(SlaSidebar).rows


async def test_tabs_that_failed_to_mount_activate_nothing_and_are_not_left_unread(app_for):
    """Had a tab's mount failed (the bar torn down under it), the start tab was activated
    as if every tab were there, and asyncio logged the mount's error as never retrieved when
    the gathered future was collected."""
    app = app_for("ivanova")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        screen = app.screen
        bar = screen.query_one(Tabs)
        active = bar.active
        failed = asyncio.get_running_loop().create_future()
        failed.set_exception(RuntimeError("mount failed"))
        screen._start_dom = tab_dom_id(screen.tabs[0].id)
        screen._activate_start(bar, failed)
        assert bar.active == active  # nothing activated
        assert not failed._log_traceback  # read: asyncio has nothing to report


async def test_the_search_box_opens_over_the_queue_without_resizing_it(app_for):
    """The box lies over the queue's last lines, just above the footer: opening and closing
    it moves nothing (a resized queue was a full re-layout, half a search's time)."""
    from helpdesk_tui.widgets.footer import Footer

    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        ws = app.screen
        table = ws.query_one(TicketTable)
        before = table.region
        await pilot.press("slash")
        await settle(app, pilot)
        box = ws.query_one("#queue-search")
        assert box.has_focus and box.region.height > 0
        assert box.region.bottom == ws.query_one(Footer).region.y
        assert table.region == before
        await paste(app, pilot, "касса")
        await pilot.press("enter")
        await ready(app, pilot)
        assert not box.display and table.region == before and table.has_focus


async def test_the_sla_sidebar_is_drawn_only_when_it_shows(app_for):
    """Off (under 190 columns) it keeps its rows undrawn: drawing them loads the business
    calendars' holidays, which a start need not wait for. Wide, it is drawn at once."""
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        sidebar = app.screen.query_one(SlaSidebar)
        assert sidebar.rows and sidebar.query_one("OptionList").option_count == 0
        await pilot.press("S")
        await settle(app, pilot)
        assert sidebar.query_one("OptionList").option_count == len(sidebar.rows)
    app = app_for("petrov")
    async with app.run_test(size=(200, 40)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        sidebar = app.screen.query_one(SlaSidebar)
        assert sidebar.display and sidebar.rows
        assert sidebar.rows[0].key in screen_text(app)


async def test_text_from_people_shows_literally_in_the_timeline(app_for, demo_store):
    key = new_ticket(demo_store)
    hostile = "[bold]жирный[/bold] [@click=app.quit]выход[/] \x1b[31mкрасный"
    ticket_actions.note(demo_store, agents.resolve(demo_store, "smirnov"), key, hostile)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        pane = app.screen.query_one(TicketPane)
        last = str(pane.query_one("#pane-timeline").children[-1].render())
        assert "[bold]жирный[/bold] [@click=app.quit]выход[/]" in last
        assert "\x1b" not in last
        await pilot.click(TicketPane)
        assert app.is_running and isinstance(app.screen, WorkspaceScreen)


async def test_widening_the_terminal_brings_the_pane_with_the_current_ticket(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("j")
        table = app.screen.query_one(TicketTable)
        pane = app.screen.query_one(TicketPane)
        assert not pane.display
        await pilot.resize_terminal(130, 30)
        await ready(app, pilot)
        assert pane.display
        assert pane.detail is not None and pane.detail.key == table.current.key
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert not pane.display


async def test_the_sla_column_counts_down_by_itself(app_for):
    now = [NOW]
    app = app_for("petrov", clock=lambda: now[0])
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        table = app.screen.query_one(TicketTable)
        running = next(
            p
            for p in range(min(table.total, table.page_height))
            if table.row_at(p).due_at
            and table.row_at(p).due_at > NOW + timedelta(hours=2)
            and not table.row_at(p).paused_at
        )
        row = table.row_at(running)
        before = _sla_cell(app, row.key)
        now[0] = NOW + timedelta(hours=1)  # an hour of business time passes (Tuesday 15:30)
        await pilot.pause(1.2)  # no key pressed
        after = _sla_cell(app, row.key)
        assert after != before
        assert after == sla_left(row, app.calendars[row.calendar_id], now[0])


async def test_a_query_in_the_search_box_with_completion_and_pointed_errors(app_for, demo_store):
    from textual.widgets import Input

    app = app_for("ivanova")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        app.screen.query_one(Tabs).active = tab_dom_id("all")
        await ready(app, pilot)
        table = app.screen.query_one(TicketTable)
        everything = table.total
        assert everything == _open_count(demo_store)
        box = app.screen.query_one("#queue-search", Input)
        await pilot.press("colon")
        await settle(app, pilot)
        assert box.has_focus
        for ch in "prio":
            await pilot.press(ch)
        await pilot.pause(0.2)
        assert box._suggestion == "priority:"  # → would accept it
        await pilot.press("right")
        assert box.value == "priority:"
        for ch in "P1 sla:breached":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await ready(app, pilot)
        shown = [table.row_at(p) for p in range(table.total)]
        assert all(r.priority == 1 for r in shown) and len(shown) < everything
        assert "query “priority:P1 sla:breached”" in _status(app)
        # a bad query: the box stays open and the status line names the bad token
        await pilot.press("slash")
        await settle(app, pilot)
        box.value = "priority:P1 group:nowhere"
        await pilot.press("enter")
        await settle(app, pilot)
        assert box.has_class("-open") and "nowhere" in _status(app)
        assert "query “priority:P1 sla:breached”" not in _status(app)
        assert [table.row_at(p).key for p in range(table.total)] == [r.key for r in shown]
        await pilot.press("escape")  # closes the box; the earlier query still holds
        await pilot.press("escape")  # clears it
        await ready(app, pilot)
        assert table.total == everything


async def test_saving_the_queue_as_a_view_adds_a_tab_with_its_count(app_for, demo_store):
    from helpdesk_tui.screens.dialogs import InputScreen
    from helpdesk_tui.services import views

    app = app_for("ivanova")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        app.screen.query_one(Tabs).active = tab_dom_id("all")
        await ready(app, pilot)
        await pilot.press("colon")
        await paste(app, pilot, "priority:P1")
        await pilot.press("enter")
        await ready(app, pilot)
        table = app.screen.query_one(TicketTable)
        p1 = table.total
        await pilot.press("V")
        await settle(app, pilot)
        assert isinstance(app.screen, InputScreen)
        await paste(app, pilot, "Burning")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")  # only me
        await ready(app, pilot)
        saved = views.find(demo_store, agents.resolve(demo_store, "ivanova"), "Burning")
        assert saved.query == "priority:P1" and saved.group is None
        bar = app.screen.query_one(Tabs)
        assert bar.active == tab_dom_id(f"view:{saved.id}")
        assert table.total == p1
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert str(bar.active_tab.label) == f"Burning {p1:,}"


async def test_a_view_name_is_shown_literally_on_its_tab(app_for, demo_store):
    from helpdesk_tui.services import views

    ivanova = agents.resolve(demo_store, "ivanova")
    saved = views.save(demo_store, ivanova, "[bold]x[/bold] \x1b]0;owned\x07", "priority:P1")
    app = app_for("ivanova")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        tab = app.screen.query_one(f"#{tab_dom_id(f'view:{saved.id}')}", Tab)
        assert str(tab.label).startswith("[bold]x[/bold] ␛]0;owned␇")


async def test_opening_pickers_all_day_does_not_keep_the_footers_keys(app_for):
    """Textual's footer recomposes when the keys in force change and kept every key it ever
    showed (a watcher per key); ours forgets the removed ones (widgets/footer.py)."""
    import gc

    from textual.widgets._footer import FooterKey

    def live_keys() -> int:
        gc.collect()
        return sum(isinstance(o, FooterKey) for o in gc.get_objects())

    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        for _ in range(2):
            await pilot.press("o")
            await settle(app, pilot)
            await pilot.press("escape")
            await settle(app, pilot)
        before = live_keys()
        for _ in range(10):
            await pilot.press("o")
            await settle(app, pilot)
            assert isinstance(app.screen, PickerScreen)
            await pilot.press("escape")
            await settle(app, pilot)
        assert live_keys() <= before


async def test_the_footers_keys_follow_its_compact_style(app_for):
    from textual.widgets._footer import FooterKey

    from helpdesk_tui.widgets.footer import Footer

    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        footer = app.screen.query_one(Footer)
        keys = [k for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
        assert keys and not any(k.compact or k.has_class("-compact") for k in keys)
        footer.compact = True
        await pilot.pause()
        assert all(k.compact and k.has_class("-compact") for k in footer.query(FooterKey))


async def test_the_footer_is_rebuilt_only_when_its_keys_change(app_for):
    from textual.widgets._footer import FooterKey

    from helpdesk_tui.widgets.footer import Footer

    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        footer = app.screen.query_one(Footer)
        before = list(footer.query(FooterKey))
        await pilot.press("o")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert list(footer.query(FooterKey)) == before  # the same keys: not rebuilt
        await pilot.press("slash")  # the search box: other keys in force
        await settle(app, pilot)
        shown = list(footer.query(FooterKey))
        assert shown != before
        assert {k.action for k in shown} != {k.action for k in before}


async def test_a_sort_picked_shows_the_new_order_as_the_picker_closes(app_for, demo_store):
    """The picker stays until the queue has its rows in the new order: the screen below is
    painted once, with them, never a frame with the old order after the picker is gone."""
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        ws = app.screen
        table = ws.query_one(TicketTable)
        generation = table.generation
        await pilot.press("o")
        await settle(app, pilot)
        await paste(app, pilot, "Sort by key")
        seen = []
        original = PickerScreen.dismiss

        def dismiss(self, result=None):
            seen.append((ws.query_.sort, table.generation > generation, table.row_at(0)))
            return original(self, result)

        PickerScreen.dismiss = dismiss
        try:
            await pilot.press("enter")
            await ready(app, pilot)
        finally:
            PickerScreen.dismiss = original
        assert app.screen is ws
        [(sort, reset, first)] = seen
        assert sort == "key" and reset and first is not None


async def test_a_picker_with_apply_closes_when_done_or_after_its_hold(app_for, monkeypatch):
    monkeypatch.setattr(picker, "HOLD_S", 60.0)  # a slow machine must not reach the hold
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        applied, results, finish = [], [], []

        def apply(choice: str, done) -> None:
            applied.append(choice)
            finish.append(done)

        choices = [Choice("a", "Alpha"), Choice("b", "Beta")]
        app.push_screen(PickerScreen("Pick", choices, apply=apply), results.append)
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press("enter")  # picked already: applied once
        assert applied == ["b"] and isinstance(app.screen, PickerScreen) and results == []
        finish[0]()
        await pilot.pause()
        assert results == ["b"] and not isinstance(app.screen, PickerScreen)
        finish[0]()  # done again (or the hold's timer): nothing more
        # done never called: the picker closes after HOLD_S anyway
        monkeypatch.setattr(picker, "HOLD_S", 0.25)
        app.push_screen(PickerScreen("Pick", choices, apply=apply), results.append)
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause(picker.HOLD_S + 0.2)
        assert results == ["b", "a"] and not isinstance(app.screen, PickerScreen)


async def test_a_queue_reads_a_screenful_first_and_the_rest_of_its_block_after(app_for):
    """Opening a queue reads the rows a screen can show (fewer rows to read and convert
    before the first paint); the rest of the first block follows once it is painted, so
    paging down the first hundred rows reads nothing more."""
    app = app_for("morozov")  # a supervisor: every open ticket of the demo desk
    async with app.run_test(size=(120, 14)) as pilot:
        screen = await queue_tab(app, pilot, "all")
        table = screen.query_one(TicketTable)
        assert table.total > 14
        fetched, generation = screen.rows_fetched, table.generation
        screen.open_query(screen.query_, cursor=0)  # the queue read again, as on a refresh
        while table.generation == generation:
            await pilot.pause(0.005)
        first = screen.rows_fetched - fetched
        assert first <= 14 and table.loaded == first  # a screenful
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert table.loaded == min(100, table.total)  # … then the rest of the block
        before = screen.rows_fetched
        while table.cursor + table.page_height < min(100, table.total):
            await pilot.press("pagedown")
        await settle(app, pilot)
        assert table.cursor > 50 and screen.rows_fetched == before


async def test_a_start_on_a_view_whose_query_fails_still_counts_the_tabs(app_for, demo_store):
    """A saved view's query can stop holding (its service retired): opening it says so,
    and the tabs are counted all the same."""
    from helpdesk_tui.services import views

    petrov = agents.resolve(demo_store, "petrov")
    view = views.save(demo_store, petrov, "Printers", "service:receipt-printer", now=NOW)
    with demo_store.write() as s:  # as if the service were retired since
        s.get(m.SavedView, view.id).query = "service:retired-long-ago"
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        app.push_screen(WorkspaceScreen(start=f"view:{view.id}"))
        await pilot.pause(0.3)
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen) and screen.query_ is None
        assert screen.counts and screen.counts.get("mine", -1) >= 0
        labels = [str(t.label) for t in screen.query_one(Tabs).query(Tab)]
        assert any(label.split()[-1].replace(",", "").isdigit() for label in labels)
        assert any("retired-long-ago" in str(n.message) for n in app._notifications)


async def test_the_tab_bar_scrolls_to_a_tab_in_the_frame_that_shows_its_queue(app_for, monkeypatch):
    """A tab off the bar's edge: scrolled to at once, the bar's scroll repainted the whole
    screen with the old queue, then the new rows repainted it again (77–93 ms instead of
    22–26 on a million tickets). It scrolls when the rows are handed to the table."""
    import threading

    gate = threading.Event()
    gate.set()
    opening = queue.opening

    def gated(*args, **kwargs):
        gate.wait(5)
        return opening(*args, **kwargs)

    monkeypatch.setattr(queue, "opening", gated)
    app = app_for("ivanova")
    async with app.run_test(size=(80, 30)) as pilot:
        await ready(app, pilot)
        await settle(app, pilot)
        screen = app.screen
        bar = screen.query_one(Tabs)
        scroller = bar.query_one("#tabs-scroll")
        first, last = screen.tabs[0], screen.tabs[-1]
        while screen.query_.tab.id != last.id:  # to the last tab: the bar scrolled to it
            await pilot.press("right_square_bracket")
            await ready(app, pilot)
            await settle(app, pilot)
        before = scroller.scroll_x
        assert before > 0
        gate.clear()  # the next queue's rows are held back
        await pilot.press("right_square_bracket")  # round to the first tab
        await pilot.pause(0.2)
        assert bar.active == tab_dom_id(first.id) and screen.query_.tab.id == first.id
        assert scroller.scroll_x == before  # not yet: its rows have not come
        gate.set()
        await ready(app, pilot)
        await settle(app, pilot)
        assert scroller.scroll_x == 0
        active = bar.query_one(f"#{tab_dom_id(first.id)}")
        assert active.region.width > 0 and active.region.right <= 80
