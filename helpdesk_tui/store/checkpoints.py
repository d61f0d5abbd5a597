"""SQLite's checkpoints on a thread of their own, not inside an agent's commit.

In WAL mode a commit appends pages to the write-ahead log, and the commit that takes the
log past `wal_autocheckpoint` pages (1,000 by default) copies the log back into the
database file before it returns. On a million tickets a registration writes ~55 pages (the
ticket's indexes), so every 18th one paid for copying and syncing 6–9 MB: 11–13 ms instead
of 6 (the benchmark's registration p95 was those commits).

A long-running process (the application) starts a `Checkpointer`: every second, a thread
asks SQLite for a passive checkpoint (it copies what no reader still needs and waits for
nobody; SQLite runs it without Python's lock, so the event loop and the next commit go on),
and the process's own connections only checkpoint themselves past `SAFETY_PAGES`, should
the thread fall behind. Short commands keep SQLite's default: the last connection to close
checkpoints anyway.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy import event

from helpdesk_tui.store.db import Store

log = logging.getLogger(__name__)

EVERY_S = 1.0
SAFETY_PAGES = 10_000  # ~40 MB of log: a commit copies it back itself past this
_LIMIT = "helpdesk_wal_autocheckpoint"


class Checkpointer:
    """A thread that checkpoints the store's WAL every `every_s` seconds until stopped."""

    def __init__(self, store: Store, every_s: float = EVERY_S) -> None:
        self.store = store
        self.every_s = every_s
        self.runs = 0
        self.last: tuple[int, int, int] | None = None  # SQLite's (busy, log frames, copied)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="helpdesk-checkpoints", daemon=True)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        event.listen(self.store.engine, "checkout", _raise_limit)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (a checkpoint under way finishes first); idempotent."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        if event.contains(self.store.engine, "checkout", _raise_limit):
            event.remove(self.store.engine, "checkout", _raise_limit)

    def _run(self) -> None:
        # Nothing may escape this thread: an uncaught error would be printed over the
        # screen. Without it, a commit copies the log back past SAFETY_PAGES.
        try:
            conn = self.store.engine.raw_connection()
        except Exception as exc:
            log.warning("no checkpoints in the background: %s", exc)
            return
        sqlite = conn.driver_connection
        try:
            while not self._stop.wait(self.every_s):
                try:
                    row = sqlite.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:  # busy or locked: the next round tries again
                    log.debug("checkpoint skipped: %s", exc)
                    continue
                self.last = tuple(row)
                self.runs += 1
        finally:
            try:
                conn.close()
            except Exception as exc:
                log.debug("checkpoint connection not closed cleanly: %s", exc)


def _raise_limit(dbapi_conn, record, _proxy) -> None:
    """A connection of a process with a checkpointer leaves checkpoints to it."""
    if record.info.get(_LIMIT) != SAFETY_PAGES:
        dbapi_conn.execute(f"PRAGMA wal_autocheckpoint = {SAFETY_PAGES}")
        record.info[_LIMIT] = SAFETY_PAGES


def start(store: Store, every_s: float = EVERY_S) -> Checkpointer | None:
    """A running checkpointer for a SQLite file store; None for any other store."""
    if not store.is_sqlite or store.engine.url.database in (None, "", ":memory:"):
        return None
    checkpointer = Checkpointer(store, every_s)
    checkpointer.start()
    return checkpointer
