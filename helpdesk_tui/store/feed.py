"""The change feed's receiving side: which tickets changed since we last looked.

PostgreSQL: LISTEN on a dedicated connection (iterating `notifies()` blocks other use of a
connection); NOTIFY is only a wake-up call — what changed is read from the event table by
id, so nothing is missed across a reconnect. SQLite: poll `PRAGMA data_version` on a
dedicated connection (it does not change for commits made on the same connection) a few
times a second, and read new events only when it moved.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from helpdesk_tui.store.changes import CHANNEL
from helpdesk_tui.store.db import Store


@dataclass(frozen=True)
class Change:
    event_id: int
    ticket_id: int
    kind: str


class FeedError(Exception):
    """The connection behind the feed is gone; `ChangeFeed.wait` reconnects on its own."""


class ChangeFeed:
    """`wait(timeout)` blocks until something changed (or the timeout) and returns it."""

    POLL_SECONDS = 0.2  # SQLite: how often data_version is read

    def __init__(self, store: Store):
        self.store = store
        self.url = make_url(store.url)
        self.last_id = self._max_event_id()
        self._conn = None
        self._data_version: int | None = None
        self.connected = True

    # -- reading events -------------------------------------------------------------
    def _max_event_id(self) -> int:
        with self.store.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM ticket_event").scalar()

    def _since(self) -> list[Change]:
        with self.store.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, ticket_id, kind FROM ticket_event WHERE id > "
                f"{int(self.last_id)} ORDER BY id LIMIT 5000"
            ).all()
        if rows:
            self.last_id = rows[-1][0]
        return [Change(r[0], r[1], r[2]) for r in rows]

    # -- waiting ----------------------------------------------------------------------
    def wait(self, timeout: float) -> list[Change]:
        """Changes committed since the last call; [] after `timeout` seconds of quiet.

        Raises `FeedError` when the database cannot be reached (the caller shows it and
        calls again later; the next successful call catches up on everything missed).
        """
        try:
            if self.url.get_backend_name() == "postgresql":
                changes = self._wait_pg(timeout)
            else:
                changes = self._wait_sqlite(timeout)
        except Exception as exc:  # any driver error means: not connected
            self._close()
            self.connected = False
            raise FeedError(str(exc).strip().splitlines()[0] if str(exc) else "lost") from exc
        self.connected = True
        return changes

    def _wait_sqlite(self, timeout: float) -> list[Change]:
        if self._conn is None:
            database = self.url.database
            self._conn = sqlite3.connect(
                database, timeout=5, check_same_thread=False, uri=database.startswith("file:")
            )
            self._data_version = None
        deadline = time.monotonic() + timeout
        while True:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._data_version:
                self._data_version = version
                changes = self._since()
                if changes:
                    return changes
            if time.monotonic() >= deadline:
                return []
            time.sleep(self.POLL_SECONDS)

    def _wait_pg(self, timeout: float) -> list[Change]:
        import psycopg

        if self._conn is None:
            url = self.url.set(drivername="postgresql")
            conninfo = url.render_as_string(hide_password=False)
            self._conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            self._conn.execute(f"LISTEN {CHANNEL}")
            missed = self._since()  # whatever happened while we were away
            if missed:
                return missed
        for _ in self._conn.notifies(timeout=timeout, stop_after=1):
            break
        return self._since()

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        self._close()
