"""What a change costs in round trips to the database: rows read together (`hold`), the
one-statement read outside a transaction (`glance`), and a pooled connection pinged only
after it sat unused. On PostgreSQL each round trip is a wait (a bulk run of a thousand
tickets pays each one a thousand times); these tests fail when one comes back."""

from __future__ import annotations

import re

import pytest
from psycopg import pq
from sqlalchemy import text
from sqlmodel import select

from helpdesk_tui.services.agents import resolve
from helpdesk_tui.store import db
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import JoinedStore, held, hold
from tests.services._helpers import KRAVCHENKO, Statements, new_ticket, ticket_row

PARTY = re.compile(r"(FROM|JOIN)\s+(contact|customer|site)\b")


def _parties(store) -> m.Ticket:
    return ticket_row(store, new_ticket(store, resolve(store, "ivanova")).key)


# -- hold ----------------------------------------------------------------------------------


def test_rows_of_several_tables_are_read_in_one_statement_and_held(store):
    ticket = _parties(store)
    assert ticket.contact_id and ticket.customer_id and ticket.site_id
    with store.read() as s, Statements(store) as seen:
        hold(
            s,
            (m.Contact, ticket.contact_id),
            (m.Customer, ticket.customer_id),
            (m.Site, ticket.site_id),
            (m.Asset, None),
        )
        contact = held(s, m.Contact, ticket.contact_id)
        customer = held(s, m.Customer, ticket.customer_id)
        site = held(s, m.Site, ticket.site_id)
        assert held(s, m.Asset, None) is None
    assert len(seen.sql) == 1, seen.sql
    assert contact.email == KRAVCHENKO
    assert customer.id == contact.customer_id and site.id == contact.site_id


def test_a_row_that_is_not_there_is_held_as_none(store):
    ticket = _parties(store)
    with store.read() as s:
        hold(s, (m.Contact, ticket.contact_id), (m.Customer, 987_654))
        assert held(s, m.Contact, ticket.contact_id).id == ticket.contact_id
        with Statements(store) as seen:
            assert held(s, m.Customer, 987_654) is None
    assert seen.sql == []  # its absence is held too


def test_rows_already_held_are_not_read_again(store):
    ticket = _parties(store)
    with store.read() as s:
        held(s, m.Contact, ticket.contact_id)
        with Statements(store) as seen:
            hold(s, (m.Contact, ticket.contact_id), (m.Customer, ticket.customer_id))
            hold(s, (m.Contact, ticket.contact_id))
        assert seen.sql == []  # one left to read: `held` reads it when asked
        with Statements(store) as seen:
            hold(s, (m.Customer, ticket.customer_id), (m.Site, ticket.site_id))
            held(s, m.Customer, ticket.customer_id)
            held(s, m.Site, ticket.site_id)
        assert len(seen.sql) == 1


def test_the_statement_that_reads_them_is_built_once_per_set_of_tables(store):
    """Built anew for each change (four ORM aliases, their joins, the cache key), it cost
    more Python than the round trips it saved: a mass incident's 999 children spent a
    second and a half on it. Built once, each change only binds the ids."""
    first, second = _parties(store), _parties(store)
    built = db._hold_statement.cache_info().misses
    for ticket in (first, second):
        with store.read() as s:
            hold(s, (m.Contact, ticket.contact_id), (m.Site, ticket.site_id))
            assert held(s, m.Contact, ticket.contact_id).id == ticket.contact_id
    assert db._hold_statement.cache_info().misses - built <= 1


def test_a_resolution_filled_for_its_contact_reads_the_parties_once(store):
    """The text filled with the contact's name and the notice to them: contact, customer
    and site come in one statement, and the notice's template in one more."""
    from helpdesk_tui.services import ticket_actions

    ivanova = resolve(store, "ivanova")
    key = new_ticket(store, ivanova).key
    with Statements(store) as seen:
        ticket_actions.resolve(store, ivanova, key, "Fixed, {{contact.name}}.", fill_in=True)
    parties = [sql for sql in seen.sql if PARTY.search(sql)]
    templates = [sql for sql in seen.sql if re.search(r"FROM template\b", sql)]
    assert len(parties) == 1, parties
    assert all(t in parties[0] for t in ("contact", "customer", "site"))
    assert len(templates) == 1, templates


# -- glance --------------------------------------------------------------------------------


def test_a_glance_reads_outside_a_transaction_on_postgresql(store):
    if store.dialect != "postgresql":
        pytest.skip("SQLite's transactions cost no round trip: a glance is a read there")
    with store.glance() as s:
        assert s.execute(text("SELECT 1")).scalar_one() == 1
        status = s.connection().connection.dbapi_connection.info.transaction_status
    assert status == pq.TransactionStatus.IDLE  # no BEGIN was sent, no ROLLBACK follows
    with store.read() as s:
        s.execute(text("SELECT 1"))
        status = s.connection().connection.dbapi_connection.info.transaction_status
    assert status == pq.TransactionStatus.INTRANS
    with store.write() as s:  # the pooled connection went back as it came
        s.execute(text("SELECT 1"))
        status = s.connection().connection.dbapi_connection.info.transaction_status
    assert status == pq.TransactionStatus.INTRANS


def test_inside_a_write_a_glance_reads_in_that_transaction(store):
    with store.write() as s:
        s.add(m.DeskSetting(key="round-trips", value={"seen": True}))
        s.flush()
        joined = JoinedStore(store, s)
        with joined.glance() as g:
            assert g is s
            assert g.exec(select(m.DeskSetting).where(m.DeskSetting.key == "round-trips")).one()
        s.rollback()


# -- the ping --------------------------------------------------------------------------------


def _pings(monkeypatch, store) -> list[int]:
    calls: list[int] = []
    real = store.engine.dialect.do_ping

    def counted(dbapi_conn):
        calls.append(1)
        return real(dbapi_conn)

    monkeypatch.setattr(store.engine.dialect, "do_ping", counted)
    return calls


def test_a_connection_used_a_moment_ago_is_not_pinged(store, monkeypatch):
    if store.dialect != "postgresql":
        pytest.skip("a SQLite file needs no ping")
    pings = _pings(monkeypatch, store)
    for _ in range(5):
        with store.read() as s:
            s.execute(text("SELECT 1"))
    assert pings == []
    monkeypatch.setattr(db, "PING_IDLE_S", 0.0)  # every connection now counts as idle
    with store.read() as s:
        s.execute(text("SELECT 1"))
    assert pings == [1]


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(store, monkeypatch):
    if store.dialect != "postgresql":
        pytest.skip("a SQLite file has no server to drop it")
    with store.read() as s:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    other = db.open_store(store.url)
    try:
        with other.engine.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        other.dispose()
    monkeypatch.setattr(db, "PING_IDLE_S", 0.0)
    with store.read() as s:  # the ping finds it dead: a new connection, no error
        again = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert again != pid
