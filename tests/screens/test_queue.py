"""The queue: it opens on the right tab, shows real rows, and shows untrusted text literally."""

import sys

from sqlmodel import select

from helpdesk_tui.services import agents
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.store import models as m
from helpdesk_tui.widgets.ticket_table import TicketTable
from tests.screens.conftest import NOW, settle
from tests.screens.helpers import queue_tab


async def test_a_dispatcher_lands_on_line_one_with_its_open_tickets(app_for, demo_store):
    ivanova = agents.resolve(demo_store, "ivanova")
    for subject in ("Где мой заказ?", "Как сменить пароль в 1С"):
        register(
            demo_store,
            ivanova,
            NewTicket(
                subject=subject, service="question", contact="s.kravchenko@produkty24.example"
            ),
            now=NOW,
        )
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_.tab.id == "group:dispatch"
        table = screen.query_one(TicketTable)
        with demo_store.read() as s:
            dispatch = s.exec(select(m.SupportGroup).where(m.SupportGroup.code == "dispatch")).one()
            open_here = s.exec(
                select(m.Ticket).where(m.Ticket.group_id == dispatch.id, m.Ticket.is_open)
            ).all()
        assert table.total == len(open_here) > 0
        assert table.current is not None
        assert table.current.key in {t.key for t in open_here}


async def test_markup_and_escape_sequences_in_a_subject_show_literally(app_for, demo_store):
    ivanova = agents.resolve(demo_store, "ivanova")
    hostile = "[red]x[/red] \x1b]0;owned\x07 [@click=app.quit]y[/]"
    done = register(
        demo_store,
        ivanova,
        NewTicket(subject=hostile, service="question", contact="s.kravchenko@produkty24.example"),
        now=NOW,
    )
    app = app_for("ivanova")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(TicketTable)
        position = next(
            p for p in range(table.total) if table.row_at(p) and table.row_at(p).key == done.key
        )
        table.cursor = position
        await settle(app, pilot)
        line = "".join(
            segment.text for segment in table.render_line(position - int(table.scroll_y) + 1)
        )
        assert "[red]x[/red] ␛]0;" in line  # literal, cut to the subject column's width
        pane_title = str(app.screen.query_one("#pane-title").render())
        assert "[red]x[/red] ␛]0;owned␇" in pane_title
        assert app.is_running  # the [@click=app.quit] did nothing


async def test_a_queue_opens_in_one_read_and_counts_its_tabs_after(app_for, monkeypatch):
    """The count and the first rows come from one service call (`queue.opening`); no page
    is asked for separately, and the tabs are counted only once the queue is shown."""
    from helpdesk_tui.services import queue

    calls: list[str] = []
    for name in ("opening", "page", "counts"):
        original = getattr(queue, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(queue, name, spy)
    app = app_for("petrov")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(TicketTable)
        assert 0 < table.total <= table.page_height  # the whole queue fits: one read shows it
        assert calls.index("opening") < calls.index("counts")
        assert "page" not in calls
        assert all(table.row_at(p) is not None for p in range(table.total))
        calls.clear()
        await pilot.press("right_square_bracket")  # the next tab
        await settle(app, pilot)
        assert calls[0] == "opening" and "page" not in calls


async def test_a_scroll_by_a_line_redraws_one_row_and_the_next_second_all(app_for):
    """A cursor move past the bottom scrolls the queue by a line: the rows drawn this
    second are reused, only the row coming into view is drawn; once the clock moves to the
    next second every row is drawn again (the SLA columns count down)."""
    from datetime import timedelta

    now = [NOW]
    app = app_for("morozov", clock=lambda: now[0])  # a supervisor: every open ticket
    async with app.run_test(size=(120, 16)) as pilot:
        table = (await queue_tab(app, pilot, "all")).query_one(TicketTable)
        assert table.total > table.page_height + 2
        drawn: list[int] = []
        original = table._cells

        def counted(row, layout=None):
            if sys._getframe(1).f_code.co_name != "_tick":  # drawn, not the tick's look
                drawn.append(row.id)
            return original(row, layout)

        table._cells = counted
        await pilot.press(*["j"] * (table.page_height - 1))  # to the last line in view
        await settle(app, pilot)
        drawn.clear()
        await pilot.press("j")  # the view scrolls by a line
        await settle(app, pilot)
        assert table.scroll_y == 1
        assert 1 <= len(drawn) <= 3  # the new row (and the two cursor lines at most)
        drawn.clear()
        now[0] = NOW + timedelta(seconds=1)
        table.refresh()
        await settle(app, pilot)
        assert len(drawn) >= table.page_height  # a new second: every row again
