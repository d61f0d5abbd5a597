"""Every action on a ticket, from the keyboard, checked in the store afterwards."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain.errors import NotAllowed
from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.screens.dialogs import InputScreen
from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.services import agents, escalation, ticket_actions
from helpdesk_tui.store import models as m
from helpdesk_tui.widgets.ticket_pane import TicketPane
from tests.screens.conftest import NOW, settle
from tests.screens.helpers import events, find, new_ticket, outbox, paste, ticket, type_text

TRIED = "Restarted the POS, reinstalled the update, the same error remains."


async def _pick(app, pilot, words: str) -> None:
    """In the picker on top: type to narrow, Enter to pick the best match."""
    await settle(app, pilot)
    assert isinstance(app.screen, PickerScreen), app.screen
    await paste(app, pilot, words)
    await pilot.press("enter")
    await settle(app, pilot)


async def _write(app, pilot, text: str, *, send: bool = True) -> None:
    await settle(app, pilot)
    assert isinstance(app.screen, ComposeScreen), app.screen
    await paste(app, pilot, text)
    if send:
        await pilot.press("ctrl+s")
    await settle(app, pilot)


def _pane_text(app) -> str:
    pane = app.screen.query_one(TicketPane)
    return "\n".join(str(w.render()) for w in pane.query("Static"))


async def test_take_writes_a_taken_event_and_the_ticket_is_mine(app_for, demo_store):
    key = new_ticket(demo_store, assignee=None)
    app = app_for("smirnov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key, tab="unassigned")
        await pilot.press("t")
        await settle(app, pilot)
        taken = events(demo_store, key, "taken")
        assert len(taken) == 1
        assert taken[0].changes["assignee"] == [None, "smirnov"]
        t = ticket(demo_store, key)
        assert t.status == "assigned"
        # the queue no longer offers it as unassigned
        assert app.screen.table.total == 0
        assert any(f"{key} is yours" in str(n.message) for n in app._notifications)


async def test_taking_a_ticket_somebody_else_holds_says_who(app_for, demo_store):
    key = new_ticket(demo_store)  # held by petrov
    app = app_for("smirnov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key, tab="group:l2-software")
        await pilot.press("t")
        await settle(app, pilot)
        assert events(demo_store, key, "taken") == []
        assert ticket(demo_store, key).assignee_id is not None
        assert any("already taken by petrov" in str(n.message) for n in app._notifications)


async def test_assign_through_the_picker_of_agents(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("a")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        labels = [c.label for c in picker.choices]
        assert any("(miller)" in label for label in labels)
        assert not any("(volkov)" in label for label in labels)  # another group
        await _pick(app, pilot, "miller")
        assigned = events(demo_store, key, "assigned")
        assert assigned and assigned[-1].changes["assignee"] == ["petrov", "miller"]
        with demo_store.read() as s:
            assert s.get(m.Agent, ticket(demo_store, key).assignee_id).login == "miller"


async def test_escalation_without_a_note_is_refused_and_changes_nothing(app_for, demo_store):
    key = new_ticket(demo_store)
    before = ticket(demo_store, key)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("e")
        await _pick(app, pilot, "expert group")
        await _write(app, pilot, "tried")  # too short to tell the next line anything
        assert isinstance(app.screen, ComposeScreen)  # still writing
        error = str(app.screen.query_one("#compose-error").render())
        assert f"at least {escalation.MIN_NOTE} characters" in error
        await pilot.press("escape")
        await settle(app, pilot)
        after = ticket(demo_store, key)
        assert events(demo_store, key, "escalated") == []
        assert (after.group_id, after.line_id, after.version) == (
            before.group_id,
            before.line_id,
            before.version,
        )


async def test_escalation_with_a_note_moves_the_ticket_up_a_line(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("e")
        await _pick(app, pilot, "expert group")
        await _write(app, pilot, TRIED)
        escalated = events(demo_store, key, "escalated")
        assert len(escalated) == 1
        assert escalated[0].body == TRIED
        assert escalated[0].changes["group"] == ["l2-software", "l3-experts"]
        assert escalated[0].changes["line"] == ["L2", "L3"]
        t = ticket(demo_store, key)
        assert t.escalation_count == 1


async def test_reply_with_a_template_fills_it_and_counts_its_use(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await _pick(app, pilot, "номер кассы")
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.template_code == "ask-cash-desk-ru"
        assert "Светлана Кравченко" in compose.text
        await paste(app, pilot, "\nP.S. test")  # editable before sending
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        replies = events(demo_store, key, "reply")
        assert len(replies) == 1
        body = replies[0].body
        assert "Здравствуйте, Светлана Кравченко!" in body
        assert key in body and "{{" not in body
        assert body.rstrip().endswith("P.S. test")
        assert replies[0].public
        assert [o.kind for o in outbox(demo_store, key)].count("reply") == 1
        assert ticket(demo_store, key).first_response_at is not None
        with demo_store.read() as s:
            from sqlmodel import select

            used = s.exec(
                select(m.Template.use_count).where(m.Template.code == "ask-cash-desk-ru")
            ).one()
        assert used == 1


async def test_note_is_internal_and_mails_nobody(app_for, demo_store):
    key = new_ticket(demo_store)
    mails = len(outbox(demo_store, key))
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("i")
        await _write(app, pilot, "Called the shop, they reboot at 15:00")
        notes = events(demo_store, key, "note")
        assert len(notes) == 1 and not notes[0].public
        assert notes[0].body == "Called the shop, they reboot at 15:00"
        assert len(outbox(demo_store, key)) == mails
        await pilot.pause(0.15)
        await settle(app, pilot)
        assert "Called the shop" in _pane_text(app)


async def test_waiting_for_the_customer_pauses_the_clock_and_back_resumes_it(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("s")
        await _pick(app, pilot, "wait customer")
        await _pick(app, pilot, "confirm")  # why it waits: a reason of data/sla.toml
        assert isinstance(app.screen, InputScreen)
        await pilot.press("enter")  # no more words needed
        await settle(app, pilot)
        t = ticket(demo_store, key)
        assert t.status == "waiting_customer" and t.paused_at is not None
        assert events(demo_store, key, "status")[-1].changes["status"] == [
            "assigned",
            "waiting_customer",
        ]
        await find(app, pilot, key)
        await pilot.press("s")
        await _pick(app, pilot, "in progress")
        t = ticket(demo_store, key)
        assert t.status == "in_progress" and t.paused_at is None


async def test_resolve_stores_the_resolution_and_mails_the_customer(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("R")
        await _write(app, pilot, "Reinstalled the POS client; sales work again.")
        t = ticket(demo_store, key)
        assert t.status == "resolved"
        assert t.resolution == "Reinstalled the POS client; sales work again."
        assert t.resolved_at is not None
        assert "resolved" in [o.kind for o in outbox(demo_store, key)]


async def test_reopen_a_resolved_ticket(app_for, demo_store):
    key = new_ticket(demo_store)
    petrov = agents.resolve(demo_store, "petrov")
    ticket_actions.resolve(demo_store, petrov, key, "Restarted the register.")
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        # a resolved ticket has left the open queue: the filter brings it back
        await pilot.press("f")
        await _pick(app, pilot, "include resolved")
        await find(app, pilot, key)
        await pilot.press("O")
        await _write(app, pilot, "The customer called: it froze again.")
        t = ticket(demo_store, key)
        assert t.status == "reopened" and t.reopen_count == 1
        reopened = events(demo_store, key, "reopened")
        assert reopened[-1].body == "The customer called: it froze again."


async def test_close_a_resolved_ticket_with_the_customers_rating(app_for, demo_store):
    key = new_ticket(demo_store)
    petrov = agents.resolve(demo_store, "petrov")
    ticket_actions.resolve(demo_store, petrov, key, "Restarted the register.")
    app = app_for("ivanova")  # the dispatcher who called the customer back
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        # from the full-screen ticket, opened by its key from the palette
        await pilot.press("ctrl+p")
        await type_text(pilot, key)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.key == key
        await pilot.press("c")
        await _pick(app, pilot, "rated 4")
        t = ticket(demo_store, key)
        assert t.status == "closed" and t.satisfaction == 4 and t.closed_at is not None
        assert events(demo_store, key, "confirmed")
        assert "closed" in [o.kind for o in outbox(demo_store, key)]
        assert "closed" in _pane_text(app)  # the ticket screen shows the new status


async def test_an_engineer_closes_without_recording_a_rating(app_for, demo_store):
    """Ratings are the customer's word about the engineer's own work: not theirs to enter."""
    key = new_ticket(demo_store)
    petrov = agents.resolve(demo_store, "petrov")
    ticket_actions.resolve(demo_store, petrov, key, "Restarted the register.")
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, key)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        assert [c.id for c in app.screen.choices] == ["confirm", "close"]
        await _pick(app, pilot, "confirmed")
        t = ticket(demo_store, key)
        assert t.status == "closed" and t.satisfaction is None
    with pytest.raises(NotAllowed, match="may not record"):
        ticket_actions.rate(demo_store, petrov, key, 5)


async def test_link_to_another_ticket(app_for, demo_store):
    key = new_ticket(demo_store)
    parent = new_ticket(demo_store, "Ни одна касса в магазине не работает")
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, InputScreen)
        await paste(app, pilot, key)  # itself: refused in the dialog
        await pilot.press("enter")
        await settle(app, pilot)
        assert "itself" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press("ctrl+u")  # clear the line
        await paste(app, pilot, parent)
        await pilot.press("enter")
        await _pick(app, pilot, "mass incident")
        t = ticket(demo_store, key)
        assert t.parent_id == ticket(demo_store, parent).id
        linked = events(demo_store, key, "linked")
        assert linked and linked[-1].body == f"child {parent}"


async def test_priority_change_recomputes_the_deadlines(app_for, demo_store):
    key = new_ticket(demo_store)
    before = ticket(demo_store, key)
    assert before.priority == 2
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("p")
        await _pick(app, pilot, "P4: impact 3")
        after = ticket(demo_store, key)
        assert after.priority == 4 and after.impact == 3
        assert after.resolution_due > before.resolution_due
        assert after.response_due > before.response_due
        change = events(demo_store, key, "priority")[-1]
        assert change.changes["priority"] == [2, 4]


async def test_log_time_spent(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("T")
        await settle(app, pilot)
        await type_text(pilot, "abc")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, InputScreen)  # not minutes: refused
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "25")
        await pilot.press("enter")
        await settle(app, pilot)
        assert ticket(demo_store, key).time_spent_s == 25 * 60
        assert events(demo_store, key, "time")


async def test_tell_a_supervisor(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("exclamation_mark")
        await _write(app, pilot, "Third time this week for this shop")
        told = events(demo_store, key, "supervisor")
        assert told and told[0].body == "Third time this week for this shop"
        with demo_store.read() as s:
            from sqlmodel import select

            kinds = s.exec(select(m.Outbox.kind).where(m.Outbox.kind == "supervisor")).all()
        assert kinds


async def test_an_action_the_workflow_refuses_says_so_before_the_agent_writes(app_for, demo_store):
    key = new_ticket(demo_store)  # open, assigned to petrov
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("O")  # reopen an open ticket
        await settle(app, pilot)
        assert not isinstance(app.screen, ComposeScreen)
        assert any("reopening it is not open to you" in str(n.message) for n in app._notifications)
        petrov = agents.resolve(demo_store, "petrov")
        ticket_actions.resolve(demo_store, petrov, key, "Restarted the register.", now=NOW)
        ticket_actions.confirm(demo_store, petrov, key, now=NOW)
        await pilot.press("r")  # reply to a closed ticket
        await settle(app, pilot)
        assert not isinstance(app.screen, ComposeScreen)
        assert any("reopen it to reply" in str(n.message) for n in app._notifications)
        assert events(demo_store, key, "reply") == []


async def test_a_macro_from_the_ticket_runs_its_steps(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("m")
        await _pick(app, pilot, "which cash desk")
        await settle(app, pilot)
        t = ticket(demo_store, key)
        assert t.status == "waiting_customer"
        assert [e.kind for e in events(demo_store, key)][-2:] == ["reply", "status"]
