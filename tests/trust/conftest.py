"""Fixtures of the trust tests: a PostgreSQL store alone (for what only a server can do),
and a mail configuration in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpdesk_tui.config import MailConfig
from helpdesk_tui.services.catalog import forget
from helpdesk_tui.store.db import Store
from tests.conftest import _pg_store


@pytest.fixture
def pg_store(pg_session) -> Iterator[Store]:
    """A PostgreSQL store with the reference data and no tickets."""
    store = _pg_store(pg_session)
    forget(store)
    yield store
    store.dispose()


@pytest.fixture
def mail_config(tmp_path) -> MailConfig:
    return MailConfig(
        from_addr="desk@desk.example",
        from_name="Service desk",
        attachments_dir=tmp_path / "attachments",
        failed_dir=tmp_path / "failed",
    )
