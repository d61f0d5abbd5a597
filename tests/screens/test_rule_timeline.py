"""A rule's firing in the ticket's timeline: which rule, what it did, and its actions as
events of their own by the automation rule."""

from __future__ import annotations

from helpdesk_tui.services.setup import load_data, reference_dir
from tests.screens.conftest import settle
from tests.screens.helpers import new_ticket, screen_text


async def test_the_timeline_shows_the_rule_and_its_actions(app_for, demo_store):
    load_data(demo_store, reference_dir())  # the test stores start without the rules
    key = new_ticket(demo_store, "Все кассы не работают", impact=1, urgency=1)
    app = app_for("petrov")
    async with app.run_test(size=(120, 50)) as pilot:
        app.open_ticket(key)
        await settle(app, pilot)
        text = screen_text(app)
    assert "Automation rule fired" in text
    assert "p1-supervisors: A P1 is registered: tell the supervisors" in text
    assert "told morozov" in text
    assert "automation rule  Internal note" in text
    assert f"P1 registered: the supervisors of {key} were told." in text
