"""The queue at peak load, from the keyboard: grouping (counts, folding, keyset paging in a
big group), marks, an action on the marked tickets cancelled midway, mass incidents."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from helpdesk_tui.screens.batch_run import ProgressScreen, SummaryScreen
from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.screens.dialogs import ConfirmScreen, InputScreen
from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.services import mass_incident
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.store import models as m
from helpdesk_tui.widgets.grouped_table import GroupedTable
from helpdesk_tui.widgets.ticket_pane import TicketPane
from tests.screens.conftest import settle
from tests.screens.helpers import events, new_ticket, paste, ready, ticket

T = m.Ticket


def flood(
    store, n: int, *, service: str = "pos", subject: str = "Касса не пробивает чек"
) -> list[str]:
    """`n` open copies of a fresh POS call, deadlines a minute apart (a sale-day flood)."""
    model = new_ticket(store, subject, assignee=None)
    with store.write() as s:
        row = s.execute(select(T.__table__).where(T.key == model)).mappings().one()
        top = s.execute(select(func.max(T.number))).scalar_one()
        first_id = s.execute(select(func.max(T.id))).scalar_one() + 1
        service_id = s.execute(select(m.Service.id).where(m.Service.code == service)).scalar_one()
        rows = []
        for i in range(n):
            number = top + 1 + i
            rows.append(
                {
                    **row,
                    "id": first_id + i,
                    "number": number,
                    "key": f"HD-{number}",
                    "subject": f"{subject} {i}",
                    "service_id": service_id,
                    "due_at": row["due_at"] + timedelta(minutes=i + 1),
                }
            )
        s.execute(insert(T.__table__), rows)
        s.execute(update(m.KeyCounter).values(value=top + n))
    return [model] + [r["key"] for r in rows]


def open_per_service(store) -> dict[str, int]:
    with store.read() as s:
        rows = s.execute(
            select(m.Service.name, func.count())
            .join(T, T.service_id == m.Service.id)
            .where(T.is_open.is_(True))
            .group_by(m.Service.name)
        ).all()
    return dict(rows)


async def pick(app, pilot, words: str) -> None:
    await settle(app, pilot)
    assert isinstance(app.screen, PickerScreen), app.screen
    await paste(app, pilot, words)
    await pilot.press("enter")
    await settle(app, pilot)


async def all_open(app, pilot) -> None:
    """The dispatcher's "All open" tab."""
    from textual.widgets import Tabs

    from helpdesk_tui.screens.workspace import tab_dom_id

    await ready(app, pilot)
    app.screen.query_one(Tabs).active = tab_dom_id("all")
    await ready(app, pilot)


async def group_by(app, pilot, words: str) -> GroupedTable:
    await pilot.press("B")
    await pick(app, pilot, words)
    await settle(app, pilot)
    return app.screen.query_one(GroupedTable)


def header_index(table: GroupedTable, name: str) -> int:
    return next(i for i, g in enumerate(table.groups) if g.name == name)


async def test_grouping_shows_each_service_with_its_count(app_for, demo_store):
    flood(demo_store, 20)
    app = app_for("ivanova")  # a dispatcher: every queue
    async with app.run_test(size=(120, 40)) as pilot:
        await all_open(app, pilot)
        table = await group_by(app, pilot, "by service")
        assert app.screen.grouping == "service" and table.display
        assert {g.name: g.count for g in table.groups} == open_per_service(demo_store)
        assert table.total == len(table.groups)  # every group folded: one line each
        status = str(app.screen.query_one("#queue-status").render())
        assert "grouped by service" in status
        # back to the plain queue
        await pilot.press("B")
        await pick(app, pilot, "no grouping")
        assert app.screen.grouping is None and not table.display
        assert app.screen.table.total == sum(open_per_service(demo_store).values())


async def test_a_big_group_expands_and_pages_by_keyset(app_for, demo_store):
    keys = flood(demo_store, 340)
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await all_open(app, pilot)
        table = await group_by(app, pilot, "by service")
        pos = next(g for g in table.groups if g.name == "Кассовое ПО" or g.count > 300)
        assert pos.count >= 341
        table.cursor = table._starts[header_index(table, pos.name)]
        await pilot.press("enter")  # enter on a header unfolds it
        await settle(app, pilot)
        assert pos.value in table.expanded
        assert table.total == len(table.groups) + pos.count
        fetched = app.screen.rows_fetched
        assert 0 < fetched <= 200  # the rows in view, not the group
        await pilot.press("j")
        await settle(app, pilot)
        first = table.current
        assert first is not None
        # page down through the group: each block asked by keyset from the row above
        for _ in range(15):
            await pilot.press("pagedown")
            await settle(app, pilot)
            place = table.place(table.cursor)
            if place.offset > 300:
                break
        assert place.group.value == pos.value and place.offset > 300
        row = table.current
        assert row is not None and row.key in set(keys) | {row.key}
        loaded = table._group_rows[pos.value]
        ordered = [loaded[i].sort_key for i in sorted(loaded)]
        assert ordered == sorted(ordered)  # deadline order, no gaps or repeats
        assert len({loaded[i].key for i in loaded}) == len(loaded)
        assert app.screen.rows_fetched - fetched < pos.count  # never the whole group at once
        # z on a row folds its group, the cursor on its header
        await pilot.press("z")
        await settle(app, pilot)
        assert pos.value not in table.expanded and table.place(table.cursor).offset == -1
        await pilot.press("Z")  # unfold every group
        await settle(app, pilot)
        assert table.total == len(table.groups) + sum(g.count for g in table.groups)
        await pilot.press("Z")
        await settle(app, pilot)
        assert table.total == len(table.groups)


async def test_marks_then_a_bulk_priority_cancelled_midway(app_for, demo_store):
    keys = flood(demo_store, 60)
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await all_open(app, pilot)
        await pilot.press("slash")
        await paste(app, pilot, "не пробивает")
        await pilot.press("enter")
        await ready(app, pilot)
        screen = app.screen
        assert screen.table.total == 61
        await pilot.press("space", "space")
        assert len(screen.marks) == 2 and screen.table.cursor == 2
        await pilot.press("k", "space")  # unmark the second
        assert list(screen.marks) == [screen.table.row_at(0).key]
        assert "1 marked" in str(screen.query_one("#queue-status").render())
        await pilot.press("u")
        assert not screen.marks
        await pilot.press("asterisk")  # everything the search shows
        await settle(app, pilot)
        assert set(screen.marks) == set(keys)
        before = {k: ticket(demo_store, k).version for k in keys}

        # slow each change, so the run can be cancelled midway (61 × 0.1 s: a loaded machine
        # must not finish it before the progress screen is looked at)
        from helpdesk_tui.services import ticket_actions as act

        real = act.change_priority

        def slow(*args, **kwargs):
            import time

            time.sleep(0.1)
            return real(*args, **kwargs)

        act.change_priority = slow
        try:
            await pilot.press("p")
            await pick(app, pilot, "impact 1 (widespread), urgency 1")
            assert isinstance(app.screen, ConfirmScreen)
            assert "61 marked tickets" in str(app.screen.question)
            await pilot.press("y")
            await pilot.pause()
            assert isinstance(app.screen, ProgressScreen)
            progress = app.screen
            for _ in range(500):
                await asyncio.sleep(0.02)
                if progress._done >= 5:
                    break
            await pilot.press("escape")  # cancel
            await settle(app, pilot)
        finally:
            act.change_priority = real
        assert isinstance(app.screen, SummaryScreen)
        result = app.screen.result
        assert result.cancelled and 5 <= result.done < 61
        changed = [k for k in keys if ticket(demo_store, k).priority == 1]
        untouched = [k for k in keys if ticket(demo_store, k).version == before[k]]
        assert len(changed) == result.done and len(changed) + len(untouched) == 61
        for key in changed:  # each one whole: priority, version and its event together
            t = ticket(demo_store, key)
            assert t.version == before[key] + 1
        assert f"{result.done} of 61 changed" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert set(screen.marks) == set(untouched)  # what did not change stays marked


async def test_mass_incident_from_the_queue_and_its_resolution(app_for, demo_store):
    parent = new_ticket(demo_store, "Магазин 1: не работает ни одна касса", assignee=None)
    calls = [new_ticket(demo_store, f"Касса {n} не работает", assignee=None) for n in range(3)]
    app = app_for("ivanova")
    async with app.run_test(size=(140, 40)) as pilot:
        await all_open(app, pilot)
        await pilot.press("slash")
        await paste(app, pilot, "не работает")
        await pilot.press("enter")
        await ready(app, pilot)
        screen = app.screen
        table = screen.table
        rows = {table.row_at(i).key: i for i in range(table.total)}
        for key in calls:
            table.cursor = rows[key]
            await pilot.press("space")
        table.cursor = rows[parent]
        await settle(app, pilot)
        await pilot.press("M")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and "3 marked tickets" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryScreen) and app.screen.result.done == 3
        await pilot.press("escape")
        await settle(app, pilot)
        assert not screen.marks
        parent_id = ticket(demo_store, parent).id
        assert all(ticket(demo_store, k).parent_id == parent_id for k in calls)
        # the pane of the parent lists its children
        table = screen.table
        table.cursor = next(i for i in range(table.total) if table.row_at(i).key == parent)
        await settle(app, pilot)
        pane = screen.query_one(TicketPane)
        text = str(pane.query_one("#pane-children").render())
        assert "3 children, 3 open" in text
        # x on the parent: pick a child to exclude
        await pilot.press("x")
        await pick(app, pilot, calls[2])
        assert ticket(demo_store, calls[2]).exclude_from_parent
        # R on the parent: its open children go with it, the excluded one stays open
        table.cursor = next(i for i in range(table.total) if table.row_at(i).key == parent)
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, ComposeScreen), app.screen
        await paste(app, pilot, "Replaced the shop's router, {{contact.name}}.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # the children under a progress bar, then what happened to each
        assert isinstance(app.screen, SummaryScreen), app.screen
        assert app.screen.result.done == 2 and not app.screen.result.failed
        title = str(app.screen.query_one(".dialog-title").render())
        assert "1 excluded, left open" in title and "2 of 2 changed" in title
        await pilot.press("escape")
        await settle(app, pilot)
    assert ticket(demo_store, parent).status == "resolved"
    assert [ticket(demo_store, k).status for k in calls[:2]] == ["resolved", "resolved"]
    for key in calls[:2]:
        text = ticket(demo_store, key).resolution
        assert "{{" not in text and parent in text and "Кравченко" in text
    assert ticket(demo_store, calls[2]).status != "resolved"
    assert mass_incident.children(demo_store, parent).open == 1


async def test_linking_the_only_marked_ticket_to_itself_says_there_is_nothing_to_attach(
    app_for, demo_store
):
    parent = new_ticket(demo_store, "Магазин 3: не работает ни одна касса", assignee=None)
    app = app_for("ivanova")
    async with app.run_test(size=(140, 40)) as pilot:
        await all_open(app, pilot)
        await pilot.press("slash")
        await paste(app, pilot, "Магазин 3")
        await pilot.press("enter")
        await ready(app, pilot)
        screen = app.screen
        await pilot.press("space")
        assert set(screen.marks) == {parent}
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, InputScreen)
        await paste(app, pilot, parent)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen  # no "0 marked tickets?" question, no run
        assert any("nothing to attach" in str(n.message) for n in app._notifications)
        assert set(screen.marks) == {parent}
    assert ticket(demo_store, parent).parent_id is None


async def test_a_template_reply_to_marked_tickets_is_filled_for_each(app_for, demo_store):
    keys = [new_ticket(demo_store, f"Сканер {n} не читает код", assignee=None) for n in range(3)]
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await all_open(app, pilot)
        await pilot.press("slash")
        await paste(app, pilot, "не читает код")
        await pilot.press("enter")
        await ready(app, pilot)
        await pilot.press("space", "space", "space")
        assert len(app.screen.marks) == 3
        await pilot.press("r")
        await pick(app, pilot, "ask-cash-desk-en")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryScreen) and app.screen.result.done == 3
    for key in keys:
        reply = events(demo_store, key, "reply")[-1]
        assert key in reply.body and "{{" not in reply.body  # filled for its own ticket


async def test_marking_everything_asks_first_above_a_thousand(app_for, demo_store):
    flood(demo_store, 1_000)
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await all_open(app, pilot)
        screen = app.screen
        total = screen.table.total
        assert total > 1_000
        await pilot.press("asterisk")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and f"{total:,}" in app.screen.question
        await pilot.press("n")
        await settle(app, pilot)
        assert not screen.marks
        await pilot.press("asterisk")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert len(screen.marks) == total
        assert f"{total:,} marked" in str(screen.query_one("#queue-status").render())


async def test_the_board_lists_open_mass_incidents_with_their_calls(app_for, demo_store):
    ivanova = resolve(demo_store, "ivanova")
    parent = new_ticket(demo_store, "Магазин 2: нет связи", assignee=None)
    calls = [new_ticket(demo_store, f"Касса {n}: нет связи", assignee=None) for n in range(3)]
    mass_incident.attach(demo_store, ivanova, parent, calls)
    mass_incident.set_excluded(demo_store, ivanova, calls[0], True)
    app = app_for("morozov")  # a supervisor lands on the board
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        text = str(app.screen.query_one("#mass").render())
        assert f"{parent} 3 calls, 3 open, 1 excluded" in text


async def test_a_parent_resolution_runs_its_children_with_progress_and_cancel(app_for, demo_store):
    """R on a mass incident: the parent is resolved, its children go with it under a
    progress bar; cancelled midway, every child is resolved whole or untouched, the
    summary says so, and R on the resolved parent offers the rest."""
    ivanova = resolve(demo_store, "ivanova")
    parent = new_ticket(demo_store, "Магазин 3: кассы не печатают чеки", assignee=None)
    calls = flood(demo_store, 40, subject="Касса не печатает чек")
    mass_incident.attach(demo_store, ivanova, parent, calls)
    before = {k: ticket(demo_store, k).version for k in calls}
    from helpdesk_tui.services import ticket_actions as act

    real = act.resolve

    def slow(*args, **kwargs):
        import time

        time.sleep(0.03)
        return real(*args, **kwargs)

    app = app_for("ivanova")
    async with app.run_test(size=(140, 40)) as pilot:
        await all_open(app, pilot)
        await pilot.press("slash")
        await paste(app, pilot, parent)
        await pilot.press("enter")
        await ready(app, pilot)
        assert app.screen.table.current.key == parent
        await pilot.press("R")
        await settle(app, pilot)
        await paste(app, pilot, "Бумага заменена, {{contact.name}}.")
        act.resolve = slow
        try:
            await pilot.press("ctrl+s")
            for _ in range(300):
                await asyncio.sleep(0.02)
                if isinstance(app.screen, ProgressScreen) and app.screen._done >= 5:
                    break
            progress = app.screen
            assert isinstance(progress, ProgressScreen)
            assert f"Resolve the children of {parent}" in progress.title_text
            await pilot.pause(0.15)  # the bar redraws ten times a second
            count = str(progress.query_one("#batch-count").render())
            assert "of 41" in count, count
            await pilot.press("c")  # cancel after the child in hand
            await settle(app, pilot)
        finally:
            act.resolve = real
        assert isinstance(app.screen, SummaryScreen), app.screen
        result = app.screen.result
        assert result.cancelled and 5 <= result.done < 41 and not result.failed
        title = str(app.screen.query_one(".dialog-title").render())
        assert f"{result.done} of 41 changed" in title and "not touched" in title
        resolved = [k for k in calls if ticket(demo_store, k).status == "resolved"]
        untouched = [k for k in calls if ticket(demo_store, k).version == before[k]]
        assert len(resolved) == result.done and len(resolved) + len(untouched) == 41
        for key in resolved:  # each whole: status, version and its event together
            assert ticket(demo_store, key).version == before[key] + 1
            assert events(demo_store, key)[-1].kind == "resolved"
        note = events(demo_store, parent, "note")[-1].body
        assert f"{result.done} of 41" in note and "cancelled" in note
        await pilot.press("escape")
        await settle(app, pilot)
        # R on the resolved parent (it left the open queue: on its own screen): the rest,
        # after a question
        app.open_ticket(parent)
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen), app.screen
        assert f"{41 - result.done} of its children" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.result.done == 41 - result.done
    assert {ticket(demo_store, k).status for k in calls} == {"resolved"}
    assert mass_incident.pending(demo_store, parent).keys == ()


async def test_a_child_refused_in_the_resolution_is_listed_with_why(app_for, demo_store):
    """petrov (line 2, software) resolves an incident one of whose calls is a printer's
    (line 2, hardware): that child is refused, said so in the summary and audited."""
    from helpdesk_tui.services import refusals

    ivanova = resolve(demo_store, "ivanova")
    parent = new_ticket(demo_store, "Магазин 4: кассы зависают", assignee="petrov")
    pos = new_ticket(demo_store, "Касса 1 зависает", assignee="petrov")
    printer = new_ticket(
        demo_store, "Принтер чеков не печатает", assignee=None, service="receipt-printer"
    )
    mass_incident.attach(demo_store, ivanova, parent, [pos, printer])
    app = app_for("petrov")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.open_ticket(parent)
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, ComposeScreen), app.screen
        await paste(app, pilot, "Перезагрузили сервер касс.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SummaryScreen), app.screen
        result = app.screen.result
        assert result.done == 1 and [o.key for o in result.failed] == [printer]
        title = str(app.screen.query_one(".dialog-title").render())
        assert "1 of 2 changed, 1 refused" in title
        listed = app.screen.query_one("#batch-outcomes")
        first = str(listed.get_option_at_index(0).prompt)
        assert first.startswith(f"✗ {printer}") and "l2-hardware" in first
    assert ticket(demo_store, pos).status == "resolved"
    assert ticket(demo_store, printer).status != "resolved"
    found = refusals.recent(demo_store, limit=1)[0]
    assert (found.login, found.action, found.ticket) == ("petrov", "ticket.resolve", printer)
    assert printer in events(demo_store, parent, "note")[-1].body
