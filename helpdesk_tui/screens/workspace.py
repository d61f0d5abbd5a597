"""The agent's workspace: queue tabs, the virtual ticket table, the ticket pane beside it on
wide terminals, and the SLA sidebar. All reads run in workers; the table asks for the
rows in view and nothing more."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Header, Input, Static, Tab, Tabs

from helpdesk_tui import startup
from helpdesk_tui.domain.query import QueryError
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_, _, localized, n_
from helpdesk_tui.screens.actions import TICKET_BINDINGS, TicketActions
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.dialogs import InputScreen
from helpdesk_tui.screens.grouped_queue import GROUPING_BINDINGS, GroupedQueue
from helpdesk_tui.screens.marked_actions import MARK_BINDINGS, MarkedActions
from helpdesk_tui.screens.mass_incident_actions import EXCLUDE_BINDING, MassIncidentActions
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import query, queue, ticket_views, views
from helpdesk_tui.services.queue import QueueQuery, QueueRow
from helpdesk_tui.services.ticket_actions import Changed
from helpdesk_tui.store.queries import Filters, Scope
from helpdesk_tui.widgets.footer import Footer
from helpdesk_tui.widgets.grouped_table import GroupedTable, MarkableTable
from helpdesk_tui.widgets.query_suggester import QuerySuggester
from helpdesk_tui.widgets.queue_tabs import QueueTabs
from helpdesk_tui.widgets.sla_sidebar import SlaSidebar
from helpdesk_tui.widgets.ticket_pane import TicketPane
from helpdesk_tui.widgets.ticket_table import BLOCK, TicketTable

WIDE = 120  # columns from which the ticket pane sits beside the queue
SIDEBAR_WIDE = 190  # columns from which the SLA sidebar shows by default
DETAIL_QUIET = 0.08  # seconds: while the cursor moves faster, the pane waits for it to stop
COUNTS_AFTER_S = 0.1  # seconds from a queue's first rows to its tabs' counts: after its paint
ONLY_ME = "-only-me-"  # the view-sharing picker's first choice (no group code has dashes round)
SORT_LABELS = {  # shown with `_`: "sorted by {sort}", "Sort by {sort}"
    "sla": N_("SLA deadline"),
    "priority": N_("priority"),
    "key": N_("key"),
    "created": N_("created"),
    "updated": N_("last change"),
    "status": N_("status"),
    "subject": N_("subject"),
    "assignee": N_("assignee"),
    "customer": N_("customer"),
}
STATUS_FILTERS = (
    "new",
    "assigned",
    "in_progress",
    "waiting_customer",
    "waiting_vendor",
    "reopened",
)


def tab_dom_id(tab_id: str) -> str:
    return "tab-" + "".join(ch if ch.isalnum() else "-" for ch in tab_id)


class WorkspaceScreen(GroupedQueue, MarkedActions, MassIncidentActions, TicketActions, DeskScreen):
    BINDINGS = [
        Binding("slash", "search", N_("Search"), id="queue.search", key_display="/"),
        Binding(
            "colon",
            "search",
            N_("Query"),
            id="queue.query",
            key_display=":",
            show=False,
            tooltip=N_("Filter by a query: priority<=P2 sla:at-risk age>4h assignee:me"),
        ),
        Binding("f", "filter", N_("Filter"), id="queue.filter"),
        Binding("o", "sort", N_("Sort"), id="queue.sort"),
        # `O` is reopen (a ticket action): reversing the order is ctrl+o, or in the sort picker
        Binding("ctrl+o", "reverse", N_("Reverse the order"), id="queue.reverse", show=False),
        Binding(
            "right_square_bracket,L",
            "tab(1)",
            N_("Next tab"),
            id="queue.next_tab",
            key_display="]",
            show=False,
        ),
        Binding(
            "left_square_bracket,H",
            "tab(-1)",
            N_("Previous tab"),
            id="queue.prev_tab",
            key_display="[",
            show=False,
        ),
        Binding(
            "V",
            "save_view",
            N_("Save view"),
            id="queue.save_view",
            show=False,
            tooltip=N_("Save what the queue shows (tab, filters, query, sort) as a view: a tab"),
        ),
        Binding("S", "sidebar", N_("SLA sidebar"), id="queue.sidebar", show=False),
        Binding("J", "jump_nearest", N_("Nearest breach"), id="queue.jump", show=False),
        Binding("ctrl+r", "refresh", N_("Refresh"), id="queue.refresh", show=False),
        Binding("escape", "clear", N_("Clear search"), id="queue.clear", show=False),
        *TICKET_BINDINGS,
        *GROUPING_BINDINGS,
        *MARK_BINDINGS,
        EXCLUDE_BINDING,
    ]

    DEFAULT_CSS = """
    WorkspaceScreen #queue-status { height: 1; padding: 0 1; color: $text-muted; }
    WorkspaceScreen { layers: default search; }
    WorkspaceScreen #queue-search {
        layer: search; dock: bottom; margin-bottom: 1; display: none;
    }
    WorkspaceScreen #queue-search.-open { display: block; }
    WorkspaceScreen #body { height: 1fr; }
    WorkspaceScreen #queue { width: 1fr; }
    WorkspaceScreen TicketPane { width: 42%; display: none; border-left: solid $panel; }
    WorkspaceScreen.-wide TicketPane { display: block; }
    WorkspaceScreen SlaSidebar { display: none; }
    WorkspaceScreen.-sidebar SlaSidebar { display: block; }
    """

    def __init__(
        self,
        start: str | None = None,
        extra_tabs: list[queue.Tab] | None = None,
        first: queue.Start | None = None,
    ) -> None:
        """`start`: the tab to open on (`group:l2-hardware`, `line:L2`, `agent:petrov`);
        `extra_tabs`: tabs beyond the agent's own (the board opens an agent's work);
        `first`: the tabs and the start tab's first rows, read already (`queue.start`,
        before the application's event loop ran): shown at once, none read again."""
        super().__init__()
        self.start = start
        self.extra_tabs = list(extra_tabs or [])
        self.first = first
        self.tabs: list[queue.Tab] = []
        self.query_: QueueQuery | None = None
        self.counts: dict[str, int] = {}
        self.rows_fetched = 0  # how many rows this screen has read (tests, benchmarks)
        self.sidebar_on: bool | None = None
        self._start_dom: str | None = None  # the start tab, until it is activated
        self._detail_timer = None  # running while the cursor moves: loads are held back
        self._detail_next: str | None = None  # the ticket to load when the cursor stops
        self._keep_key: str | None = None  # after a refresh: the ticket the cursor was on
        self._position_pending = False  # … and its new position is being counted
        self._opening = False  # a queue's count and first rows are being read
        self._counts_after = False  # the tabs' counts are due once it is painted
        self.counts_due = False  # … and their timer runs
        self._started = False  # the first queue was shown and what waited for it is asked
        self.suggester = QuerySuggester()

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self._fit(self.app.size.width)  # styled once for its width, not restyled on mount
        yield Header()
        yield QueueTabs(id="queue-tabs")
        yield Static(id="queue-status")
        with Horizontal(id="body"):
            with Vertical(id="queue"):
                yield MarkableTable(
                    calendars=self.desk.calendars,
                    me=self.desk.actor.login,
                    clock=self.desk.clock,
                    id="table",
                )
                yield GroupedTable(
                    calendars=self.desk.calendars,
                    me=self.desk.actor.login,
                    clock=self.desk.clock,
                    id="grouped",
                )
            yield TicketPane(clock=self.desk.clock, id="pane")
            yield SlaSidebar(self.desk.calendars, clock=self.desk.clock, id="sidebar")
        yield Input(
            placeholder=_(
                "search: key or words — or a query: priority<=P2 sla:at-risk age>4h "
                "assignee:me (→ completes) — Enter to apply"
            ),
            id="queue-search",
            suggester=self.suggester,
        )
        yield Footer()

    def on_mount(self) -> None:
        if self.first is not None:
            first, self.first = self.first, None
            self._got_tabs(first.tabs, first)
            self.desk.follow_changes()  # what changed since that read refreshes it now
        else:
            self.call(queue.tabs_for, self.desk.store, self.desk.actor, done=self._got_tabs)
        self.table.focus()

    def _after_start(self) -> None:
        """The first queue is painted (or could not be read): what the start left for later,
        so that none of it competes with the first rows for the store and the interpreter."""
        self._started = True
        self._count_tabs()
        self._load_sidebar()
        self.call(query.known_values, self.desk.store, done=self._got_known)

    def _got_known(self, known: dict[str, tuple[str, ...]]) -> None:
        self.suggester.known = known

    def on_resize(self, event: Resize) -> None:
        was_wide, had_sidebar = self.has_class("-wide"), self.has_class("-sidebar")
        self._fit(event.size.width)
        current = self.table.current
        if self.has_class("-wide") and not was_wide and current is not None:
            self._load_detail(current.key)  # the pane appears: show the ticket under the cursor
        if self.has_class("-sidebar") and not had_sidebar:
            self.call_after_refresh(self.query_one(SlaSidebar).redraw)  # on from now

    def _fit(self, width: int) -> None:
        """The ticket pane beside the queue from `WIDE` columns; the SLA sidebar from
        `SIDEBAR_WIDE` unless the agent toggled it."""
        self.set_class(width >= WIDE, "-wide")
        if self.sidebar_on is None:
            self.set_class(width >= SIDEBAR_WIDE, "-sidebar")

    # -- tabs ------------------------------------------------------------------------------
    def _got_tabs(self, tabs: list[queue.Tab], first: queue.Start | None = None) -> None:
        tabs = [*tabs, *(t for t in self.extra_tabs if t.id not in {x.id for x in tabs})]
        self.tabs = tabs
        bar = self.query_one(Tabs)
        added = [  # names are data
            bar.add_tab(Tab(Text(self.tab_title(tab)), id=tab_dom_id(tab.id))) for tab in tabs
        ]
        start = (
            first.tab
            if first is not None
            else next((t for t in tabs if t.id == self.start), None) or self.start_tab(tabs)
        )
        # The bar activates its first tab by itself once that is mounted (more than once):
        # only the start tab opens a queue, once (each was a query and a repaint). The start
        # tab is activated when every tab is mounted, so its activation comes after the
        # bar's own: activated after a refresh, it could come first, and the bar's then
        # took the agent to their first tab instead (seen in one start of three).
        self._start_dom = tab_dom_id(start.id)
        asyncio.gather(*added).add_done_callback(lambda mounted: self._activate_start(bar, mounted))
        self._opening = self._counts_after = True  # counted once the first queue is shown
        if start.view is None:  # read while the tabs mount (a view's query is compiled first)
            read = first.opened if first is not None else None
            self.open_query(QueueQuery(start, Filters(), "sla", False), cursor=0, read=read)

    def _activate_start(self, bar: Tabs, mounted: asyncio.Future) -> None:
        if mounted.cancelled() or mounted.exception() is not None:
            return  # the bar was torn down mid-mount (Textual reports a failed mount itself)
        if self._start_dom is not None and bar.is_attached:
            bar.active = self._start_dom

    def start_tab(self, tabs: list[queue.Tab]) -> queue.Tab:
        """Dispatchers start on line 1's queue, supervisors on everything open, engineers
        on their own work (`queue.start_tab`)."""
        return queue.start_tab(tabs, self.desk.actor, self.desk.catalog)

    def tab_title(self, tab: queue.Tab) -> str:
        """The tab's name in the language in force: the agent's own tabs, lines and groups
        are named here; a view's name (and an agent's work) is shown as the service gave it."""
        kind, _sep, code = tab.id.partition(":")
        cat = self.desk.catalog
        if tab.id == "mine":
            return _("My work")
        if tab.id == "unassigned":
            return _("Unassigned")
        if tab.id == "all":
            return _("All open")
        if kind == "line":
            return _("{line} all").format(line=code)
        group = cat.groups.get(tab.scope.group_id) if kind == "group" else None
        if group is not None:
            return f"{cat.lines[group.line_id].code} {localized(group)}"
        return tab.label

    @on(Tabs.TabActivated, "#queue-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        tab = next((t for t in self.tabs if tab_dom_id(t.id) == event.tab.id), None)
        if tab is None:
            self._bar_follows()
            return
        if self._start_dom is not None:  # the bar's own activations before the start tab
            if event.tab.id != self._start_dom:
                return
            self._start_dom = None
        if self.query_ is not None and self.query_.tab.id == tab.id:
            self._bar_follows()
            return  # the queue shown already (an activation repeated, or the start tab's)
        if tab.view is not None:  # a saved view: its own query and sort, compiled now

            def opened(q: QueueQuery) -> None:
                self.open_query(q, cursor=0)

            self.call(
                queue.view_query,
                self.desk.store,
                self.desk.actor,
                tab,
                done=opened,
                failed=self._open_failed,
                group="count",
                exclusive=True,
            )
            return
        was_view = self.query_ is not None and self.query_.tab.view is not None
        filters = self.query_.filters if self.query_ and not was_view else Filters()
        sort = self.query_.sort if self.query_ and not was_view else "sla"
        descending = self.query_.descending if self.query_ and not was_view else False
        self.open_query(QueueQuery(tab, filters, sort, descending), cursor=0)

    # -- saved views ---------------------------------------------------------------------
    def action_save_view(self) -> None:
        q = self.query_
        if q is None:
            return
        self.call(queue.as_query, self.desk.store, self.desk.actor, q, done=self._name_view)

    def _name_view(self, text: str) -> None:
        q = self.query_
        if q is None:
            return
        if not text:
            self.notify(_("Nothing to save: filter or search the queue first."), severity="warning")
            return

        def named(name: str | None) -> None:
            if name:
                self._share_view(name.strip(), text, q)

        default = q.tab.view.name if q.tab.view is not None else ""
        self.app.push_screen(
            InputScreen(
                _("Save as a view: {query}").format(query=text),
                placeholder=_("a name for the tab"),
                value=default,
                validate=lambda v: None if v.strip() else _("a view needs a name"),
            ),
            named,
        )

    def _share_view(self, name: str, text: str, q: QueueQuery) -> None:
        cat = self.desk.catalog
        actor = self.desk.actor
        groups = sorted(
            (g for g in cat.groups.values() if actor.sees_everything or g.id in actor.group_ids),
            key=lambda g: (g.level, g.code),
        )
        choices = [Choice(ONLY_ME, _("Only me"))] + [
            Choice(g.code, _("Shared with {group}").format(group=localized(g)), g.code)
            for g in groups
        ]

        def chosen(group: str | None) -> None:
            if group is None:
                return
            self.call(
                views.save,
                self.desk.store,
                actor,
                name,
                text,
                sort=q.sort,
                descending=q.descending,
                group=None if group == ONLY_ME else group,
                done=self._view_saved,
            )

        self.app.push_screen(
            PickerScreen(_("Who sees the view “{name}”?").format(name=name), choices), chosen
        )

    def _view_saved(self, view: views.View) -> None:
        tab = queue.Tab(f"view:{view.id}", view.name, Scope(), view)
        bar = self.query_one(Tabs)
        if any(t.id == tab.id for t in self.tabs):
            self.tabs = [tab if t.id == tab.id else t for t in self.tabs]
        else:
            self.tabs.append(tab)
            bar.add_tab(Tab(Text(self.tab_title(tab)), id=tab_dom_id(tab.id)))  # names are data
        bar.active = tab_dom_id(tab.id)
        saved = (
            _("Saved the view “{name}”, shared with {group}: {query}")
            if view.group
            else _("Saved the view “{name}”: {query}")
        )
        self.notify(saved.format(name=view.name, group=view.group, query=view.query), markup=False)
        self._load_counts()

    def open_tab(self, tab_id: str) -> bool:
        """Show the tab `tab_id` (`view:12`, `group:l2-hardware`); False if there is none."""
        if not any(t.id == tab_id for t in self.tabs):
            return False
        bar = self.query_one(QueueTabs)
        if bar.active != tab_dom_id(tab_id):
            bar.hold()
            bar.active = tab_dom_id(tab_id)
        return True

    def action_tab(self, delta: int) -> None:
        bar = self.query_one(QueueTabs)
        before = bar.active
        bar.hold()  # the bar scrolls to the tab in the frame that shows its queue
        if delta > 0:
            bar.action_next_tab()
        else:
            bar.action_previous_tab()
        if bar.active == before:  # one tab only: nothing opens, nothing to wait for
            bar.release()

    def _load_counts(self) -> None:
        """The tabs' counts; while a queue is being opened, after it is painted (they would
        compete with its first rows for the store and the event loop)."""
        if self._opening:
            self._counts_after = True
        else:
            self._count_tabs()

    def _count_tabs(self) -> None:
        self.counts_due = False
        on_view = self.query_ is not None and self.query_.tab.view is not None
        filters = self.query_.filters if self.query_ and not on_view else Filters()
        self.call(
            queue.counts,
            self.desk.store,
            self.tabs,
            filters,
            actor=self.desk.actor,
            done=self._got_counts,
            group="counts",
            exclusive=True,
        )

    def _got_counts(self, counts: dict[str, int]) -> None:
        self.counts = counts
        bar = self.query_one(Tabs)
        for tab in self.tabs:
            widgets = bar.query(f"#{tab_dom_id(tab.id)}")
            if widgets:
                n = counts.get(tab.id, 0)
                title = self.tab_title(tab)
                widgets.first(Tab).label = Text(f"{title} {n:,}" if n >= 0 else f"{title} !")

    # -- the queue ------------------------------------------------------------------------
    def open_query(
        self,
        q: QueueQuery,
        *,
        cursor: int | None = None,
        keep: QueueRow | None = None,
        then: Callable[[], None] | None = None,
        read: tuple[int, list[QueueRow]] | None = None,
    ) -> None:
        """Show `q`: count it, then let the table ask for the rows in view. `then()` when
        the table has its first rows (or the query failed). `read`: its count and first
        rows, read already."""
        self.query_ = q
        if self.grouping is not None:  # the group headers instead (screens/grouped_queue.py)
            self._bar_follows()
            self.load_groups(q)
            if then is not None:
                then()
            return

        target = self.table.cursor if cursor is None else cursor

        def counted(opened: tuple[int, list[QueueRow]]) -> None:
            total, first = opened
            self._opening = False
            self.rows_fetched += len(first)
            self.table.reset(total, cursor=cursor, first=first)
            self._bar_follows()
            self._show_status(total)
            if self._counts_after:  # once the queue is painted
                self._counts_after = False
                # a timer, not `call_after_refresh`: that runs before the screen's next
                # frame, and twelve counts compiled and read beside the paint slowed it
                self.counts_due = True
                self.set_timer(
                    COUNTS_AFTER_S, self._count_tabs if self._started else self._after_start
                )
                self.call_after_refresh(startup.settled)  # the start is over
            if total == 0:  # nothing under the cursor: the pane must not show a stale ticket
                self.query_one(TicketPane).show(None, None)
                self.app.handling.shown(None)
            if keep is not None:
                self._keep_cursor_on(keep)
                self._follow_kept()  # it may be among the first rows, read with the count
            else:
                self._keep_key = None
            if then is not None:
                then()

        def failed(error: Exception) -> bool:
            self._open_failed(error)
            if then is not None:
                then()
            return False

        self._opening = True
        if read is not None:
            counted(read)
            return
        self.call(
            queue.opening,
            self.desk.store,
            q,
            # what the screen can show (a block's other rows follow once it is painted:
            # `TicketTable.reset`); the cursor further down: its own block, asked by the table
            limit=min(BLOCK, target + self.app.size.height) if target < BLOCK else 0,
            done=counted,
            failed=failed,
            group="count",
            exclusive=True,
        )

    def _open_failed(self, error: Exception) -> bool:
        """A queue that could not be opened (its error is reported as any other): the tabs
        are counted all the same, or a start on a saved view whose query no longer holds
        (a group renamed, a service retired) would leave every tab without its count."""
        self._opening = False
        self._bar_follows()
        if self._counts_after:
            self._counts_after = False
            if self._started:
                self._count_tabs()
            else:
                self._after_start()
        return False

    def _bar_follows(self) -> None:
        """The tab bar scrolls to the active tab now (held by a key: widgets/queue_tabs.py)."""
        self.query_one(QueueTabs).release()

    def _show_status(self, total: int) -> None:
        q = self.query_
        if q is None:
            return
        parts = [
            n_("{n} ticket", "{n} tickets", total).format(n=f"{total:,}"),
            _("sorted by {sort}").format(sort=_(SORT_LABELS[q.sort]))
            + (" ↓" if q.descending else " ↑"),
        ]
        f = q.filters
        if f.statuses:
            statuses = ", ".join(status_label(s) for s in f.statuses)
            parts.append(_("status {statuses}").format(statuses=statuses))
        if f.all_statuses:
            parts.append(_("including closed"))
        if f.priorities:
            priorities = ", ".join(f"P{p}" for p in f.priorities)
            parts.append(_("priority {priorities}").format(priorities=priorities))
        if f.service_id is not None:
            service = localized(self.desk.catalog.services[f.service_id])
            parts.append(_("service {service}").format(service=service))
        if f.search:
            parts.append(_("search “{text}” (Esc clears)").format(text=f.search))
        if f.where:
            parts.append(_("query “{text}” (Esc clears)").format(text=f.where))
        parts += self.grouping_status() + self.marks_status()
        self.query_one("#queue-status", Static).update(Text(" · ".join(parts)))

    @on(TicketTable.NeedRows)
    def _need_rows(self, event: TicketTable.NeedRows) -> None:
        q = self.query_
        if q is None:
            return
        table = event.table
        generation = table.generation
        start, count = event.start, event.count
        kwargs: dict = {"limit": count}
        neighbour = table.neighbour_key(start, count) if queue.keyset_ok(q) else None
        from_end = table.total - (start + count)  # rows below the block
        if neighbour is not None:  # keyset from a row on screen: as cheap at row 300,000
            kwargs[neighbour[0]] = neighbour[1]
        elif start and from_end <= 0:
            kwargs["last"] = True  # the bottom: the order read backwards
        elif start and from_end < start:
            kwargs.update(last=True, offset=from_end)  # nearer the end: skip from there
        elif start:
            kwargs["offset"] = start

        def got(rows: list[QueueRow]) -> None:
            self.rows_fetched += len(rows)
            table.put_rows(generation, start, rows)
            if generation == table.generation:
                self._follow_kept()

        self.call(
            queue.page, self.desk.store, q, done=got, group=f"page-{start // BLOCK}", **kwargs
        )

    @on(TicketTable.Highlighted)
    def _highlighted(self, event: TicketTable.Highlighted) -> None:
        """Show the highlighted ticket in the pane: at once when the cursor was still, and
        while it moves (j held down) once more where it stops, not once per row."""
        if not self.has_class("-wide") or event.row is None:
            return
        if self._detail_timer is None:  # loaded once the cursor's move is painted
            self.call_after_refresh(self._load_detail, event.row.key)
            self._detail_timer = self.set_timer(DETAIL_QUIET, self._detail_quiet)
        else:
            self._detail_next = event.row.key

    def _detail_quiet(self) -> None:
        self._detail_timer = None
        key, self._detail_next = self._detail_next, None
        if key is not None:
            self._load_detail(key)
            self._detail_timer = self.set_timer(DETAIL_QUIET, self._detail_quiet)

    def _load_detail(self, key: str) -> None:
        self.call(
            ticket_views.read,
            self.desk.store,
            self.desk.actor,
            key,
            done=self._got_detail,
            group="detail",
            exclusive=True,
        )

    def _got_detail(self, detail: ticket_views.TicketDetail) -> None:
        current = self.table.current
        if current is None or current.key != detail.key:
            return  # the cursor moved on (or the queue changed) meanwhile
        pane = self.query_one(TicketPane)
        pane.show(detail, self.desk.calendars.get(detail.calendar_id))
        self.load_articles(pane, detail.key)
        self.load_children(pane, detail.key)
        self.app.handling.shown(detail)

    @on(TicketTable.Selected)
    def _selected(self, event: TicketTable.Selected) -> None:
        self.desk.open_ticket(event.row.key)

    # -- search, filter, sort ----------------------------------------------------------------
    def action_search(self) -> None:
        box = self.query_one("#queue-search", Input)
        box.add_class("-open")
        f = self.query_.filters if self.query_ else Filters()
        box.value = f.where or f.search
        box.cursor_position = len(box.value)
        box.focus()

    @on(Input.Submitted, "#queue-search")
    def _search(self, event: Input.Submitted) -> None:
        if self.query_ is None:
            return
        text = event.value

        def searched(q: QueueQuery) -> None:
            def close() -> None:  # with the rows found: one repaint (screens/picker.py)
                event.input.remove_class("-open")
                self.table.focus()

            self.open_query(q, cursor=0, then=close)
            self._load_counts()

        def bad_query(error: Exception) -> bool:
            if not isinstance(error, QueryError):
                return False
            # the box stays open on the query; the status line points at the bad token
            at = max(0, min(error.position, len(text)))
            line = Text.assemble(
                (str(error), "bold red"), "  ", text[:at], (text[at:] or " ", "reverse red")
            )
            self.query_one("#queue-status", Static).update(line)
            event.input.cursor_position = at
            return True

        try:  # words: searched at once (a worker's round trip is a few ms of the search)
            quick = queue.quick_search(self.query_, text)
        except QueryError as error:
            bad_query(error)
            return
        if quick is not None:
            searched(quick)
            return
        self.call(
            queue.with_search,
            self.desk.store,
            self.desk.actor,
            self.query_,
            text,
            done=searched,
            failed=bad_query,
            group="search",
            exclusive=True,
        )

    def action_clear(self) -> None:
        box = self.query_one("#queue-search", Input)
        if box.has_class("-open"):
            box.remove_class("-open")
            self.table.focus()
            return
        if self.query_ is not None and self.query_.filters != Filters():
            self.open_query(replace(self.query_, filters=Filters()), cursor=0)
            self._load_counts()

    def action_filter(self) -> None:
        if self.query_ is None:
            return
        f = self.query_.filters
        on = _("on")
        choices = [Choice("clear", _("Show all open tickets (clear filters)"))]
        choices += [
            Choice(
                f"status:{s}",
                _("Status: {status}").format(status=status_label(s)),
                on if s in f.statuses else "",
            )
            for s in STATUS_FILTERS
        ]
        choices += [
            Choice(
                "status:all",
                _("Include resolved, closed and cancelled"),
                on if f.all_statuses else "",
            )
        ]
        choices += [
            Choice(
                f"priority:{p}",
                _("Priority: {priority}").format(priority=f"P{p}"),
                on if p in f.priorities else "",
            )
            for p in (1, 2, 3, 4)
        ]
        services = sorted(self.desk.catalog.services.values(), key=localized)
        choices += [
            Choice(
                f"service:{s.id}",
                _("Service: {service}").format(service=localized(s)),
                on if f.service_id == s.id else "",
            )
            for s in services
        ]

        def chosen(value: str, done: Callable[[], None]) -> None:
            if self.query_ is None:
                done()
                return
            cur = self.query_.filters
            if value == "clear":
                new = Filters(search=cur.search, where=cur.where, condition=cur.condition)
            elif value == "status:all":
                new = replace(cur, all_statuses=not cur.all_statuses)
            elif value.startswith("status:"):
                status = value.split(":", 1)[1]
                statuses = (
                    tuple(s for s in cur.statuses if s != status)
                    if status in cur.statuses
                    else (*cur.statuses, status)
                )
                new = replace(cur, statuses=statuses)
            elif value.startswith("priority:"):
                p = int(value.split(":", 1)[1])
                prios = (
                    tuple(x for x in cur.priorities if x != p)
                    if p in cur.priorities
                    else (*cur.priorities, p)
                )
                new = replace(cur, priorities=tuple(sorted(prios)))
            else:
                sid = int(value.split(":", 1)[1])
                new = replace(cur, service_id=None if cur.service_id == sid else sid)
            self.open_query(replace(self.query_, filters=new), cursor=0, then=done)
            self._load_counts()

        self.app.push_screen(
            PickerScreen(_("Filter the queue (choose again to turn off)"), choices, apply=chosen)
        )

    def action_sort(self) -> None:
        if self.query_ is None:
            return
        order = (
            _("now descending · ctrl+o") if self.query_.descending else _("now ascending · ctrl+o")
        )
        current = _("current")
        choices = [
            Choice("-reverse", _("Reverse the order"), order),
            *(
                Choice(
                    name,
                    _("Sort by {sort}").format(sort=_(label)),
                    current if name == self.query_.sort else "",
                )
                for name, label in SORT_LABELS.items()
            ),
        ]

        def chosen(name: str, done: Callable[[], None]) -> None:
            if self.query_ is None:
                done()
            elif name == "-reverse":
                self.action_reverse(then=done)
            else:
                self.open_query(replace(self.query_, sort=name), cursor=0, then=done)

        self.app.push_screen(PickerScreen(_("Sort the queue by…"), choices, apply=chosen))

    def action_reverse(self, then: Callable[[], None] | None = None) -> None:
        if self.query_ is not None:
            q = replace(self.query_, descending=not self.query_.descending)
            self.open_query(q, cursor=0, then=then)
        elif then is not None:
            then()

    # -- sidebar -------------------------------------------------------------------------------
    def action_sidebar(self) -> None:
        self.sidebar_on = not self.has_class("-sidebar")
        self.set_class(self.sidebar_on, "-sidebar")
        if self.sidebar_on:
            self.query_one(SlaSidebar).redraw()

    def _load_sidebar(self) -> None:
        self.call(
            queue.nearest,
            self.desk.store,
            self.desk.actor,
            done=self.query_one(SlaSidebar).show,
            group="sidebar",
            exclusive=True,
        )

    @on(SlaSidebar.Jump)
    def _jump(self, event: SlaSidebar.Jump) -> None:
        self.desk.open_ticket(event.key)

    def action_jump_nearest(self) -> None:
        key = self.query_one(SlaSidebar).first_key
        if key:
            self.desk.open_ticket(key)
        else:
            self.notify(_("Nothing is close to its deadline."))

    # -- live ---------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.refresh_all()

    def on_tickets_changed(self, ids: frozenset[int]) -> None:
        if self.batch_running:
            return  # a run on marked tickets: one refresh when it ends, not one a second
        self.refresh_all(changed=ids)

    def refresh_all(self, changed: frozenset[int] | None = None) -> None:
        """Re-read counts, the rows in view and the pane; the cursor stays on its ticket."""
        if self.query_ is None:
            return
        self.open_query(self.query_, keep=self.table.current)
        self._load_counts()
        self._load_sidebar()
        pane = self.query_one(TicketPane)
        if pane.detail is not None and (changed is None or pane.detail.id in changed):
            self._load_detail(pane.detail.key)

    def _keep_cursor_on(self, row: QueueRow) -> None:
        """After a refresh, put the cursor back on the ticket it was on, even if rows came
        and went above it: where its sort key now falls (one indexed count, for sorts that
        allow it), then on the row itself once the rows around the cursor are loaded (its
        sort key may have changed, or the sort pages by offset)."""
        self._keep_key = row.key
        q = self.query_
        self._position_pending = q is not None and queue.keyset_ok(q)
        if not self._position_pending:
            return

        def located(position: int) -> None:
            self._position_pending = False
            if self._keep_key is not None and 0 <= position < self.table.total:
                self.table.cursor = position
            self._follow_kept()

        self.call(
            queue.position_of,
            self.desk.store,
            q,
            row,
            done=located,
            group="position",
            exclusive=True,
        )

    def _follow_kept(self) -> None:
        key = self._keep_key
        if key is None:
            return
        table = self.table
        position = table.position_of_key(key)
        if position is not None:
            self._keep_key = None
            if table.cursor != position:
                table.cursor = position
        elif not self._position_pending and table.current is not None:
            self._keep_key = None  # it left the queue (or went far): the cursor stays put

    # -- ticket actions on the highlighted row -----------------------------------------------
    def target(self) -> tuple[str, int | None] | None:
        row = self.table.current
        if row is None:
            return None
        pane = self.query_one(TicketPane)
        version = pane.detail.version if pane.detail and pane.detail.key == row.key else row.version
        return row.key, version

    def changed(self, result: Changed) -> None:
        self.refresh_all(changed=None)

    def reload_ticket(self) -> None:
        self.refresh_all()
