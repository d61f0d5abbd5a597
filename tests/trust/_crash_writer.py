"""A process that writes in a loop until it is killed: registers a call, replies to it,
resolves it, over and over, and after each commit appends one line saying what it was
told succeeded (`created HD-1001` / `event 17 HD-1001`) to a file, flushed at once."""

from __future__ import annotations

import os

from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.store.db import open_store


def write_forever(url: str, log_path: str, started_path: str) -> None:
    store = open_store(url, pool_size=1)
    actor = resolve(store, "ivanova")
    catalog(store)  # loaded before the start: the kills land among the writes
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    open(started_path, "w").close()  # the parent starts its clock here
    n = 0
    while True:
        n += 1
        done = register(
            store,
            actor,
            NewTicket(
                subject=f"Crash test call {n}",
                service="question",
                contact="laura.bennett@northwind.example",
                description="x" * 2000,  # pages enough to be cut in the middle
            ),
        )
        os.write(fd, f"created {done.key}\n".encode())
        changed = ticket_actions.reply(store, actor, done.key, f"Reply {n}")
        os.write(fd, f"event {changed.event_id} {done.key}\n".encode())
        changed = ticket_actions.resolve(store, actor, done.key, f"Solved {n}")
        os.write(fd, f"event {changed.event_id} {done.key}\n".encode())
