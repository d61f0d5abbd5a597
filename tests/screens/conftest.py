"""Screens under test: a seeded demo desk at a fixed instant, and the app built for it.

The clock is frozen at `NOW` for the app (countdowns, ages) and for the generated data,
so snapshots are stable. Live updates and the background SLA tick are off unless a test
turns them on.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpdesk_tui.app import HelpdeskApp, make_app
from helpdesk_tui.services import agents, demo
from helpdesk_tui.store.db import Store, open_store

NOW = datetime(2026, 11, 24, 11, 30, tzinfo=UTC)  # a Tuesday, 14:30 in Moscow
DEMO_TICKETS = 150


@pytest.fixture(scope="session")
def demo_template(sqlite_template, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    store = open_store(f"sqlite:///{path}")
    demo.generate(store, DEMO_TICKETS, seed=11, now=NOW)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture
def demo_store(demo_template, tmp_path) -> Store:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    store = open_store(f"sqlite:///{path}")
    yield store
    store.dispose()


@pytest.fixture
def app_for(demo_store):
    """`app_for("petrov")`: the application as that agent on the demo store."""

    def build(login: str, **kwargs) -> HelpdeskApp:
        kwargs.setdefault("clock", lambda: NOW)
        kwargs.setdefault("live_updates", False)
        kwargs.setdefault("sla_tick", False)
        return make_app(demo_store, agents.resolve(demo_store, login), **kwargs)

    return build


def still_cursors(app: HelpdeskApp) -> None:
    """No blinking: cursors are drawn steadily, so two snapshot runs look the same."""
    from textual.widgets import Input, TextArea

    for screen in app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False


def _tables_pending(app: HelpdeskApp) -> bool:
    """A DataTable sizes its columns to new rows when it is next idle: until then a loaded
    machine may paint them at their headers' width."""
    from textual.widgets import DataTable

    return any(
        getattr(table, "_require_update_dimensions", False) for table in app.screen.query(DataTable)
    )


def _queue_due(app: HelpdeskApp) -> bool:
    """A queue's tab counts and the rest of its first block are asked for by timers once
    it is painted: work still to come, on the workspace or under the screen on top."""
    from helpdesk_tui.screens.workspace import WorkspaceScreen
    from helpdesk_tui.widgets.ticket_table import TicketTable

    return any(
        screen.counts_due or any(t.rest_due for t in screen.query(TicketTable))
        for screen in app.screen_stack
        if isinstance(screen, WorkspaceScreen)
    )


async def settle(app: HelpdeskApp, pilot=None, timeout: float = 10.0) -> None:
    """Wait until no database worker has run for a few polls in a row (the live feed never
    finishes; a worker's result may start the next one, so one idle poll is not enough);
    cursors stop blinking."""
    still_cursors(app)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    idle = 0
    while loop.time() < deadline:
        await asyncio.sleep(0.02)
        if pilot is not None:
            await pilot.pause()
        busy = [w for w in app.workers if w.group != "feed" and not w.is_finished]
        idle = 0 if busy or _tables_pending(app) or _queue_due(app) else idle + 1
        if idle >= 4:
            still_cursors(app)
            return
    raise TimeoutError("workers still running: " + ", ".join(str(w) for w in app.workers))
