"""The cards' queries ride their indexes on SQLite: a history page and the record never
scan the ticket table, and the late vendor promises read their own index."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpdesk_tui.store import card_queries as q
from tests.store.plans import plans

NOW = datetime(2026, 11, 24, tzinfo=UTC)


@pytest.mark.parametrize("party", ["customer", "contact", "asset"])
def test_a_history_page_walks_the_partys_index(sqlite_store, party):
    index = f"ix_ticket_{party}"
    (plan,) = plans(sqlite_store, lambda s: q.history_page(s, party, 1, (NOW, 10**9), 30))
    assert index in plan and "SCAN ticket " not in plan + " ", plan
    assert "TEMP B-TREE" not in plan, plan  # in index order, no sort of the whole history


def test_the_customer_record_reads_its_covering_index_only(sqlite_store):
    (plan,) = plans(sqlite_store, lambda s: q.record(s, "customer", 1))
    assert "COVERING INDEX ix_ticket_customer_record" in plan, plan


def test_late_vendor_promises_read_the_open_cases_index(sqlite_store):
    (plan,) = plans(sqlite_store, lambda s: q.late_cases(s, NOW, 10))
    assert "ix_vendor_case_open" in plan, plan
