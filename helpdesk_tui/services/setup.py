"""Opening, creating and upgrading stores, and loading the reference data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, text
from sqlmodel import select

from helpdesk_tui.config import Settings
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.i18n import _
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import forget
from helpdesk_tui.services.refusals import require
from helpdesk_tui.store import models as m
from helpdesk_tui.store import schema
from helpdesk_tui.store.db import Store, open_store
from helpdesk_tui.store.reference import LoadReport, load_reference


def reference_dir() -> Path:
    """`data/` shipped in the wheel, or the checkout's `data/` in an editable install."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_data", package.parent / "data"):
        if candidate.is_dir():
            return candidate
    raise Invalid(_("the reference data directory is missing: give one to `helpdesk data load`"))


def open_checked(settings: Settings, *, migrate: bool = True, url: str | None = None) -> Store:
    """Open the store in force. The default SQLite store is created, upgraded and given the
    reference data on first start; any other store must already be on the current schema."""
    store = open_store(url or settings.db_url)
    if not migrate:
        return store
    auto = settings.is_default_store and url is None
    if auto and schema.current_revision(store) is None:
        schema.upgrade(store)
        load_data(store, reference_dir())
        return store
    schema.ensure_current(store, auto_upgrade=auto)
    return store


def upgrade(store: Store, *, actor: Actor | None = None) -> tuple[str | None, str]:
    """Bring the schema to head. With `actor`: an admin's job (`desk.upgrade`)."""
    if actor is not None:
        require(store, actor, "desk.upgrade")
    return schema.upgrade(store)


def upkeep_warnings(store: Store) -> list[str]:
    """What the database server does not do that the store relies on (none on SQLite).

    PostgreSQL's autovacuum: the queue's indexes and the search copies of open subjects
    (migration 0014) are kept fast by it; without it every ticket closed or removed stays
    in them as a dead entry that each queue read and search steps over."""
    if store.is_sqlite or _autovacuum(store) == "on":
        return []
    return [
        _(
            "PostgreSQL's autovacuum is off: closed and removed tickets stay in the queue's "
            "indexes and search copies; turn it on (autovacuum = on) or run VACUUM (ANALYZE) "
            "regularly"
        )
    ]


def _autovacuum(store: Store) -> str:
    with store.read() as s:
        return str(s.execute(text("SHOW autovacuum")).scalar())


def load_data(
    store: Store, directory: Path, *, actor: Actor | None = None, overwrite_edited: bool = False
) -> LoadReport:
    """Apply data/*.toml. With `actor`: an admin's job (`desk.load_data`). Without one it
    is the store's owner setting it up (the command line asks for an admin's login on a
    shared store that has agents)."""
    if actor is not None:
        require(store, actor, "desk.load_data")
    report = load_reference(store, directory, overwrite_edited=overwrite_edited)
    forget(store)
    return report


def init_store(store: Store, directory: Path | None = None) -> LoadReport:
    """Create or upgrade the schema and load the reference data (idempotent)."""
    schema.upgrade(store)
    return load_data(store, directory or reference_dir())


def ticket_count(store: Store) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(m.Ticket)).one()
