"""Fixtures: isolated user directories, and stores on SQLite and PostgreSQL.

`store` is parametrised over both backends. SQLite stores are copies of one file built per
session; PostgreSQL tests share a schema per test session (and xdist worker), whose tables
are restored to the reference data from a template copy before each test. PostgreSQL
comes from HELPDESK_TEST_PG_URL; without it those tests skip locally, and CI (`.ci/run`)
always sets it and refuses to skip them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from helpdesk_tui.services import agents as agent_service
from helpdesk_tui.services.catalog import forget
from helpdesk_tui.services.setup import init_store
from helpdesk_tui.store.db import Store, open_store

PG_URL = os.environ.get("HELPDESK_TEST_PG_URL", "")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch) -> None:
    """Never read or write the developer's real config and data directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for name in (
        "HELPDESK_DB",
        "HELPDESK_AS",
        "HELPDESK_LANG",
        "HELPDESK_CONFIG",
        "HELPDESK_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _english(monkeypatch) -> Iterator[None]:
    """Every test starts in English, whatever the machine's locale; a test that switches
    to Russian (`i18n.set_language("ru")`) leaves English behind it."""
    from helpdesk_tui import i18n

    monkeypatch.setenv("LANG", "C.UTF-8")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch) -> None:
    """scrypt at N=2^4 instead of 2^16: the same code, thousands of times faster
    (tests/services/test_auth.py raises the cost where it measures timing)."""
    from helpdesk_tui.services import auth

    monkeypatch.setattr(auth, "PARAMS", auth.Params(ln=4, r=8, p=1))


def without_rules(store: Store) -> None:
    """Test stores start without the shipped automation rules (data/rules.toml): the
    tests of every other service see exactly what they do. Rule tests load them."""
    from helpdesk_tui.store import models as m

    with store.write() as s:
        row = s.get(m.DeskSetting, "rules")
        if row is not None:
            s.delete(row)


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
    without_rules(store)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture(scope="session")
def pg_session() -> Iterator[str]:
    """This session's PostgreSQL schema with the reference data, and beside it a copy of
    every table as loaded (`<schema>_tpl`), from which each test's store is restored."""
    name = f"hd_test_{_worker()}_{os.getpid()}"  # concurrent test runs never share one
    url = fresh_pg_schema(name)
    fresh_pg_schema(f"{name}_tpl")
    store = open_store(url)
    init_store(store)
    without_rules(store)
    with store.engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            conn.execute(
                text(f'CREATE TABLE "{name}_tpl"."{table.name}" AS SELECT * FROM "{table.name}"')
            )
    store.dispose()
    yield url
    drop_pg_schema(name)
    drop_pg_schema(f"{name}_tpl")


def _sqlite_store(template: Path, tmp_path: Path) -> Store:
    path = tmp_path / "store.sqlite3"
    shutil.copy(template, path)
    return open_store(f"sqlite:///{path}")


def _pg_store(url: str) -> Store:
    """Every table back to the reference data as loaded: truncate all, copy the template
    back (a few hundred rows, tens of milliseconds), and move the id sequences past it."""
    store = open_store(url)
    schema = url.rsplit("%3D", 1)[1]
    tables = SQLModel.metadata.sorted_tables
    with store.engine.begin() as conn:
        # DELETE, not TRUNCATE: on small tables it is ten times faster (no new files)
        for table in reversed(tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))
        for table in tables:
            conn.execute(
                text(f'INSERT INTO "{table.name}" SELECT * FROM "{schema}_tpl"."{table.name}"')
            )
            if "id" in table.c and table.c.id.primary_key:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                    )
                )
    return store


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, sqlite_template, tmp_path) -> Iterator[Store]:
    """A store with the reference data and no tickets, on each backend."""
    if request.param == "sqlite":
        s = _sqlite_store(sqlite_template, tmp_path)
    else:
        s = _pg_store(request.getfixturevalue("pg_session"))
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
