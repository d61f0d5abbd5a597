"""Bad input in the application: hostile text typed into the registration form is stored
as the text it is made of, and hostile subjects and descriptions are shown literally on
the queue and the ticket (markup as brackets, escape sequences as their pictures), with
nothing on the screen that a terminal would act on."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from helpdesk_tui.app import make_app
from helpdesk_tui.domain.text import clean, clean_line
from helpdesk_tui.screens.register import RegisteredScreen, RegisterScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.services import agents
from helpdesk_tui.services.registration import NewTicket, register
from tests.screens.conftest import settle
from tests.screens.helpers import find, paste, screen_text, ticket
from tests.trust.hostile import PIECES, dangers

SUBJECTS = [
    "Касса [bold]3[/bold] \x1b[31mred\x1b[0m [@click=app.quit]quit[/] "
    "\u202eevil e\u0301 👩\u200d👩\u200d👧",
    "[link=https://evil.example]link[/link] \x1b]0;owned\x07 \x00 שלום \x9b2J",
]
DESCRIPTIONS = [
    "Line one\x1b[2J\x1b[H\nLine [b]two[/b]\r\n\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\x07\x08\x7f [@click=app.bell]bell[/] \udcff",
]
LITERALS = ["[bold]3[/bold]", "[@click=app.quit]quit[/]", "␛[31mred␛[0m", "[link=https://evil"]


def app_of(store, login: str):
    return make_app(store, agents.resolve(store, login), live_updates=False, sla_tick=False)


@pytest.mark.parametrize("subject, description", list(zip(SUBJECTS, DESCRIPTIONS, strict=True)))
async def test_hostile_text_typed_into_the_form_is_stored_as_text(
    sqlite_store, subject, description
):
    app = app_of(sqlite_store, "ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, RegisterScreen)
        await pilot.press(*"кравч")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press(*"printer")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        form.query_one("#checklist").select_all()
        form.query_one("#subject", Input).focus()
        await paste(app, pilot, subject)
        form.query_one("#description", TextArea).focus()
        await paste(app, pilot, description)
        assert dangers(screen_text(app)) == []
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RegisteredScreen), screen_text(app)
        key = app.screen.result.key
        assert dangers(screen_text(app)) == []
    row = ticket(sqlite_store, key)
    # one-line fields take pastes as one line; what reaches the store is the text, inert
    assert clean_line(row.subject) == row.subject
    assert row.subject == clean_line(subject.replace("\udcff", "\ufffd"))
    assert row.description == clean(description)
    assert dangers(row.subject + row.description) == []


async def test_hostile_subjects_show_literally_on_the_queue_and_the_ticket(sqlite_store):
    ivanova = agents.resolve(sqlite_store, "ivanova")
    keys = [
        register(
            sqlite_store,
            ivanova,
            NewTicket(subject=subject, description=description, service="question"),
        ).key
        for subject, description in [
            (SUBJECTS[0], DESCRIPTIONS[0]),
            (SUBJECTS[1], " ".join(PIECES)),
        ]
    ]
    app = app_of(sqlite_store, "ivanova")
    async with app.run_test(size=(160, 45)) as pilot:
        await find(app, pilot, keys[0])  # the queue, with the ticket pane beside it
        shown = screen_text(app)
        assert dangers(shown) == []
        assert "[bold]3[/bold]" in shown and "␛[31mred␛[0m" in shown
        app.open_ticket(keys[1])
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        shown = screen_text(app)
        assert dangers(shown) == []
        assert "[link=https://evil.example]link[/link]" in shown
        assert "[@click=app.quit]quit[/]" in shown  # from the description
        assert "␛]0;owned␇" in shown
    assert app.return_code in (None, 0)  # no markup action ran (quit, bell)
