"""A ticket's children are read from the parent index whatever SQLite's statistics say.

Nearly no ticket has a parent. Indexed with them all, SQLite's `ANALYZE` counted their NULLs
as one value standing for the whole desk, and the reads of a ticket's children scanned the
ticket table: 430–450 ms on a million tickets for every ticket the pane showed (migration
0015 made the index partial)."""

from __future__ import annotations

from helpdesk_tui.services import agents, mass_incident
from helpdesk_tui.services.ticket_actions import _has_children
from tests.services._helpers import new_ticket
from tests.store.plans import plans


def analyzed(store) -> str:
    """A desk of tickets none of which has a parent, its statistics gathered: a ticket's key."""
    petrov = agents.resolve(store, "petrov")
    keys = [new_ticket(store, petrov, subject=f"Printer {i}").key for i in range(40)]
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    store.dispose()  # statistics are read when a connection opens
    return keys[0]


def test_the_children_shown_in_the_pane_read_the_parent_index(sqlite_store):
    key = analyzed(sqlite_store)
    found = plans(sqlite_store, lambda s: mass_incident.children(sqlite_store, key))
    by_parent = [p for p in found if "parent" in p or "SCAN ticket" in p]
    assert len(by_parent) == 2, found  # the counts and the first children
    for plan in by_parent:
        assert "ix_ticket_parent" in plan and "SCAN ticket " not in plan + " ", plan


# Read through the index before too (a covering index, or one row wanted); kept so that the
# partial index's condition stays one these reads imply.
def test_a_resolutions_check_for_children_reads_the_parent_index(sqlite_store):
    key = analyzed(sqlite_store)
    with sqlite_store.read() as s:
        ticket_id = (
            s.connection().exec_driver_sql("SELECT id FROM ticket WHERE key = ?", (key,)).scalar()
        )
    (plan,) = plans(sqlite_store, lambda s: _has_children(s, ticket_id))
    assert "ix_ticket_parent" in plan and "SCAN ticket " not in plan + " ", plan


def test_the_boards_mass_incidents_read_the_parent_index(sqlite_store):
    analyzed(sqlite_store)
    (plan,) = plans(sqlite_store, lambda s: mass_incident.open_incidents(sqlite_store))
    assert "ix_ticket_parent" in plan and "SCAN c " not in plan + " ", plan
