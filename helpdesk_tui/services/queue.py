"""The agent's queues: which tabs they see, and pages of rows for a tab.

Tabs: *My work*, *Unassigned* (in the agent's groups; everything for supervisors), one per
group the agent belongs to (supervisors and admins: every group), and one per line with
more than one group. Rows are plain frozen dataclasses; every read is one short
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.query import QueryError, fields_in
from helpdesk_tui.domain.query import parse as parse_query
from helpdesk_tui.domain.text import clean_line
from helpdesk_tui.domain.vocab import parse_priority
from helpdesk_tui.domain.workflow import parse_status
from helpdesk_tui.i18n import _
from helpdesk_tui.services import views
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, catalog
from helpdesk_tui.services.query import as_filters
from helpdesk_tui.services.views import View
from helpdesk_tui.store import models as m
from helpdesk_tui.store import queries
from helpdesk_tui.store.db import Store
from helpdesk_tui.store.queries import Filters, Scope

SORTS = tuple(queries.SORTS)


@dataclass(frozen=True)
class Tab:
    id: str
    label: str
    scope: Scope
    view: View | None = None  # a saved view: its own query and sort


@dataclass(frozen=True)
class QueueRow:
    id: int
    key: str
    priority: int
    subject: str
    status: str
    due_at: datetime | None  # the queue's order (paused tickets after running ones)
    deadline: datetime | None  # the running clock's real deadline
    risk_at: datetime | None  # of the clock that is running (response, else resolution)
    response_due: datetime | None
    resolution_due: datetime | None
    first_response_at: datetime | None
    paused_at: datetime | None
    created_at: datetime
    updated_at: datetime
    calendar_id: int
    version: int
    group_id: int
    customer: str
    site: str
    assignee: str | None
    sort_key: tuple
    # each clock's target, deadline and at-risk instant, for its % used (widgets compute it
    # from these and `now`, with no query)
    response_target_s: int = 0
    response_risk_at: datetime | None = None
    resolution_target_s: int = 0
    resolution_risk_at: datetime | None = None
    resolved_at: datetime | None = None
    update_target_s: int = 0
    update_due: datetime | None = None
    update_risk_at: datetime | None = None
    response_business_s: int | None = None
    resolution_business_s: int | None = None

    @property
    def where(self) -> str:
        return " / ".join(x for x in (self.customer, self.site) if x)


@dataclass(frozen=True)
class QueueQuery:
    tab: Tab
    filters: Filters = field(default_factory=Filters)
    sort: str = "sla"
    descending: bool = False

    def with_filters(self, **changes) -> QueueQuery:
        return replace(self, filters=replace(self.filters, **changes))


def tabs_for(store: Store, actor: Actor) -> list[Tab]:
    cat = catalog(store)
    everything = actor.sees_everything or actor.role == "dispatcher"  # dispatchers route all
    groups = sorted(
        (g for g in cat.groups.values() if everything or g.id in actor.group_ids),
        key=lambda g: (g.level, g.code),
    )
    tabs = [
        Tab("mine", "My work", Scope(assignee_id=actor.id)),
        Tab(
            "unassigned",
            "Unassigned",
            Scope(
                unassigned=True,
                unassigned_in=None if everything else tuple(sorted(actor.group_ids)),
            ),
        ),
    ]
    seen_lines = set()
    for group in groups:
        line = cat.lines[group.line_id]
        siblings = [g for g in cat.line_groups(line.id) if everything or g.id in actor.group_ids]
        if len(siblings) > 1 and line.id not in seen_lines:
            seen_lines.add(line.id)
            tabs.append(Tab(f"line:{line.code}", f"{line.code} all", Scope(line_id=line.id)))
        tabs.append(
            Tab(f"group:{group.code}", f"{line.code} {group.name}", Scope(group_id=group.id))
        )
    if everything:
        tabs.append(Tab("all", "All open", Scope()))
    for view in views.for_agent(store, actor):
        label = view.name if view.owner == actor.login else f"{view.name} ({view.group})"
        tabs.append(Tab(f"view:{view.id}", label, Scope(), view))
    return tabs


def start_tab(tabs: list[Tab], actor: Actor, cat: Catalog) -> Tab:
    """The tab an agent starts on: dispatchers on line 1's queue, supervisors on everything
    open, engineers on their own work."""
    if actor.role == "dispatcher":
        first_line = [
            t
            for t in tabs
            if t.scope.group_id is not None and cat.groups[t.scope.group_id].level == 1
        ]
        if first_line:
            return first_line[0]
    if actor.role in ("supervisor", "admin"):
        return next((t for t in tabs if t.id == "all"), tabs[0])
    return tabs[0]


@dataclass(frozen=True)
class Start:
    """What the workspace shows first: the agent's tabs, the one it opens on and that
    queue's count and first rows (none for a saved view: its query is compiled when its
    tab is activated, and may no longer hold)."""

    tabs: list[Tab]
    tab: Tab
    opened: tuple[int, list[QueueRow]] | None


def start(store: Store, actor: Actor, tab_id: str | None, *, rows: int) -> Start:
    """The workspace's first screen in one call: read before the application's event loop
    runs, it takes 5–10 ms; read by workers while the first frames are painted, the
    interpreter shared with them made it 60–150 ms."""
    tabs = tabs_for(store, actor)
    tab = next((t for t in tabs if t.id == tab_id), None) or start_tab(tabs, actor, catalog(store))
    if tab.view is not None:
        return Start(tabs, tab, None)
    return Start(tabs, tab, opening(store, QueueQuery(tab), limit=rows))


def view_query(store: Store, actor: Actor, tab: Tab) -> QueueQuery:
    """A saved view's tab, its query compiled now, with the view's sort."""
    assert tab.view is not None
    flt = views.filters_of(store, actor, tab.view)
    return QueueQuery(tab, flt, tab.view.sort, tab.view.descending)


# what each sort orders by, as the row's column (the key by its number)
SORT_COLUMNS = {
    "sla": "due_at",
    "priority": "priority",
    "created": "created_at",
    "updated": "updated_at",
    "status": "status",
    "subject": "subject",
    "assignee": "assignee_login",
    "customer": "customer_name",
}


# a queue row's fields that are the result row's columns of the same name
SAME_NAMES = (
    "id",
    "key",
    "priority",
    "subject",
    "status",
    "due_at",
    "response_due",
    "resolution_due",
    "first_response_at",
    "paused_at",
    "created_at",
    "updated_at",
    "version",
    "group_id",
    "response_target_s",
    "response_risk_at",
    "resolution_target_s",
    "resolution_risk_at",
    "resolved_at",
    "update_target_s",
    "update_due",
    "update_risk_at",
    "response_business_s",
    "resolution_business_s",
)


def _row(cat: Catalog, sort: str, r) -> QueueRow:
    """A queue row from a result row, read once into a dict: a SQLAlchemy `Row`'s
    attribute costs 0.4 µs and a queue row takes about forty of them (100 rows: 3.1 ms of
    every page read, as much as SQLite's own work for some sorts)."""
    v = dict(zip(r._fields, r, strict=True))
    due_at, update_due = v["due_at"], v["update_due"]
    running = [(v["resolution_due"], v["resolution_risk_at"])]
    if v["first_response_at"] is None:
        running.append((v["response_due"], v["response_risk_at"]))
    if update_due is not None:
        running.append((update_due, v["update_risk_at"]))
    dues = [due for due, _ in running if due is not None]
    risks = [risk for _, risk in running if risk is not None]
    order = int(v["key"].split("-")[1]) if sort == "key" else v[SORT_COLUMNS[sort]]
    return QueueRow(
        **{name: v[name] for name in SAME_NAMES},
        deadline=min(dues) if due_at is not None and dues else None,
        risk_at=min(risks) if risks else None,
        calendar_id=cat.plan_for(v["sla_plan_id"]).calendar_id,
        customer=v["customer_name"] or "",
        site=v["site_name"] or "",
        assignee=v["assignee_login"],
        sort_key=(order, v["id"]),
    )


def count(store: Store, q: QueueQuery) -> int:
    with store.read() as s:
        return queries.count(s, q.tab.scope, q.filters)


def counts(
    store: Store, tabs: list[Tab], filters: Filters | None = None, *, actor: Actor | None = None
) -> dict[str, int]:
    """Open tickets per tab, one indexed count each, in one transaction. A saved view's tab
    counts its own query (compiled now, as `actor`); one that no longer compiles (a group
    it names was removed) counts -1 and says why when opened."""
    own: dict[str, Filters | None] = {}  # a view's tab: its own filters (None: broken)
    for tab in tabs:
        if tab.view is not None and actor is not None:
            try:
                own[tab.id] = views.filters_of(store, actor, tab.view)
            except Invalid:
                own[tab.id] = None
    shown = [t for t in tabs if t.view is None or t.id in own]
    with store.read() as s:
        out = {}
        for tab in shown:
            flt = own[tab.id] if tab.id in own else filters or Filters()
            out[tab.id] = -1 if flt is None else queries.count(s, tab.scope, flt)
        return out


def opening(store: Store, q: QueueQuery, *, limit: int = 100) -> tuple[int, list[QueueRow]]:
    """`q`'s count and its first `limit` rows, in one read: a queue opens after one round
    trip to the store instead of a count and then a page (each a worker, a wake-up of the
    event loop and a repaint apart)."""
    _check_sort(q)
    scope, flt = q.tab.scope, q.filters
    with store.read() as s:
        if limit > 0 and queries.counted_with_page(s, flt, q.sort):  # one pass over them
            rows = queries.page(s, scope, flt, q.sort, q.descending, limit=limit, with_total=True)
            total = rows[0].total if rows else 0
        else:
            total = queries.count(s, scope, flt)
            if not total or limit <= 0:
                return total, []
            rows = queries.page(s, scope, flt, q.sort, q.descending, limit=limit)
        cat = catalog(store, s)
        return total, [_row(cat, q.sort, r) for r in rows]


def _check_sort(q: QueueQuery) -> None:
    if q.sort not in queries.SORTS:
        raise Invalid(
            _("unknown sort {sort!r}: use one of {SORTS}").format(
                sort=q.sort, SORTS=", ".join(queries.SORTS)
            )
        )


def page(
    store: Store,
    q: QueueQuery,
    *,
    limit: int = 100,
    after: tuple | None = None,
    before: tuple | None = None,
    offset: int | None = None,
    last: bool = False,
) -> list[QueueRow]:
    _check_sort(q)
    if not queries.keyset_ok(q.sort, q.filters) and (after or before):
        raise Invalid(_("sorting by {sort} pages by offset").format(sort=q.sort))
    with store.read() as s:
        cat = catalog(store, s)
        rows = queries.page(
            s,
            q.tab.scope,
            q.filters,
            q.sort,
            q.descending,
            limit=limit,
            after=after,
            before=before,
            offset=offset,
            last=last,
        )
        return [_row(cat, q.sort, r) for r in rows]


def keyset_ok(q: QueueQuery) -> bool:
    return queries.keyset_ok(q.sort, q.filters)


def position_of(store: Store, q: QueueQuery, row: QueueRow) -> int:
    """The row's index in the queue now (−1 when the sort does not allow knowing it cheaply)."""
    with store.read() as s:
        return queries.position_of(s, q.tab.scope, q.filters, q.sort, q.descending, row.sort_key)


def parse_filters(
    store: Store,
    *,
    statuses: list[str] | None = None,
    priorities: list[str] | None = None,
    service: str | None = None,
    customer: str | None = None,
    search: str = "",
    all_statuses: bool = False,
) -> Filters:
    """Filters from words people type (status names, P1..P4, codes)."""
    cat = catalog(store)
    customer_id = None
    if customer:
        with store.read() as s:
            row = s.exec(select(m.Customer.id).where(m.Customer.code == customer)).first()
        if row is None:
            raise Invalid(_("unknown customer {customer!r}").format(customer=customer))
        customer_id = row
    return Filters(
        statuses=tuple(parse_status(x).value for x in statuses or ()),
        all_statuses=all_statuses,
        priorities=tuple(parse_priority(p) for p in priorities or ()),
        service_id=cat.service(service).id if service else None,
        customer_id=customer_id,
        search=search.strip()[:200],
    )


def with_search(
    store: Store, actor: Actor, q: QueueQuery, text: str, *, now: datetime | None = None
) -> QueueQuery:
    """`q` searched by what was typed in the queue's search box.

    Plain words (or a key) are the quick search over key, subject, contact and customer; a
    query of the query language (`priority<=P2 sla:at-risk age>4h`) is compiled to one SQL
    condition on the tab's own indexes. A query that names `status` decides the statuses
    itself (closed ones included); otherwise the tab keeps to open tickets. A query that
    cannot be understood raises `QueryError` pointing at the bad token; words that merely
    fail to parse as a query (an apostrophe, a lone quote) are searched as words."""
    quick = quick_search(q, text)
    if quick is not None:
        return quick
    text = clean_line(text).strip()[:500]
    flt = as_filters(store, text, actor=actor, now=now)
    return q.with_filters(
        search="",
        where=flt.where,
        condition=flt.condition,
        all_statuses=_keeps_all(q) or flt.all_statuses,
    )


def quick_search(q: QueueQuery, text: str) -> QueueQuery | None:
    """`q` searched by `text` when it is words (the quick search), without the store: the
    screen runs it as the key is pressed. None when `text` is a query of the query
    language (`with_search` compiles it); `QueryError` when it is a broken one."""
    text = clean_line(text).strip()[:500]
    try:
        node = parse_query(text)
    except QueryError:
        if _looks_like_query(text):
            raise
        node = None
    if node is not None and fields_in(node):
        return None
    return q.with_filters(search=text[:200], where="", condition=None, all_statuses=_keeps_all(q))


def _keeps_all(q: QueueQuery) -> bool:
    """Closed tickets stay in a searched queue when the filter picker put them there (not
    when a query naming `status` did)."""
    return q.filters.all_statuses and "status" not in _fields(q.filters.where)


def as_query(store: Store, actor: Actor, q: QueueQuery) -> str:
    """What the queue shows, as one query of the query language (to save as a view): the
    tab's scope, the picker's filters, the search or query typed."""
    if q.tab.view is not None and not q.filters.search:
        return q.filters.where
    cat = catalog(store)
    scope, f = q.tab.scope, q.filters
    parts: list[str] = []
    if scope.group_id is not None:
        parts.append(f"group:{cat.groups[scope.group_id].code}")
    if scope.line_id is not None:
        parts.append(f"line:{cat.lines[scope.line_id].code}")
    if scope.assignee_id is not None:
        if scope.assignee_id == actor.id:
            parts.append("assignee:me")
        else:
            with store.read() as s:
                parts.append(f"assignee:{s.get(m.Agent, scope.assignee_id).login}")
    if scope.unassigned:
        parts.append("assignee:none")
    if f.statuses:
        parts.append("status:" + ",".join(f.statuses))
    elif f.all_statuses and "status" not in _fields(f.where):
        parts.append("status:open,done")
    if f.priorities:
        parts.append("priority:" + ",".join(f"P{p}" for p in f.priorities))
    if f.service_id is not None:
        parts.append(f"service:{cat.services[f.service_id].code}")
    if f.customer_id is not None:
        with store.read() as s:
            parts.append(f"customer:{s.get(m.Customer, f.customer_id).code}")
    if f.where:
        parts.append(f"({f.where})" if len(parts) else f.where)
    if f.search:
        parts.append(_quoted(f.search))
    return " ".join(parts)


def _quoted(words: str) -> str:
    """Searched words as the query's words (quoted when they hold query syntax)."""
    if _looks_like_query(words) or '"' in words:
        return '"' + words.replace('"', " ") + '"'
    return words


def _fields(text: str) -> set[str]:
    try:
        return fields_in(parse_query(text)) if text else set()
    except QueryError:
        return set()


def _looks_like_query(text: str) -> bool:
    return any(op in text for op in (":", "<", ">", "=", "(", ")")) or any(
        word in text.lower().split() for word in ("and", "or", "not")
    )


def nearest(store: Store, actor: Actor, limit: int = 12) -> list[QueueRow]:
    """Running tickets nearest their deadline: the agent's own and their lines' (all lines
    for supervisors), for the SLA sidebar."""
    cat = catalog(store)
    lines = (
        None
        if actor.sees_everything
        else tuple(sorted({cat.groups[g].line_id for g in actor.group_ids if g in cat.groups}))
    )
    with store.read() as s:
        rows = queries.nearest(s, actor.id, lines, limit)
        return [_row(cat, "sla", r) for r in rows]


def agent_tab(store: Store, login: str) -> Tab:
    """A tab with one agent's open tickets (the board opens it)."""
    with store.read() as s:
        agent = s.exec(select(m.Agent).where(m.Agent.login == login)).first()
    if agent is None:
        raise Invalid(_("no agent with login {login!r}").format(login=login))
    return Tab(f"agent:{login}", f"{agent.name}'s work", Scope(assignee_id=agent.id))
