"""How the workspace looks: the queue, the ticket (beside the queue and full screen), the
template picker and the help, at 120×40 and 80×24.

Deterministic: seeded data at the frozen instant `NOW`, the app's clock frozen, times shown
in a fixed time zone, cursors not blinking. Regenerate with `--snapshot-update` and look at
every changed SVG before committing it.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from textual.widgets import Input, TextArea

from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.screens.help import HelpScreen
from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.services import agents, escalation, ticket_actions
from tests.screens.conftest import NOW, settle
from tests.screens.helpers import new_ticket, paste, ready

WIDE, NARROW = (120, 40), (80, 24)
SIZES = pytest.mark.parametrize("size", [WIDE, NARROW], ids=["120x40", "80x24"])


@pytest.fixture(autouse=True)
def _moscow_time(monkeypatch):
    """Times are shown in the terminal's zone: pin it, whatever the machine running this."""
    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def worked_ticket(demo_store) -> str:
    """A POS ticket with a bit of everything on its timeline: taken, a reply, an internal
    note, waiting for the customer, the customer's answer, a priority change, a
    supervisor told, time logged."""
    key = new_ticket(
        demo_store,
        "Касса №2 не пробивает чеки после обновления",
        description="Магазин №3 (Лесная). После ночного обновления касса №2 зависает на "
        "печати чека. Перезагрузка не помогла.",
        now=NOW - timedelta(hours=3),
    )
    petrov = agents.resolve(demo_store, "petrov")
    at = iter(NOW - timedelta(minutes=m) for m in (170, 160, 150, 90, 60, 45, 30))
    ticket_actions.reply(
        demo_store,
        petrov,
        key,
        "Здравствуйте! Подскажите, пожалуйста, номер кассы и текст ошибки.",
        now=next(at),
    )
    ticket_actions.note(
        demo_store, petrov, key, "Похоже на известную проблему версии 5.2", now=next(at)
    )
    ticket_actions.set_status(
        demo_store, petrov, key, "waiting_customer", reason="info: фото ошибки", now=next(at)
    )
    ticket_actions.customer_reply(
        demo_store, key, "Касса №2, ошибка «Нет связи с ФН». Фото во вложении.", now=next(at)
    )
    ticket_actions.change_priority(demo_store, petrov, key, 1, 1, now=next(at))
    escalation.tell_supervisor(
        demo_store, petrov, key, "Третий такой случай за неделю в этой сети", now=next(at)
    )
    ticket_actions.log_time(demo_store, petrov, key, 25, now=next(at))
    return key


def _still_cursors(app) -> None:
    """No blinking: the cursor is drawn steadily, so two runs look the same."""
    for screen in app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False


async def _find(app, pilot, key: str) -> None:
    await ready(app, pilot)
    await pilot.press("slash")
    await paste(app, pilot, key)
    await pilot.press("enter")
    await ready(app, pilot)
    await pilot.pause(0.1)
    await settle(app, pilot)
    assert app.screen.table.current.key == key


@SIZES
def test_queue(snap_compare, app_for, size):
    """petrov's own work, most urgent SLA first; on a wide terminal the first ticket beside."""
    app = app_for("petrov")

    async def run_before(pilot) -> None:
        await ready(app, pilot)
        await pilot.pause(0.1)
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_ticket(snap_compare, app_for, worked_ticket, size):
    """The worked ticket: in the pane beside the queue (120×40), full screen (80×24)."""
    app = app_for("petrov")

    async def run_before(pilot) -> None:
        await _find(app, pilot, worked_ticket)
        if size == NARROW:
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, TicketScreen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_ticket_screen_wide(snap_compare, app_for, worked_ticket):
    """The worked ticket full screen on a wide terminal: fields two to a row."""
    app = app_for("petrov")

    async def run_before(pilot) -> None:
        await _find(app, pilot, worked_ticket)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


@SIZES
def test_template_picker(snap_compare, app_for, worked_ticket, size):
    """Ctrl+T in a reply: the POS and L2 templates, filled for the ticket, with a preview."""
    app = app_for("petrov")

    async def run_before(pilot) -> None:
        await _find(app, pilot, worked_ticket)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        _still_cursors(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_help(snap_compare, app_for, size):
    """`?` over the queue."""
    app = app_for("petrov")

    async def run_before(pilot) -> None:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
