"""Crash: `kill -9` in the middle of writes, many times, at random points. Afterwards the
store opens, SQLite's integrity and foreign-key checks pass, every change a process
reported as done is there with its event, and no ticket is half-written (a ticket without
its `created` event or its acknowledgement, an event without its ticket change)."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store, open_store
from tests.trust import _crash_writer
from tests.trust._procs import forkserver
from tests.trust.replay import replay_mismatches

HELPDESK = str(Path(sys.executable).parent / "helpdesk")
CLI_KILLS = int(os.environ.get("HELPDESK_CRASH_CLI_KILLS", "8"))
LOOP_KILLS = int(os.environ.get("HELPDESK_CRASH_LOOP_KILLS", "22"))


def check_whole(store: Store) -> None:
    """Every ticket whole: one `created` event, its acknowledgement, equal to the replay
    of its events; SQLite's own checks pass."""
    if store.is_sqlite:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    with store.read() as s:
        tickets = s.exec(select(m.Ticket).order_by(m.Ticket.number)).all()
        numbers = [t.number for t in tickets]
        assert numbers == list(range(1001, 1001 + len(numbers)))
        for t in tickets:
            events = s.exec(select(m.TicketEvent).where(m.TicketEvent.ticket_id == t.id)).all()
            assert [e.kind for e in events].count("created") == 1, t.key
            assert replay_mismatches(s, t, events) == []
            acks = s.exec(
                select(m.Outbox).where(m.Outbox.ticket_id == t.id, m.Outbox.kind == "ack")
            ).all()
            assert len(acks) == 1, t.key


def keys_in(store: Store) -> set[str]:
    with store.read() as s:
        return set(s.exec(select(m.Ticket.key)).all())


@pytest.mark.slow
def test_kill_9_of_ticket_new_at_random_points_loses_no_reported_ticket(sqlite_template, tmp_path):
    path = tmp_path / "store.sqlite3"
    shutil.copy(sqlite_template, path)
    command = [HELPDESK, "--db", str(path), "ticket", "new", "--as", "ivanova"]
    command += ["--service", "question", "--contact", "laura.bennett@northwind.example"]
    began = time.monotonic()  # one whole run: how long a command takes on this machine
    whole = subprocess.run([*command, "--subject", "Measured"], capture_output=True, text=True)
    took = time.monotonic() - began
    assert whole.returncode == 0, whole.stderr
    reported = set(re.findall(r"HD-\d+", whole.stdout))
    rng = random.Random(9)
    outcomes = {"killed": 0, "finished": 0}
    for i in range(CLI_KILLS):
        proc = subprocess.Popen(
            [*command, "--subject", f"Call {i}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.3, took))  # the later half is where it writes
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        if proc.returncode == -signal.SIGKILL:
            outcomes["killed"] += 1
            continue
        assert proc.returncode == 0, err.decode()  # never a failure of its own
        outcomes["finished"] += 1
        reported |= set(re.findall(r"HD-\d+", out.decode()))
    print(f"\nticket new, kill -9: {outcomes}, {len(reported)} keys reported")
    store = open_store(f"sqlite:///{path}")
    try:
        assert reported <= keys_in(store)
        check_whole(store)
    finally:
        store.dispose()


@pytest.mark.slow
def test_kill_9_of_a_writing_loop_at_random_points_loses_nothing_reported(store, tmp_path):
    kills = LOOP_KILLS if store.is_sqlite else LOOP_KILLS // 2
    ctx = forkserver()
    log = tmp_path / "reported.log"
    rng = random.Random(7)
    for i in range(kills):
        started = tmp_path / f"started-{i}"
        proc = ctx.Process(
            target=_crash_writer.write_forever, args=(store.url, str(log), str(started))
        )
        written = log.stat().st_size if log.exists() else 0
        proc.start()
        deadline = time.monotonic() + 60

        def writing(started=started, written=written) -> bool:
            """Its first write is in (a loaded machine starts a writer slowly)."""
            return started.exists() and log.exists() and log.stat().st_size > written

        while not writing() and proc.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writing(), f"the writer did not start writing (exit code {proc.exitcode})"
        time.sleep(rng.uniform(0.02, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
        assert proc.exitcode == -signal.SIGKILL, proc.exitcode  # killed, never failed
    lines = log.read_text().splitlines()
    created = {line.split()[1] for line in lines if line.startswith("created ")}
    events = {int(line.split()[1]): line.split()[2] for line in lines if line.startswith("event ")}
    print(f"\nwriting loop on {store.dialect}, {kills} × kill -9: {len(lines)} writes reported")
    assert len(created) >= kills  # each writer wrote before it was killed
    reopened = open_store(store.url)
    try:
        assert created <= keys_in(reopened)
        with reopened.read() as s:
            found = dict(
                s.exec(
                    select(m.TicketEvent.id, m.Ticket.key)
                    .join(m.Ticket, m.Ticket.id == m.TicketEvent.ticket_id)
                    .where(m.TicketEvent.id.in_(list(events)))
                ).all()
            )
        assert found == events
        check_whole(reopened)
        if reopened.is_sqlite:
            with reopened.engine.connect() as conn:
                conn.execute(text("PRAGMA quick_check"))
    finally:
        reopened.dispose()
