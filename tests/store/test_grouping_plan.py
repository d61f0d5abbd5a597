"""The grouped queue's statements read their grouping's index, never the ticket table:
EXPLAIN on SQLite for the GROUP BY and for a group's page, for every grouping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.dialects import sqlite

from helpdesk_tui.store import grouping
from helpdesk_tui.store.queries import Filters, Scope

NOW = datetime(2026, 11, 24, 11, 30, tzinfo=UTC)


def _plan(store, statement) -> str:
    compiled = statement.compile(dialect=sqlite.dialect())
    params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    return "\n".join(str(r[-1]) for r in rows)


class _Capture:
    """A session stand-in that keeps the statement instead of running it."""

    def __init__(self, store):
        self.store = store
        self.statement = None

    def get_bind(self):
        return self.store.engine

    def execute(self, statement):
        self.statement = statement

        class _Empty:
            def all(self):
                return []

            def scalars(self):
                return iter(())

        return _Empty()


@pytest.mark.parametrize("by", grouping.GROUPINGS)
@pytest.mark.parametrize("scope", [Scope(), Scope(group_id=3), Scope(assignee_id=5)])
def test_counts_and_pages_read_the_grouping_index(sqlite_store, by, scope):
    capture = _Capture(sqlite_store)
    grouping.group_counts(capture, scope, Filters(), by, NOW)
    plan = _plan(sqlite_store, capture.statement)
    assert f"COVERING INDEX ix_ticket_open_by_{by}" in plan, plan
    assert "SCAN ticket" not in plan.replace("AS g", "")
    grouping.group_page(capture, scope, Filters(), by, 1, limit=100, after=(NOW, 10))
    plan = _plan(sqlite_store, capture.statement)
    inner = plan.split("SCAN page")[0]  # the page's ids, in index order, before its rows
    assert f"COVERING INDEX ix_ticket_open_by_{by}" in inner and "TEMP B-TREE" not in inner, plan
