"""`?` lists every key with what it does; Ctrl+P finds an action by name and opens a ticket
by its key."""

from __future__ import annotations

import io

from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Static

from helpdesk_tui.screens.help import HelpScreen
from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.screens.workspace import WorkspaceScreen
from helpdesk_tui.services import agents, refusals
from tests.screens.conftest import settle
from tests.screens.helpers import new_ticket, ready, type_text


def _help_text(app) -> str:
    """Everything the help says, scrolled or not, as plain text."""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        for static in app.screen.query(Static):
            console.print(static.content)
    return capture.get()


async def _palette(app, pilot, query: str) -> CommandPalette:
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    assert isinstance(app.screen, CommandPalette)
    await type_text(pilot, query)
    await pilot.pause(0.3)  # the palette searches in the background
    await settle(app, pilot)
    return app.screen


async def test_help_lists_the_keys_of_the_queue_with_what_they_do(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = _help_text(app)
        lines = [" ".join(line.split()) for line in text.splitlines()]
        for expected in (
            "/ Search",
            "f Filter",
            "o Sort",
            "^o Reverse the order",
            "t Take the ticket: it becomes yours",
            "e Escalate or de-escalate to another line or group, with a note of what was tried",
            "! Supervisor — Tell a supervisor (hierarchical escalation)",
            "r Reply to the customer (from a template or from scratch)",
            "i Note — Add an internal note (never sent to the customer)",
            "R Resolve the ticket with a resolution text",
            "O Reopen a resolved ticket",
            "T Log time spent on the ticket",
            "j, ↓ Down",
            "G, end Last",
            "? Help",
            "q Quit — Leave helpdesk",
        ):
            assert expected in lines, f"{expected!r} is not in the help"
        keys = [line.split(" ", 1)[0] for line in lines if line]
        assert len({k for k in keys if k in {"t", "a", "e", "r", "i", "s", "R", "O", "c"}}) == 9
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkspaceScreen)


async def test_help_on_the_ticket_screen_shows_its_own_keys(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("question_mark")
        await settle(app, pilot)
        lines = [" ".join(line.split()) for line in _help_text(app).splitlines()]
        assert "esc, ⌫ Back" in lines
        assert "/ Search" not in lines  # the queue's keys are not offered here
        assert any(line.startswith("r Reply") for line in lines)


async def test_the_palette_runs_an_action_found_by_its_name(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        key = app.screen.table.current.key
        palette = await _palette(app, pilot, "escalate")
        assert "Escalate or de-escalate" in str(
            palette.query_one("CommandList").get_option_at_index(0).prompt
        )
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.title_text == f"Escalate {key} to…"


async def test_the_palette_opens_a_ticket_by_its_key(app_for, demo_store):
    key = new_ticket(demo_store, "Весы не печатают этикетки", service="scales", assignee=None)
    app = app_for("petrov")  # not in petrov's queues: a hardware ticket
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        palette = await _palette(app, pilot, key.lower())
        first = str(palette.query_one("CommandList").get_option_at_index(0).prompt)
        assert f"Open {key}: Весы не печатают этикетки" in first
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.key == key
        assert app.screen.detail.subject == "Весы не печатают этикетки"
        # and by its number alone
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        await _palette(app, pilot, key.split("-")[1])
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.key == key


def _prompts(palette: CommandPalette) -> list[str]:
    options = palette.query_one("CommandList")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_palette_shows_no_ticket_to_an_agent_whose_standing_is_gone(app_for, demo_store):
    """The jump reads the ticket as the agent: deactivated meanwhile, petrov is shown
    nothing of it (no subject, status or group), and the refusal is audited."""
    key = new_ticket(demo_store, "Касса не пробивает чек", assignee=None)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        palette = await _palette(app, pilot, key.lower())
        assert any(f"Open {key}: Касса не пробивает чек" in p for p in _prompts(palette))
        await pilot.press("escape")
        await settle(app, pilot)
        agents.set_active(demo_store, agents.resolve(demo_store, "admin"), "petrov", False)
        palette = await _palette(app, pilot, key.lower())
        assert not any("Касса" in p or key in p for p in _prompts(palette))
    assert ("ticket.read", key) in {(r.action, r.ticket) for r in refusals.recent(demo_store)}
