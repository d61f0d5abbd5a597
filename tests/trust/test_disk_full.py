"""Disk full and read-only SQLite: a write is refused with one clear line (the CLI exits
non-zero, the application notifies), and nothing is half-written — a ticket and its event
are both there or neither.

A full disk is SQLite's own SQLITE_FULL, made by `PRAGMA max_page_count` on every
connection (the file may not grow past its size); read-only is SQLite opening the file
with `mode=ro` (tests run as root, for whom file permissions do not stop a write).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event
from textual.widgets import TextArea

from helpdesk_tui.app import make_app
from helpdesk_tui.cli import main
from helpdesk_tui.domain.errors import StoreError
from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.services import agents, ticket_actions
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.store import db
from helpdesk_tui.store.db import open_store
from tests.screens.conftest import settle
from tests.screens.helpers import drafts_of, events, paste
from tests.services._helpers import BENNETT, counts, ticket_row

HELPDESK = str(Path(sys.executable).parent / "helpdesk")
BIG = "The receipt printer log follows.\n" + "0123456789abcdef " * 4000  # 68 kB: new pages
FULL = "the disk is full: nothing was written"


@pytest.fixture
def full_disk(monkeypatch):
    """Every SQLite engine made from now on: its file may not grow."""
    configure = db._configure_sqlite

    def configure_full(engine) -> None:
        configure(engine)

        @event.listens_for(engine, "connect")
        def _no_room(dbapi_conn, _record) -> None:
            dbapi_conn.execute("PRAGMA max_page_count = 1")  # SQLite: no less than its size

    monkeypatch.setattr(db, "_configure_sqlite", configure_full)


@pytest.fixture
def store_file(sqlite_template, tmp_path) -> Path:
    path = tmp_path / "store.sqlite3"
    shutil.copy(sqlite_template, path)
    seed = open_store(f"sqlite:///{path}")
    register(
        seed,
        agents.resolve(seed, "ivanova"),
        NewTicket(subject="Before the disk filled", service="question", contact=BENNETT),
    )
    seed.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("VACUUM")  # no free pages left inside the file either
    return path


def test_a_full_disk_refuses_a_registration_and_a_reply_whole(store_file, full_disk):
    store = open_store(f"sqlite:///{store_file}")
    ivanova = agents.resolve(store, "ivanova")
    before = counts(store)
    with pytest.raises(StoreError, match=FULL):
        register(
            store,
            ivanova,
            NewTicket(subject="A long story", description=BIG, service="question", contact=BENNETT),
        )
    with pytest.raises(StoreError, match=FULL):
        ticket_actions.reply(store, ivanova, "HD-1001", BIG)
    assert counts(store) == before  # no ticket without its event, no event without its ticket
    assert ticket_row(store, "HD-1001").version == 1
    # a small change still fits where there is room in the pages, and is whole too
    ticket_actions.note(store, ivanova, "HD-1001", "A short note")
    assert ticket_row(store, "HD-1001").version == 2
    store.dispose()


def test_the_cli_on_a_full_disk_says_so_in_one_line(store_file, full_disk, capsys):
    command = ["--db", str(store_file), "ticket", "new", "--as", "ivanova"]
    command += ["--service", "question", "--contact", BENNETT, "--subject", "Long"]
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--description", BIG])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert err == f"helpdesk: {FULL}\n" and out == ""
    store = open_store(f"sqlite:///{store_file}")
    assert counts(store).tickets == 1
    store.dispose()


def test_the_cli_on_a_read_only_store_says_so_in_one_line(store_file, tmp_path):
    read_only = f"sqlite:///file:{store_file}?mode=ro&uri=true"
    command = [HELPDESK, "--db", read_only, "ticket", "new", "--as", "ivanova"]
    command += ["--service", "question", "--contact", BENNETT, "--subject", "Nowhere to go"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("helpdesk: the database is read-only: nothing was written")
    assert len(done.stderr.splitlines()) == 1 and done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("file")) == []
    listed = subprocess.run(
        [HELPDESK, "--db", read_only, "ticket", "list", "--keys"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert listed.returncode == 0 and listed.stdout.split() == ["HD-1001"]  # reading works


async def test_the_app_on_a_full_disk_notifies_and_keeps_the_reply(store_file, full_disk):
    store = open_store(f"sqlite:///{store_file}")
    app = make_app(store, agents.resolve(store, "ivanova"), live_updates=False, sla_tick=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        app.open_ticket("HD-1001")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        await paste(app, pilot, BIG)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await asyncio.sleep(0.2)
        await settle(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any(FULL in message for message in messages), messages
        assert isinstance(app.screen, ComposeScreen)  # the text is still there to retry
        assert app.screen.query_one(TextArea).text == BIG
    assert events(store, "HD-1001", "reply") == [] and drafts_of(store, "ivanova") == []
    assert ticket_row(store, "HD-1001").version == 1
    store.dispose()
