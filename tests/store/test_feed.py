"""The change feed: it sees commits from other connections, and after losing its
connection it reconnects and misses nothing."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from helpdesk_tui.services.agents import resolve
from helpdesk_tui.services.live import FeedError, watch
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.store.db import open_store

CALLER = "s.kravchenko@produkty24.example"


def _new(store, subject="Касса") -> str:
    return register(
        store, resolve(store, "ivanova"), NewTicket(subject=subject, service="pos", contact=CALLER)
    ).key


def test_the_feed_sees_a_commit_made_elsewhere(store):
    feed = watch(store)
    other = open_store(store.url)  # another engine: as if another process
    key = _new(other)
    started = time.monotonic()
    changes = []
    while not changes and time.monotonic() - started < 5:  # how fast: benchmark 7
        changes = feed.wait(0.5)
    assert changes and changes[0].kind == "created"
    feed.close()
    other.dispose()
    assert key


def test_a_lost_postgresql_connection_is_noticed_and_nothing_is_missed(store):
    if store.dialect != "postgresql":
        pytest.skip("LISTEN connections are a PostgreSQL matter")
    feed = watch(store)
    assert feed.wait(0.1) == []  # connected and listening
    pid = feed._conn.info.backend_pid
    with store.engine.begin() as conn:  # the server drops the listener
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    _new(store, "пока связь была потеряна")
    with pytest.raises(FeedError):
        for _ in range(20):
            feed.wait(0.1)
    assert not feed.connected
    caught_up = []
    for _ in range(20):
        try:
            caught_up = feed.wait(0.2)
        except FeedError:
            continue
        if caught_up:
            break
    assert feed.connected
    assert [c.kind for c in caught_up] == ["created"]
    feed.close()
