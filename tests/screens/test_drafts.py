"""What an agent writes is never lost: drafts survive a closed terminal, Esc, and a conflict
with somebody who saved first; a reply that was sent leaves no draft behind."""

from __future__ import annotations

import asyncio
import threading

from textual.widgets import TextArea

from helpdesk_tui.screens.compose import SAVE_AFTER, ComposeScreen
from helpdesk_tui.screens.dialogs import ConflictScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.services import agents, drafts, ticket_actions
from helpdesk_tui.widgets.ticket_pane import TicketPane
from tests.screens.conftest import settle
from tests.screens.helpers import drafts_of, events, find, new_ticket, paste, ticket, type_text


async def _open_editor(app, pilot, key: str, action: str = "r") -> ComposeScreen:
    await find(app, pilot, key)
    await pilot.press(action)
    await settle(app, pilot)
    assert isinstance(app.screen, ComposeScreen), app.screen
    return app.screen


async def test_a_draft_is_saved_while_typing_and_back_in_a_new_session(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_editor(app, pilot, key)
        await paste(app, pilot, "Добрый день! Проверьте, пожалуйста, ")
        await type_text(pilot, "кабель")
        assert drafts_of(demo_store, "petrov") == []  # debounced: not on every key
        await asyncio.sleep(SAVE_AFTER + 0.3)
        await settle(app, pilot)
        (draft,) = drafts_of(demo_store, "petrov")
        assert draft.kind == "reply"
        assert draft.ticket_id == ticket(demo_store, key).id
        assert draft.body == "Добрый день! Проверьте, пожалуйста, кабель"
    # the terminal closed with the editor open; a new session opens the editor again
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        compose = await _open_editor(app, pilot, key)
        assert compose.query_one(TextArea).text == "Добрый день! Проверьте, пожалуйста, кабель"
        assert any("draft is back" in str(n.message) for n in app._notifications)
        assert events(demo_store, key, "reply") == []  # nothing was sent meanwhile


async def test_escape_keeps_the_draft_at_once(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_editor(app, pilot, key, action="i")
        await paste(app, pilot, "Shop manager says the cable is fine")
        await pilot.press("escape")  # before the debounce would have saved it
        await settle(app, pilot)
        assert not isinstance(app.screen, ComposeScreen)
        (draft,) = drafts_of(demo_store, "petrov")
        assert (draft.kind, draft.body) == ("note", "Shop manager says the cable is fine")
        assert events(demo_store, key, "note") == []
        await pilot.press("i")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == "Shop manager says the cable is fine"


async def test_a_sent_reply_discards_its_draft(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await _open_editor(app, pilot, key)
        await paste(app, pilot, "Касса заработала после перезагрузки?")
        await asyncio.sleep(SAVE_AFTER + 0.3)
        await settle(app, pilot)
        assert len(drafts_of(demo_store, "petrov")) == 1
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [e.body for e in events(demo_store, key, "reply")] == [
            "Касса заработала после перезагрузки?"
        ]
        assert drafts_of(demo_store, "petrov") == []
        await pilot.press("r")  # the editor opens empty
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == ""


async def test_a_conflicting_reply_says_who_changed_what_and_keeps_the_text(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        seen = ticket(demo_store, key).version
        assert app.screen.query_one(TicketPane).detail.version == seen
        await pilot.press("r")
        await settle(app, pilot)
        # meanwhile a supervisor lowers the priority from another terminal
        morozov = agents.resolve(demo_store, "morozov")
        ticket_actions.change_priority(demo_store, morozov, key, 3, 3)
        await paste(app, pilot, "Перезагрузите кассу, пожалуйста.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen)
        shown = "\n".join(str(w.render()) for w in conflict.query("Static"))
        # who, when (the terminal's local time), what: in the timeline's words
        when = events(demo_store, key, "priority")[-1].at.astimezone().strftime("%H:%M")
        assert f"• {when} morozov: Priority changed (impact: 2 → 3; " in shown
        assert "priority: P2 → P4" in shown
        assert "kept as a draft" in shown
        assert events(demo_store, key, "reply") == []  # nothing was saved over the change
        (draft,) = drafts_of(demo_store, "petrov")
        assert draft.body == "Перезагрузите кассу, пожалуйста."
        await pilot.press("r")  # reload
        await settle(app, pilot)
        await pilot.pause(0.1)
        await settle(app, pilot)
        pane = app.screen.query_one(TicketPane)
        assert pane.detail.version == ticket(demo_store, key).version
        assert pane.detail.priority == "P4"
        # the reply editor brings the text back; now it goes out
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == "Перезагрузите кассу, пожалуйста."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [e.body for e in events(demo_store, key, "reply")] == [
            "Перезагрузите кассу, пожалуйста."
        ]


async def test_each_kind_of_text_has_its_own_draft(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("enter")  # the full ticket: it stays open through resolve, reopen
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("i")
        await settle(app, pilot)
        await paste(app, pilot, "Внутренняя заметка, не для клиента")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == ""  # not the note's draft
        await paste(app, pilot, "Перезагрузили кассу")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert ticket(demo_store, key).status == "resolved"
        await pilot.press("O")
        await settle(app, pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one(TextArea).text == ""
        await paste(app, pilot, "Клиент перезвонил: снова зависает")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert ticket(demo_store, key).status == "reopened"
        # the internal note is still waiting in its own draft
        (draft,) = drafts_of(demo_store, "petrov")
        assert (draft.kind, draft.body) == ("note", "Внутренняя заметка, не для клиента")


async def test_text_typed_while_the_draft_is_loading_is_kept_with_it(
    app_for, demo_store, monkeypatch
):
    key = new_ticket(demo_store)
    petrov = agents.resolve(demo_store, "petrov")
    drafts.save(demo_store, petrov, "reply", key, "Начало ответа из черновика.")
    real_load, typed = drafts.load, threading.Event()

    def slow_load(*args, **kwargs):  # a far database: the draft comes after the first keys
        typed.wait(10)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(drafts, "load", slow_load)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("r")
        while not isinstance(app.screen, ComposeScreen):
            await pilot.pause(0.01)
        await type_text(pilot, "ok")  # a quick typist, before the draft is back
        typed.set()
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == "Начало ответа из черновика.\nok"
        await asyncio.sleep(SAVE_AFTER + 0.3)
        await settle(app, pilot)
        (draft,) = drafts_of(demo_store, "petrov")
        assert draft.body == "Начало ответа из черновика.\nok"


async def test_escape_before_the_draft_is_back_adds_the_text_to_it(
    app_for, demo_store, monkeypatch
):
    key = new_ticket(demo_store)
    petrov = agents.resolve(demo_store, "petrov")
    drafts.save(demo_store, petrov, "note", key, "Старая заметка.")
    real_load, closed = drafts.load, threading.Event()

    def slow_load(*args, **kwargs):
        closed.wait(10)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(drafts, "load", slow_load)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("i")
        while not isinstance(app.screen, ComposeScreen):
            await pilot.pause(0.01)
        await type_text(pilot, "ok")
        await pilot.press("escape")
        closed.set()
        await settle(app, pilot)
        (draft,) = drafts_of(demo_store, "petrov")
        assert draft.body == "Старая заметка.\nok"
