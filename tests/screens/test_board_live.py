"""Live across processes: a ticket taken by a command in another process shows as taken on
an open board within a second, on SQLite (polling) and PostgreSQL (LISTEN/NOTIFY)."""

from __future__ import annotations

import subprocess
import sys
import time

from helpdesk_tui.app import make_app
from helpdesk_tui.screens.board import BoardScreen
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.services.registration import NewTicket, register
from tests.screens.conftest import settle


def _unassigned_in_dispatch(screen: BoardScreen) -> int:
    return next(r for r in screen.data.rows if r.code == "dispatch").load.unassigned


async def test_a_take_in_another_process_reaches_the_board_within_a_second(store):
    key = register(
        store,
        resolve(store, "ivanova"),
        NewTicket(
            subject="Где накладная?", service="question", contact="s.kravchenko@produkty24.example"
        ),
    ).key
    app = make_app(store, resolve(store, "morozov"), live_updates=True, sla_tick=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        before = _unassigned_in_dispatch(screen)
        assert before >= 1
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "helpdesk_tui",
                "--db",
                store.url,
                "ticket",
                "take",
                key,
                "--as",
                "carter",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        committed = time.monotonic()
        while _unassigned_in_dispatch(screen) != before - 1:
            # how fast (within a second) is benchmark 7's; here: it updates without a key
            assert time.monotonic() - committed < 5.0, "the board did not update"
            await pilot.pause(0.02)
        carter = next(a for a in screen.data.agents if a.login == "carter")
        assert carter.held >= 1
