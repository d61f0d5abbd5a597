"""The screens in Russian at 120×40: the supervisor board, the KPI report and the help over
it, the queue with the ticket beside it, the ticket full screen, and the registration form.

The language is set as the CLI sets it at startup (`i18n.set_language`); the English
snapshots of the same screens are in test_board_snapshots.py, test_snapshots.py and
test_register_snapshots.py.
Regenerate with `--snapshot-update` and look at every changed SVG before committing it.
"""

from __future__ import annotations

import time

import pytest

from helpdesk_tui import i18n
from helpdesk_tui.screens.board import BoardScreen
from helpdesk_tui.screens.help import HelpScreen
from helpdesk_tui.screens.register import RegisterScreen
from helpdesk_tui.screens.reports import ReportsScreen
from helpdesk_tui.screens.ticket import TicketScreen
from tests.screens import test_snapshots as english
from tests.screens.conftest import settle
from tests.screens.helpers import ready

worked_ticket = english.worked_ticket  # the ticket of the English snapshots


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


def test_queue_in_russian(app_for, snap_compare):
    """petrov's own work with the first ticket beside it: headers, statuses, ages, the
    status line and the tabs in Russian."""

    async def run_before(pilot) -> None:
        await ready(pilot.app, pilot)
        await pilot.pause(0.1)
        await settle(pilot.app, pilot)

    assert snap_compare(app_for("petrov"), terminal_size=(120, 40), run_before=run_before)


def test_ticket_in_russian(app_for, worked_ticket, snap_compare):
    """The worked ticket full screen: fields, clocks, pauses and the timeline in Russian."""

    async def run_before(pilot) -> None:
        await english._find(pilot.app, pilot, worked_ticket)
        await pilot.press("enter")
        await settle(pilot.app, pilot)
        assert isinstance(pilot.app.screen, TicketScreen)

    assert snap_compare(app_for("petrov"), terminal_size=(120, 40), run_before=run_before)


def test_register_form_in_russian(app_for, snap_compare):
    """A known caller picked and a subject typed: the labels, the caller's history and the
    priority preview in Russian."""

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("n")
        await settle(pilot.app, pilot)
        assert isinstance(pilot.app.screen, RegisterScreen)
        await pilot.press(*"кравч", "enter")
        await settle(pilot.app, pilot)
        await pilot.press(*"Касса 2 не печатает чек")
        await settle(pilot.app, pilot)

    assert snap_compare(app_for("ivanova"), terminal_size=(120, 40), run_before=run_before)
