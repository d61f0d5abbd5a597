"""The queue and a ticket action used in Russian: the status line counts in Russian, the
status picker offers the statuses by their Russian names, and the questions that follow
are asked in Russian (the change made is the same)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from helpdesk_tui import i18n
from helpdesk_tui.screens.dialogs import InputScreen
from helpdesk_tui.screens.picker import PickerScreen
from tests.screens.conftest import settle
from tests.screens.helpers import find, new_ticket, paste, ticket


@pytest.fixture(autouse=True)
def _russian():
    i18n.set_language("ru")
    yield
    i18n.set_language("en")


async def test_the_status_line_counts_in_russian(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)  # a search finding one ticket
        line = str(app.screen.query_one("#queue-status", Static).render())
        assert line.startswith("1 заявка · сортировка: срок SLA ↑")
        assert f"поиск «{key}» (Esc сбрасывает)" in line


async def test_waiting_for_the_customer_in_russian(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        labels = [c.label for c in app.screen.choices]
        assert "ждёт клиента" in labels and "waiting customer" not in labels
        await paste(app, pilot, "ждёт клиента")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)  # why it waits: data/sla.toml's reasons
        assert str(app.screen.title_text).startswith(f"{key}: почему она ждёт?")
        await paste(app, pilot, "info")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, InputScreen)
        await paste(app, pilot, "фото ошибки")
        await pilot.press("enter")
        await settle(app, pilot)
        t = ticket(demo_store, key)
        assert t.status == "waiting_customer" and t.paused_at is not None
