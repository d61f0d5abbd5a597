"""Acting from the board: open a queue, move an agent's tickets, mark an agent off shift."""

from __future__ import annotations

from sqlmodel import select

from helpdesk_tui.screens.board import BoardScreen, LoadTable, ReassignScreen
from helpdesk_tui.screens.workspace import WorkspaceScreen
from helpdesk_tui.store import models as m
from tests.screens.conftest import settle


def _focus_row(screen: BoardScreen, table_id: str, key: str) -> None:
    table = screen.query_one(f"#{table_id}", LoadTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(key))


async def test_enter_on_a_group_opens_its_queue(app_for):
    app = app_for("morozov")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        _focus_row(app.screen, "groups", "group:l2-hardware")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        assert app.screen.query_.tab.id == "group:l2-hardware"


async def test_enter_on_an_agent_opens_their_tickets(app_for, demo_store):
    app = app_for("morozov")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        _focus_row(app.screen, "agents", "agent:petrov")
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen)
        assert screen.query_.tab.id == "agent:petrov"
        with demo_store.read() as s:
            petrov = s.exec(select(m.Agent).where(m.Agent.login == "petrov")).one()
            held = s.exec(
                select(m.Ticket).where(m.Ticket.assignee_id == petrov.id, m.Ticket.is_open)
            ).all()
        assert screen.table.total == len(held)


async def test_reassigning_a_selection_moves_each_ticket_with_its_own_event(app_for, demo_store):
    with demo_store.read() as s:
        petrov = s.exec(select(m.Agent).where(m.Agent.login == "petrov")).one()
        before = {
            t.key
            for t in s.exec(
                select(m.Ticket).where(m.Ticket.assignee_id == petrov.id, m.Ticket.is_open)
            ).all()
        }
    assert len(before) >= 2
    app = app_for("morozov")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        _focus_row(app.screen, "agents", "agent:petrov")
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, ReassignScreen)
        await pilot.press("a")  # mark all
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*"smirnov")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
    with demo_store.read() as s:
        smirnov = s.exec(select(m.Agent).where(m.Agent.login == "smirnov")).one()
        moved = s.exec(select(m.Ticket).where(m.Ticket.key.in_(before))).all()
        assert {t.assignee_id for t in moved} == {smirnov.id}
        for t in moved:
            events = s.exec(
                select(m.TicketEvent).where(
                    m.TicketEvent.ticket_id == t.id, m.TicketEvent.kind == "assigned"
                )
            ).all()
            assert events[-1].changes["assignee"] == ["petrov", "smirnov"]


async def test_marking_an_agent_off_shift(app_for, demo_store):
    app = app_for("morozov")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        _focus_row(app.screen, "agents", "agent:volkov")
        await pilot.press("o")
        await settle(app, pilot)
        volkov = next(a for a in app.screen.data.agents if a.login == "volkov")
        assert not volkov.on_shift
    with demo_store.read() as s:
        assert not s.exec(select(m.Agent).where(m.Agent.login == "volkov")).one().on_shift


async def test_agents_cannot_open_the_board(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert not isinstance(app.screen, BoardScreen)


async def test_b_brings_a_supervisor_back_to_the_board_from_the_queue(app_for):
    app = app_for("morozov")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("w")  # the queues
        await settle(app, pilot)
        assert not isinstance(app.screen, BoardScreen)
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
