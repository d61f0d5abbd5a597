"""SQLite's write-ahead log is copied back by the application's own thread, never by an
agent's commit (helpdesk_tui/store/checkpoints.py)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from helpdesk_tui.store import checkpoints
from helpdesk_tui.store.db import open_store

ROW = "x" * 3000  # about a page a row


def _until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.02)


def test_commits_leave_the_log_to_the_thread_which_copies_it_back(tmp_path):
    path = tmp_path / "desk.sqlite3"
    store = open_store(f"sqlite:///{path}")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE note (body TEXT)")
    checkpointer = checkpoints.start(store, every_s=3600)  # no round yet
    try:
        for _ in range(1500):  # ~4,500 pages: SQLite's commits copy the log back past 1,000
            with store.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO note VALUES (?)", (ROW,))
        with store.engine.connect() as conn:
            limit = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
            page = conn.exec_driver_sql("PRAGMA page_size").scalar()
        assert limit == checkpoints.SAFETY_PAGES
        # no commit copied the log back (the log would have started again at its head)
        assert Path(f"{path}-wal").stat().st_size > 4000 * page
    finally:
        checkpointer.stop()
    assert not checkpointer.running and checkpointer.runs == 0
    checkpointer.stop()  # idempotent

    checkpointer = checkpoints.start(store, every_s=0.05)
    try:
        _until(lambda: checkpointer.runs >= 1)
        busy, frames, copied = checkpointer.last
        assert busy == 0 and frames > 4000 and copied == frames  # all of it, by the thread
    finally:
        checkpointer.stop()
    store.dispose()


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_postgresql_store_has_no_checkpointer(store):
    assert checkpoints.start(store) is None  # PostgreSQL checkpoints by itself


def test_a_store_it_cannot_reach_ends_the_thread_quietly(tmp_path, monkeypatch):
    """Nothing escapes the thread: an uncaught error would be printed over the screen."""
    store = open_store(f"sqlite:///{tmp_path / 'desk.sqlite3'}")

    def unreachable():
        raise OSError("the disk is gone")

    monkeypatch.setattr(store.engine, "raw_connection", unreachable)
    escaped = []
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    checkpointer = checkpoints.start(store, every_s=0.01)
    _until(lambda: not checkpointer.running)
    assert checkpointer.runs == 0 and escaped == []
    checkpointer.stop()
    store.dispose()
