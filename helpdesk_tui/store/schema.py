"""Schema versions: Alembic migrations shipped inside the package.

The default SQLite store is upgraded on start; any other store only by
`helpdesk db upgrade`, so a team's PostgreSQL is never migrated behind its back.

A start on a store already at `HEAD` reads its version with one query and never imports
Alembic (whose import and reading of every migration script was a tenth of the start);
tests/store/test_schema.py holds `HEAD` to the newest migration's revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from helpdesk_tui.domain.errors import StoreError
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Store, translate_errors

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0015"  # the newest migration's revision (versions/0015_parent_index_partial.py)
VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest revision as Alembic reads it from the migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    """The store's revision (None: no schema yet), read from Alembic's version table."""
    with translate_errors(), store.engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        versions = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        found = list(versions)
    if len(found) > 1:  # branched migrations (none here): say so rather than pick one
        raise StoreError(
            _("the database schema has several heads: {heads}").format(heads=", ".join(found))
        )
    return found[0] if found else None


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to `revision`; return (before, after)."""
    from alembic import command

    before = current_revision(store)
    cfg = alembic_config()
    with translate_errors(), store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current_revision(store) or ""


def ensure_current(store: Store, *, auto_upgrade: bool) -> None:
    """Upgrade silently when allowed, else refuse to run on an old schema."""
    current = current_revision(store)
    if current == HEAD:
        return
    if auto_upgrade:
        upgrade(store)
        return
    if current is None:
        raise StoreError(
            _(
                "the database has no helpdesk schema yet: run `helpdesk db upgrade` (then "
                "`helpdesk data load`)"
            )
        )
    raise StoreError(
        _(
            "the database schema is at {current}, this helpdesk needs {head}: "
            "run `helpdesk db upgrade`"
        ).format(current=current, head=HEAD)
    )
