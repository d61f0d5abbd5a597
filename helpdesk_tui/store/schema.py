"""Schema versions: Alembic migrations shipped inside the package.

The default SQLite store is upgraded on start; any other store only by
`helpdesk db upgrade`, so a team's PostgreSQL is never migrated behind its back.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from helpdesk_tui.domain.errors import StoreError
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Store, translate_errors

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    with translate_errors(), store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to `revision`; return (before, after)."""
    before = current_revision(store)
    cfg = alembic_config()
    with translate_errors(), store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current_revision(store) or ""


def ensure_current(store: Store, *, auto_upgrade: bool) -> None:
    """Upgrade silently when allowed, else refuse to run on an old schema."""
    current = current_revision(store)
    if current == head_revision():
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
        ).format(current=current, head=head_revision())
    )
