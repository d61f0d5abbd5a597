"""Opening, creating and upgrading stores, and loading the reference data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from helpdesk_tui.config import Settings
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.services.catalog import forget
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
    raise Invalid("the reference data directory is missing: give one to `helpdesk data load`")


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


def upgrade(store: Store) -> tuple[str | None, str]:
    return schema.upgrade(store)


def load_data(store: Store, directory: Path) -> LoadReport:
    report = load_reference(store, directory)
    forget(store)
    return report


def init_store(store: Store, directory: Path | None = None) -> LoadReport:
    """Create or upgrade the schema and load the reference data (idempotent)."""
    schema.upgrade(store)
    return load_data(store, directory or reference_dir())


def ticket_count(store: Store) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(m.Ticket)).one()
