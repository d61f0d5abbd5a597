"""Engines and transactions.

SQLite: WAL, foreign keys, a busy timeout, `synchronous=NORMAL`. In WAL mode NORMAL
survives a crash of the application or the machine's OS process (kill -9) without losing a
commit; only a power cut or kernel crash can lose the last commits. That is the trade we
make for ~1 ms commits; set `HELPDESK_SQLITE_SYNC=FULL` to pay for power-cut durability.

Writes open with `BEGIN IMMEDIATE`: a deferred transaction that reads then writes fails
at once with SQLITE_BUSY when another writer got there first, ignoring the busy timeout;
an immediate one waits its turn. Reads stay deferred so they never block on writers.
PostgreSQL runs at READ COMMITTED through psycopg 3; writers guard tickets with a
version column (see services), so a concurrent update ends in a conflict, not a loss.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, event, inspect, literal, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from helpdesk_tui.domain.errors import HelpdeskError, StoreError
from helpdesk_tui.i18n import _

_WRITE = "helpdesk_write"
_HOOKS = "helpdesk_before_commit"
_STORE = "helpdesk_store"
_AUTOCOMMIT = "helpdesk_autocommit_engine"


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for `url` with the pragmas and transaction behaviour we rely on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _file_of(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=pool_size,
            max_overflow=10,
        )
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=10,
            connect_args={"connect_timeout": 5, "application_name": "helpdesk"},
        )
        _ping_when_idle(engine)
        return engine
    raise StoreError(_("unsupported database {name}").format(name=repr(parsed.get_backend_name())))


def _file_of(database: str) -> Path:
    """The file a SQLite database name is in: a plain path, or a URI filename
    (`file:/path/x.sqlite3?mode=ro`, with `uri=true`), which must not be taken for a
    directory `file:` to create."""
    if database.startswith("file:"):
        return Path(database[len("file:") :].split("?", 1)[0])
    return Path(database)


PING_IDLE_S = 1.0
_CHECKED_IN = "helpdesk_checked_in"


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat unused for `PING_IDLE_S`.

    A connection the server dropped (a restart, an idle timeout) is found out and replaced
    before a transaction starts on it, as SQLAlchemy's `pool_pre_ping` does; but that pings
    on every checkout, a round trip per transaction, and a run over a thousand tickets
    checks one out several times a ticket. A connection handed back a moment ago is used
    as is: if the server dropped it meanwhile, the statement fails, the pool is renewed and
    the user is told to try again (`translate_errors`)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy) -> None:
        since = record.info.get(_CHECKED_IN)
        if since is None or time.monotonic() - since < PING_IDLE_S:
            return  # just connected, or just used
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            # the pool replaces this connection and checks out again (SQLAlchemy's
            # pessimistic disconnect handling)
            raise DisconnectionError(str(exc)) from exc


def _configure_sqlite(engine: Engine) -> None:
    sync = os.environ.get("HELPDESK_SQLITE_SYNC", "NORMAL").upper()
    if sync not in {"NORMAL", "FULL", "EXTRA"}:
        sync = "NORMAL"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would delay it).
        dbapi_conn.isolation_level = None
        dbapi_conn.create_function("hd_fold", 1, _fold, deterministic=True)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA synchronous = {sync}")
        cur.execute("PRAGMA cache_size = -8192")  # 8 MB a connection: a pool of them adds up
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _fold(value: str | None) -> str | None:
    """Unicode case folding for searches (SQLite's LIKE folds ASCII only)."""
    return value.casefold() if value is not None else None


@dataclass
class Store:
    """A database in use: its engine, and sessions that are one transaction each."""

    engine: Engine
    url: str
    cache: dict = field(default_factory=dict)  # per-process caches of services (catalog)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (rolled back at the end)."""
        with translate_errors(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def glance(self) -> Iterator[Session]:
        """A read of a single statement. On PostgreSQL it runs outside a transaction: at
        READ COMMITTED a statement sees its own snapshot either way, and the BEGIN and
        ROLLBACK round trips are saved (the permission check before every change is one
        such read). On SQLite, `read`."""
        if self.is_sqlite:
            with self.read() as session:
                yield session
            return
        engine = self.cache.get(_AUTOCOMMIT)
        if engine is None:
            engine = self.cache[_AUTOCOMMIT] = self.engine.execution_options(
                isolation_level="AUTOCOMMIT"
            )
        with translate_errors(), Session(engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on any error.

        Before the commit, the hooks the block queued with `before_commit` run in the same
        transaction (the automation rules: their changes commit, or roll back, with the
        change that set them off)."""
        with translate_errors(), Session(self.engine, expire_on_commit=False) as session:
            session.connection(execution_options={_WRITE: True})
            session.info[_STORE] = self
            yield session
            while hooks := session.info.pop(_HOOKS, None):
                for hook in hooks.values():
                    hook(self, session)
            session.commit()

    def dispose(self) -> None:
        self.engine.dispose()


class JoinedStore(Store):
    """The store seen from inside an open write transaction: services called with it read
    and write in that transaction, so their changes commit (or roll back) with it."""

    def __init__(self, store: Store, session: Session):
        super().__init__(store.engine, store.url, store.cache)
        self.session = session

    @contextmanager
    def write(self) -> Iterator[Session]:
        yield self.session

    read = glance = write


def before_commit(session: Session, name: str, hook: Callable[[Store, Session], None]) -> None:
    """Run `hook(store, session)` once before the write transaction of `session` commits
    (a hook queued while hooks run, runs after them). Outside `Store.write`: never."""
    if _STORE in session.info:
        session.info.setdefault(_HOOKS, {}).setdefault(name, hook)


_HELD = "helpdesk_held_rows"


def held(session: Session, model: type, row_id: int | None) -> Any:
    """`session.get(model, row_id)`, the row kept for the rest of the session (one
    transaction): the session's identity map holds rows weakly, so the contact read to
    fill a change's text would otherwise be read again for the notice of that change."""
    if row_id is None:
        return None
    rows = session.info.setdefault(_HELD, {})
    if (model, row_id) not in rows:
        rows[model, row_id] = session.get(model, row_id)
    return rows[model, row_id]


def hold(session: Session, *wanted: tuple[type, int | None]) -> None:
    """Read the rows `wanted` (model, id) that the session does not hold yet in one
    statement, and hold them for `held`: a change that fills a text with the ticket's
    contact, customer and site reads them in one round trip instead of three."""
    rows = session.info.setdefault(_HELD, {})
    todo = list(dict.fromkeys(w for w in wanted if w[1] is not None and w not in rows))
    if len(todo) < 2:
        return  # `held` reads one alone just as well
    stmt = _hold_statement(tuple(model for model, _ in todo))
    found = session.execute(stmt, {f"id_{i}": row_id for i, (_, row_id) in enumerate(todo)}).one()
    for want, row in zip(todo, found, strict=True):
        rows[want] = row


@functools.cache
def _hold_statement(models: tuple[type, ...]) -> Any:
    """One row of `models`, each outer-joined by its primary key to a single-row anchor
    (built once per set of models: a statement built anew each time is compiled anew)."""
    targets = [aliased(model) for model in models]
    stmt = select(*targets).select_from(select(literal(1).label("one")).subquery())
    for i, (target, model) in enumerate(zip(targets, models, strict=True)):
        key = inspect(model).primary_key[0].key
        stmt = stmt.outerjoin(target, getattr(target, key) == bindparam(f"id_{i}"))
    return stmt


def store_cache(session: Session) -> dict:
    """The per-process cache of the store whose write transaction `session` is (a dict
    of its own outside one: nothing is kept)."""
    store = session.info.get(_STORE)
    return store.cache if store is not None else {}


def open_store(url: str, *, pool_size: int = 5) -> Store:
    return Store(make_engine(url, pool_size=pool_size), url)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn driver errors a user can act on into one-line `StoreError`s."""
    try:
        yield
    except HelpdeskError:
        raise
    except OperationalError as exc:
        raise StoreError(describe_db_error(exc)) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreError(_("the connection to the database was lost; try again")) from exc
        raise


def describe_db_error(exc: DBAPIError) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else ""
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return _(
            "the database is read-only: nothing was written "
            "(check the file, its directory and the URL)"
        )
    if ("disk" in lowered and "full" in lowered) or "no space" in lowered:
        return _("the disk is full: nothing was written")
    if "database is locked" in lowered:
        return _("the database is busy (locked by another writer); try again")
    if "unable to open" in lowered:
        return _("cannot open the database file: check the path and permissions")
    if "connection refused" in lowered or "could not connect" in lowered or "connection" in lowered:
        return _("cannot reach the database: {error}").format(error=text)
    return _("database error: {error}").format(error=text)
