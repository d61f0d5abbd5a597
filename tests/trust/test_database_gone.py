"""Database gone: PostgreSQL (behind a proxy we cut; the server itself is shared and never
stopped) goes away under a running application and comes back. The application says so
in its header and a notification, keeps what the agent typed meanwhile (even if they close
the editor), reconnects by itself, saves the kept draft, and the next change works. The
command line, with the database gone, says so in one line and exits non-zero."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import TextArea

from helpdesk_tui.app import make_app
from helpdesk_tui.screens.compose import SAVE_AFTER, ComposeScreen
from helpdesk_tui.services import agents, drafts
from helpdesk_tui.store.db import open_store
from tests.screens.conftest import settle
from tests.screens.helpers import events, paste, type_text
from tests.trust.tcp_proxy import TcpProxy

HELPDESK = str(Path(sys.executable).parent / "helpdesk")


async def until(pilot, condition, what: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(what)
        await pilot.pause(0.1)


def draft_body(store, actor, key: str) -> str | None:
    draft = drafts.load(store, actor, "reply", key)
    return draft.body if draft else None


async def test_the_app_shows_the_loss_keeps_the_draft_reconnects_and_loses_nothing(pg_store):
    ivanova = agents.resolve(pg_store, "ivanova")
    from helpdesk_tui.services.registration import NewTicket, register

    key = register(
        pg_store,
        ivanova,
        NewTicket(
            subject="Printer offline", service="question", contact="laura.bennett@northwind.example"
        ),
    ).key
    proxy = TcpProxy()
    proxied = open_store(proxy.url(pg_store.url))
    app = make_app(proxied, agents.resolve(proxied, "ivanova"), sla_tick=False)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(app, pilot)
            app.open_ticket(key)
            await settle(app, pilot)
            await pilot.press("r")
            await settle(app, pilot)
            assert isinstance(app.screen, ComposeScreen)
            await paste(app, pilot, "Dear Laura, the printer")
            await asyncio.sleep(SAVE_AFTER + 0.3)
            await settle(app, pilot)
            assert draft_body(pg_store, ivanova, key) == "Dear Laura, the printer"

            proxy.cut()  # the database is gone
            await until(pilot, lambda: not app.online, "the app did not notice")
            assert "database unreachable" in app.sub_title
            assert any("unreachable" in str(n.message) for n in app._notifications)
            await type_text(pilot, " works again")  # the agent keeps typing
            await asyncio.sleep(SAVE_AFTER + 0.3)
            await settle(app, pilot)
            assert any("draft" in str(n.message).lower() for n in app._notifications)
            await pilot.press("escape")  # and closes the editor while it is still gone
            await settle(app, pilot)
            assert not isinstance(app.screen, ComposeScreen)

            proxy.restore()
            await until(pilot, lambda: app.online, "the app did not reconnect", timeout=40)
            await until(
                pilot,
                lambda: draft_body(pg_store, ivanova, key) == "Dear Laura, the printer works again",
                "the draft typed meanwhile was not saved after the reconnect",
            )
            await settle(app, pilot)
            await pilot.press("r")  # the next change works, from the kept draft
            await settle(app, pilot)
            assert app.screen.query_one(TextArea).text == "Dear Laura, the printer works again"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            await until(pilot, lambda: events(pg_store, key, "reply"), "the reply was not sent")
            (reply,) = events(pg_store, key, "reply")
            assert reply.body == "Dear Laura, the printer works again"
            assert draft_body(pg_store, ivanova, key) is None
    finally:
        proxy.cut()
        proxied.dispose()


@pytest.mark.parametrize(
    "command",
    [
        ["ticket", "list"],
        ["ticket", "new", "--as", "ivanova", "--service", "question", "--subject", "Down"],
    ],
)
def test_the_cli_with_the_database_gone_says_so_in_one_line(pg_store, command):
    proxy = TcpProxy()
    proxy.cut()
    done = subprocess.run(
        [HELPDESK, "--db", proxy.url(pg_store.url), *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stderr.startswith("helpdesk: cannot reach the database: ")
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
