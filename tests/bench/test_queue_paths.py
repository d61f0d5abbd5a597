"""The fast queue path (the open-rows index, late row lookup) shows exactly what the plain
path shows: same rows, same order, same counts, page after page, on both databases; and on
SQLite it really reads the open-rows index (the planner left alone picks the scope index
and reads the whole history of the line, see tests/bench/RESULTS.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.dialects import sqlite

from helpdesk_tui.services import agents, demo, queue
from helpdesk_tui.services.queue import QueueQuery
from helpdesk_tui.store import queries
from helpdesk_tui.store.queries import Filters

NOW = datetime(2026, 11, 24, 11, 30, tzinfo=UTC)

FILTERS = [
    Filters(),
    Filters(statuses=("new", "in_progress")),
    Filters(priorities=(2, 3)),
    Filters(search="принтер"),
    Filters(search="PRINTER slow"),
    Filters(search="касс Иванов"),
]


def _walk(store, q: QueueQuery, size: int = 23) -> list[int]:
    """Every row of the queue, a page at a time, as the table asks for them."""
    out: list[queue.QueueRow] = []
    while True:
        if out and queue.keyset_ok(q):
            rows = queue.page(store, q, limit=size, after=out[-1].sort_key)
        else:
            rows = queue.page(store, q, limit=size, offset=len(out) or None)
        out += rows
        if len(rows) < size:
            return [r.id for r in out]


@pytest.fixture
def desk(store):
    demo.generate(store, 700, seed=3, now=NOW)
    return store


def test_the_open_rows_path_shows_what_the_plain_path_shows(desk, monkeypatch):
    actor = agents.resolve(desk, "morozov")  # a supervisor: every tab
    wanted = {"unassigned", "group:dispatch", "group:l2-hardware", "line:L2", "all"}
    tabs = [t for t in queue.tabs_for(desk, actor) if t.id in wanted]
    assert len(tabs) == len(wanted)
    cases = [
        QueueQuery(tab, flt, sort, descending)
        for tab in tabs
        for flt in FILTERS
        for sort in queue.SORTS
        for descending in (False, True)
        if flt == Filters() or sort in ("sla", "priority", "customer")
    ]
    fast = {}
    for q in cases:
        fast[q] = (queue.count(desk, q), _walk(desk, q))
    monkeypatch.setattr(queries, "_by_open_rows", lambda flt, sort: False)
    checked = 0
    for q in cases:
        plain = (queue.count(desk, q), _walk(desk, q))
        assert fast[q] == plain, (q.tab.id, q.filters, q.sort, q.descending)
        checked += plain[0]
    assert checked > 1000  # the desk has open tickets in these queues


def test_sqlite_reads_the_open_rows_index_for_sorts_filters_and_search(sqlite_store):
    scope = queries.Scope(line_id=2)
    for flt, sort in (
        (Filters(), "priority"),
        (Filters(), "customer"),
        (Filters(statuses=("new",)), "sla"),
        (Filters(search="касса"), "sla"),
    ):
        sql = _page_sql(scope, flt, sort)
        with sqlite_store.read() as s:
            rows = s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(r[3] for r in rows)
        assert "ix_ticket_open_rows" in plan, (flt, sort, plan)
        assert "SCAN ticket " not in plan + " ", plan  # never the whole table


def _page_sql(scope, flt, sort) -> str:
    """The SQL `queries.page` runs, with its parameters inlined."""
    captured = {}

    class Session:
        def get_bind(self):
            class Bind:
                dialect = sqlite.dialect()

            return Bind()

        def execute(self, q):
            captured["q"] = q

            class Result:
                def all(self):
                    return []

            return Result()

    queries.page(Session(), scope, flt, sort, False, limit=100)
    return str(
        captured["q"].compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    )


def test_search_is_case_insensitive_in_sqlite_without_python_per_row(sqlite_store):
    assert queries.glob_patterns("Касса") == ["*К[Аа][Сс][Сс][Аа]*", "*к[Аа][Сс][Сс][Аа]*"]
    assert queries.glob_patterns("ё*?[") == ["*Ё[*][?][[]*", "*ё[*][?][[]*"]
    with sqlite_store.read() as s:
        conn = s.connection()
        for subject, word, hit in (
            ("Сканер ШТРИХКОДОВ не читает", "штрихКОДОВ", True),
            ("Receipt PRINTER jams", "printer", True),
            ("100% загрузка CPU", "100%", True),
            ("загрузка 1000", "100%", False),
            ("ёлка", "ЁЛК", True),
            ("елка", "ёлк", False),  # ё is not е, as with casefold
        ):
            cond = queries._text_has(queries.T.subject, word, "sqlite")
            sql = str(
                cond.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            )
            sql = sql.replace("ticket.subject", ":s")
            found = conn.exec_driver_sql(f"SELECT {sql}", {"s": subject}).scalar()
            assert bool(found) == hit, (subject, word, sql)
            assert hit == (word.casefold() in subject.casefold())
