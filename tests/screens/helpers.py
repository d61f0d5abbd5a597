"""What the screen tests share: new tickets at the frozen instant, reading the store back,
putting the cursor on a ticket the way a user does (search by key), and the screen as text."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from html import unescape

from sqlmodel import select

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.services import agents, ticket_actions
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store
from helpdesk_tui.widgets.ticket_pane import TicketPane
from helpdesk_tui.widgets.ticket_table import TicketTable
from tests.screens.conftest import NOW, settle

CONTACT = "s.kravchenko@produkty24.example"  # Светлана Кравченко, Продукты 24


def new_ticket(
    store: Store,
    subject: str = "Касса 3 не запускается",
    *,
    assignee: str | None = "petrov",
    now: datetime = NOW,
    **fields,
) -> str:
    """Register a call at `now` as the dispatcher ivanova (a POS ticket is routed to
    l2-software) and give it to `assignee` (None: leave it in the queue); returns its key."""
    fields.setdefault("service", "pos")
    fields.setdefault("contact", CONTACT)
    ivanova = agents.resolve(store, "ivanova")
    done = register(store, ivanova, NewTicket(subject=subject, **fields), now=now)
    if done.assignee != assignee:
        ticket_actions.assign(store, ivanova, done.key, assignee, now=now)
    return done.key


def ticket(store: Store, key: str) -> m.Ticket:
    with store.read() as s:
        return s.exec(select(m.Ticket).where(m.Ticket.key == key)).one()


def events(store: Store, key: str, kind: str | None = None) -> list[m.TicketEvent]:
    with store.read() as s:
        q = (
            select(m.TicketEvent)
            .join(m.Ticket, m.Ticket.id == m.TicketEvent.ticket_id)
            .where(m.Ticket.key == key)
            .order_by(m.TicketEvent.id)
        )
        if kind is not None:
            q = q.where(m.TicketEvent.kind == kind)
        return list(s.exec(q).all())


def outbox(store: Store, key: str) -> list[m.Outbox]:
    with store.read() as s:
        return list(
            s.exec(
                select(m.Outbox)
                .join(m.Ticket, m.Ticket.id == m.Outbox.ticket_id)
                .where(m.Ticket.key == key)
                .order_by(m.Outbox.id)
            ).all()
        )


def drafts_of(store: Store, login: str) -> list[m.Draft]:
    with store.read() as s:
        agent = s.exec(select(m.Agent).where(m.Agent.login == login)).one()
        return list(s.exec(select(m.Draft).where(m.Draft.agent_id == agent.id)).all())


async def type_text(pilot, text: str) -> None:
    """Type like a person: one key per character (spaces and newlines included)."""
    keys = {" ": "space", "\n": "enter", "-": "minus", ".": "full_stop", ",": "comma"}
    await pilot.press(*(keys.get(ch, ch) for ch in text))


async def ready(app: HelpdeskApp, pilot, timeout: float = 10.0) -> None:
    """Settle, and on the workspace wait until its queue is open and the rows in view are
    loaded (the first tab is chosen after a refresh, so idle workers alone are not enough)."""
    from helpdesk_tui.screens.workspace import WorkspaceScreen

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await settle(app, pilot, timeout)
        screen = app.screen
        if not isinstance(screen, WorkspaceScreen):
            return
        table = screen.query_one(TicketTable)
        pane = screen.query_one(TicketPane)
        if (
            screen.query_ is not None
            and table.generation
            and (table.total == 0 or table.current is not None)
            and (  # on a wide terminal the pane shows the ticket under the cursor
                not pane.display
                or table.current is None
                or (pane.detail is not None and pane.detail.key == table.current.key)
            )
        ):
            return
        if loop.time() > deadline:
            raise TimeoutError("the queue did not open")
        await pilot.pause(0.02)


async def paste(app: HelpdeskApp, pilot, text: str) -> None:
    """Paste `text` into the focused widget (a terminal's bracketed paste): what an agent
    does with a long text, and much quicker than a key per character."""
    from textual import events as ev

    assert app.focused is not None, "nothing has the focus to paste into"
    app.post_message(ev.Paste(text))  # as the terminal driver does: to the focused widget
    await pilot.pause()


async def find(app: HelpdeskApp, pilot, key: str, *, tab: str | None = None) -> TicketTable:
    """Put the queue's cursor on ticket `key` as an agent would: pick the tab, press `/`,
    type the key, Enter. Returns the table (one row: the ticket)."""
    await ready(app, pilot)
    screen = app.screen
    if tab is not None:
        from textual.widgets import Tabs

        from helpdesk_tui.screens.workspace import tab_dom_id

        screen.query_one(Tabs).active = tab_dom_id(tab)
        await ready(app, pilot)
    await pilot.press("slash")
    await paste(app, pilot, key)
    await pilot.press("enter")
    await ready(app, pilot)
    table = screen.query_one(TicketTable)
    assert table.current is not None and table.current.key == key, (
        f"{key} is not under the cursor: {table.current}"
    )
    return table


async def queue_tab(app: HelpdeskApp, pilot, tab: str = "all"):
    """The workspace on queue tab `tab` (a supervisor lands on the board: `w` first)."""
    from helpdesk_tui.screens.workspace import WorkspaceScreen

    await ready(app, pilot)
    if not isinstance(app.screen, WorkspaceScreen):
        await pilot.press("w")
        await ready(app, pilot)
    screen = app.screen
    assert isinstance(screen, WorkspaceScreen)
    if screen.query_ is None or screen.query_.tab.id != tab:
        assert screen.open_tab(tab)
        await ready(app, pilot)
    return screen


def screen_text(app: HelpdeskApp) -> str:
    """The screen as plain text, line by line (from the SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(
        r'<text[^>]*x="([\d.]+)"[^>]*y="([\d.]+)"[^>]*clip-path[^>]*>(.*?)</text>', svg, re.S
    ):
        x, y = float(match.group(1)), float(match.group(2))
        rows.setdefault(y, []).append((x, unescape(re.sub(r"<[^>]+>", "", match.group(3)))))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            col = round(x / 12.2)
            line = line.ljust(col)[:col] + text
        lines.append(line.rstrip().replace("\xa0", " "))
    return "\n".join(lines)
