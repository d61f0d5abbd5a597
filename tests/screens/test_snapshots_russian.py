"""The converted screens in Russian at 120×40: the supervisor board, the KPI report, and
the help over it.

The language is set as the CLI sets it at startup (`i18n.set_language`); the English
snapshots of the same screens are in test_board_snapshots.py and test_snapshots.py.
Regenerate with `--snapshot-update` and look at every changed SVG before committing it.
"""

from __future__ import annotations

import time

import pytest

from helpdesk_tui import i18n
from helpdesk_tui.screens.board import BoardScreen
from helpdesk_tui.screens.help import HelpScreen
from helpdesk_tui.screens.reports import ReportsScreen
from tests.screens.conftest import settle


@pytest.fixture(autouse=True)
def _moscow_time_in_russian(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    i18n.set_language("ru")
    yield
    monkeypatch.undo()
    time.tzset()


async def _reports(pilot) -> None:
    await settle(pilot.app, pilot)
    await pilot.press("K")
    await settle(pilot.app, pilot)
    assert isinstance(pilot.app.screen, ReportsScreen)


def test_board_in_russian(app_for, snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        assert isinstance(pilot.app.screen, BoardScreen)

    assert snap_compare(app_for("morozov"), terminal_size=(120, 40), run_before=run_before)


def test_reports_in_russian(app_for, snap_compare):
    assert snap_compare(app_for("morozov"), terminal_size=(120, 40), run_before=_reports)


def test_help_in_russian(app_for, snap_compare):
    async def run_before(pilot) -> None:
        await _reports(pilot)
        await pilot.press("question_mark")
        await settle(pilot.app, pilot)
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(app_for("morozov"), terminal_size=(120, 40), run_before=run_before)
