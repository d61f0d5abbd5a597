"""Fixtures: isolated user directories, and stores on SQLite and PostgreSQL.

`store` is parametrised over both backends. SQLite stores are copies of one file built per
session; PostgreSQL tests share a schema per xdist worker, emptied of tickets and given the
reference data again before each test. PostgreSQL comes from HELPDESK_TEST_PG_URL; without
it those tests skip locally, and CI (`.ci/run`) always sets it and refuses to skip them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from helpdesk_tui.services import agents as agent_service
from helpdesk_tui.services.catalog import forget
from helpdesk_tui.services.setup import init_store, load_data, reference_dir
from helpdesk_tui.store.db import Store, open_store

PG_URL = os.environ.get("HELPDESK_TEST_PG_URL", "")
MUTABLE = (
    "ticket_event, ticket_link, outbox, draft, ticket, key_counter"
)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch) -> None:
    """Never read or write the developer's real config and data directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for name in ("HELPDESK_DB", "HELPDESK_AS", "HELPDESK_LANG", "HELPDESK_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def pg_url(schema: str) -> str:
    """The test server's URL with `search_path` set to `schema`."""
    base = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def fresh_pg_schema(name: str) -> str:
    """Drop and create schema `name` on the test server; returns its URL."""
    if not PG_URL:
        if os.environ.get("HELPDESK_REQUIRE_PG"):
            pytest.fail("HELPDESK_REQUIRE_PG is set but HELPDESK_TEST_PG_URL is not")
        pytest.skip("HELPDESK_TEST_PG_URL is not set")
    admin = open_store(pg_url("public"))
    with admin.engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    return pg_url(name)


def drop_pg_schema(name: str) -> None:
    admin = open_store(pg_url("public"))
    with admin.engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    store = open_store(f"sqlite:///{path}")
    init_store(store)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture(scope="session")
def pg_session() -> Iterator[tuple[str, int]]:
    """This worker's PostgreSQL schema with the reference data, and its last contact id."""
    name = f"hd_test_{_worker()}_{os.getpid()}"  # concurrent test runs never share one
    url = fresh_pg_schema(name)
    store = open_store(url)
    init_store(store)
    with store.engine.connect() as conn:
        last_contact = conn.execute(text("SELECT max(id) FROM contact")).scalar_one()
    store.dispose()
    yield url, last_contact
    drop_pg_schema(name)


def _sqlite_store(template: Path, tmp_path: Path) -> Store:
    path = tmp_path / "store.sqlite3"
    shutil.copy(template, path)
    return open_store(f"sqlite:///{path}")


def _pg_store(url: str, last_contact: int) -> Store:
    """Empty of tickets and of contacts added by earlier tests; reference data as loaded."""
    store = open_store(url)
    with store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {MUTABLE} RESTART IDENTITY CASCADE"))
        conn.execute(text("DELETE FROM contact WHERE id > :last"), {"last": last_contact})
        conn.execute(text("UPDATE template SET use_count = 0"))
    load_data(store, reference_dir())  # undoes changes to agents and other reference rows
    return store


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, sqlite_template, tmp_path) -> Iterator[Store]:
    """A store with the reference data and no tickets, on each backend."""
    if request.param == "sqlite":
        s = _sqlite_store(sqlite_template, tmp_path)
    else:
        s = _pg_store(*request.getfixturevalue("pg_session"))
    forget(s)
    yield s
    s.dispose()


@pytest.fixture
def sqlite_store(sqlite_template, tmp_path) -> Iterator[Store]:
    """A SQLite store only (screens and CLI tests)."""
    s = _sqlite_store(sqlite_template, tmp_path)
    yield s
    s.dispose()


@pytest.fixture
def actor_of(store):
    """`actor_of("petrov")`: the acting agent by login."""
    return lambda login: agent_service.resolve(store, login)
