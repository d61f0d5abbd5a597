"""The schema: migrations create on PostgreSQL what they create on SQLite, and what the
models declare, so an upgraded store and a new one are the same."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from helpdesk_tui.domain.errors import StoreError
from helpdesk_tui.store import models  # noqa: F401
from helpdesk_tui.store.db import open_store
from helpdesk_tui.store.migrations.env_filters import include_name
from helpdesk_tui.store.schema import (
    HEAD,
    current_revision,
    ensure_current,
    head_revision,
    upgrade,
)
from tests.conftest import drop_pg_schema, fresh_pg_schema

ROOT = Path(__file__).resolve().parents[2]


def _shape(engine) -> dict:
    insp = inspect(engine)
    shape = {}
    for table in sorted(insp.get_table_names()):
        if table == "alembic_version" or not include_name(table, "table", {}):
            continue
        columns = {
            c["name"]: (
                type(c["type"]).__name__.replace("VARCHAR", "String").upper()[:4],
                c["nullable"],
            )
            for c in insp.get_columns(table)
        }
        indexes = sorted(
            (tuple(i["column_names"]), bool(i["unique"]))
            for i in insp.get_indexes(table)
            if not i.get("duplicates_constraint")  # PostgreSQL lists unique constraints twice
            and include_name(i["name"], "index", {})
        )
        uniques = sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table))
        fks = sorted(
            (tuple(f["constrained_columns"]), f["referred_table"])
            for f in insp.get_foreign_keys(table)
        )
        pk = tuple(insp.get_pk_constraint(table)["constrained_columns"])
        shape[table] = (sorted(columns), indexes, uniques, fks, pk)
    return shape


def test_upgrade_gives_the_same_schema_on_sqlite_and_postgres(tmp_path):
    lite = open_store(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    name = f"hd_schema_compare_{os.getpid()}"
    pg = open_store(fresh_pg_schema(name))
    assert current_revision(lite) is None and current_revision(pg) is None
    upgrade(lite)
    upgrade(pg)
    assert current_revision(lite) == current_revision(pg) == head_revision()
    lite_shape, pg_shape = _shape(lite.engine), _shape(pg.engine)
    assert set(lite_shape) == set(pg_shape)
    for table in lite_shape:
        assert lite_shape[table] == pg_shape[table], table
    lite.dispose()
    pg.dispose()
    drop_pg_schema(name)


def test_migrations_match_the_models(tmp_path):
    lite = open_store(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(lite)
    with lite.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []
    lite.dispose()


def test_upgrade_twice_changes_nothing(tmp_path):
    lite = open_store(f"sqlite:///{tmp_path / 'twice.sqlite3'}")
    assert upgrade(lite)[0] is None
    before, after = upgrade(lite)
    assert before == after == head_revision()
    lite.dispose()


def test_sqlite_is_opened_with_wal_foreign_keys_and_a_busy_timeout(sqlite_store):
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_head_is_the_newest_migration():
    """`schema.HEAD` (what a start compares with, without Alembic) is Alembic's head."""
    assert head_revision() == HEAD


def test_the_version_read_without_alembic_is_alembics(tmp_path):
    lite = open_store(f"sqlite:///{tmp_path / 'v.sqlite3'}")
    assert current_revision(lite) is None  # no version table yet
    upgrade(lite, "0010")
    with lite.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0010"
    assert current_revision(lite) == "0010"
    with pytest.raises(StoreError, match=f"is at 0010, this helpdesk needs {HEAD}"):
        ensure_current(lite, auto_upgrade=False)
    ensure_current(lite, auto_upgrade=True)
    assert current_revision(lite) == HEAD
    lite.dispose()


def test_a_start_on_a_current_store_does_not_import_alembic(tmp_path):
    path = tmp_path / "cur.sqlite3"
    lite = open_store(f"sqlite:///{path}")
    upgrade(lite)
    lite.dispose()
    code = (
        "import sys\n"
        "from helpdesk_tui.store.db import open_store\n"
        "from helpdesk_tui.store.schema import ensure_current\n"
        f"ensure_current(open_store({f'sqlite:///{path}'!r}), auto_upgrade=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
