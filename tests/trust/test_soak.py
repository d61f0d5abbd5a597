"""Soak: twenty agents, each its own OS process, working one store at once for a minute
(`HELPDESK_SOAK_SECONDS`), on SQLite and on PostgreSQL. Afterwards the store must hold
every operation an agent saw succeed exactly once, with its event, and nothing else; keys
unique and gap-free; no ticket taken from somebody who held it; every ticket equal to the
replay of its events; every deadline equal to the clocks recomputed from the ticket.

Prints operations per second and errors by kind, and writes them to `soak-<store>.json`
in the test's tmp dir. Refusals and conflicts are expected and counted; any other
exception fails the test.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlmodel import select

from helpdesk_tui.services.catalog import catalog, forget
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store
from tests.trust import _soak_worker
from tests.trust._procs import forkserver
from tests.trust.replay import replay_mismatches, sla_mismatches

SECONDS = float(os.environ.get("HELPDESK_SOAK_SECONDS", "60"))
# twenty agents: every demo login, and two of them in a second terminal each
AGENTS = [
    "admin", "sokolova", "ivanova", "kuznetsova", "carter", "morozov", "petrov", "smirnov",
    "miller", "volkov", "lebedev", "novikova", "fedorov", "kozlov", "orlov", "vasiliev",
    "pavlova", "zaitsev", "ivanova", "morozov",
]  # fmt: skip
EVENT_OF = {
    "take": {"taken"},
    "reply": {"reply"},
    "escalate": {"escalated", "deescalated"},
    "resolve": {"resolved"},
}


def run_agents(url: str, logs: Path, seconds: float) -> list[dict]:
    ctx = forkserver()  # the package imported once, twenty agents forked from it
    args = [
        (url, login, seconds, seed, str(logs / f"agent-{seed:02}-{login}.jsonl"))
        for seed, login in enumerate(AGENTS)
    ]
    barrier = ctx.Barrier(len(AGENTS))
    with ctx.Pool(len(AGENTS), _soak_worker.init, (barrier,)) as pool:
        return pool.starmap(_soak_worker.agent, args, chunksize=1)


def check_store(store: Store, entries: list[dict]) -> list[str]:
    """Every invariant; returns what is broken (empty: all hold)."""
    problems: list[str] = []
    registered = {e["key"]: e for e in entries if e["op"] == "register"}
    changes = [e for e in entries if e["op"] != "register"]
    forget(store)
    cat = catalog(store)
    with store.read() as s:
        tickets = {t.key: t for t in s.exec(select(m.Ticket)).all()}
        events = s.exec(select(m.TicketEvent).order_by(m.TicketEvent.id)).all()
        logins = {a.id: a.login for a in s.exec(select(m.Agent)).all()}
        by_ticket: dict[int, list[m.TicketEvent]] = defaultdict(list)
        for event in events:
            by_ticket[event.ticket_id].append(event)
        by_id = {e.id: e for e in events}

        # every accepted registration: its ticket, once, with one `created` event
        if len(registered) != sum(e["op"] == "register" for e in entries):
            problems.append("a key was handed out twice")
        for key, entry in registered.items():
            t = tickets.get(key)
            if t is None or t.id != entry["id"]:
                problems.append(f"{key} registered by {entry['login']} is not in the store")
                continue
            created = [e for e in by_ticket[t.id] if e.kind == "created"]
            if len(created) != 1 or logins.get(created[0].actor_id) != entry["login"]:
                problems.append(f"{key}: {len(created)} created events")
        # every accepted change: its event, once, by that agent, of that kind, on that ticket
        seen = Counter(e["event_id"] for e in changes)
        problems += [f"event {i} reported by {n} operations" for i, n in seen.items() if n > 1]
        for entry in changes:
            event = by_id.get(entry["event_id"])
            if event is None:
                problems.append(f"{entry['op']} of {entry['key']} by {entry['login']}: no event")
                continue
            t = tickets[entry["key"]]
            if (
                event.ticket_id != t.id
                or event.kind not in EVENT_OF[entry["op"]]
                or logins.get(event.actor_id) != entry["login"]
                or event.version != entry["version"]
            ):
                problems.append(f"{entry}: the event says {event.kind} v{event.version}")
        # and nothing else: no write that its agent was told had failed
        accounted = set(seen) | {e.id for e in events if e.kind == "created"}
        problems += [
            f"event {e.id} ({e.kind} v{e.version}) that no agent saw succeed"
            for e in events
            if e.id not in accounted
        ]
        if set(tickets) != set(registered):
            problems.append(f"tickets nobody registered: {sorted(set(tickets) - set(registered))}")
        # keys unique and gap-free
        numbers = sorted(t.number for t in tickets.values())
        if numbers != list(range(1001, 1001 + len(numbers))):
            problems.append(f"ticket numbers have gaps or repeats: {numbers[:5]}…{numbers[-5:]}")
        if len({t.key for t in tickets.values()}) != len(tickets):
            problems.append("duplicate keys")
        # nobody took a ticket somebody held
        for event in events:
            if event.kind == "taken" and event.changes["assignee"][0] is not None:
                problems.append(f"event {event.id}: taken from {event.changes['assignee'][0]}")
        # each ticket is the replay of its events; its deadlines are its clocks'
        for t in tickets.values():
            problems += replay_mismatches(s, t, by_ticket[t.id])
            problems += sla_mismatches(cat, t)
    return problems


@pytest.mark.slow
def test_twenty_agents_for_a_minute_lose_nothing_and_break_no_invariant(store, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    began = time.monotonic()
    results = run_agents(store.url, logs, SECONDS)
    wall = time.monotonic() - began
    entries = [json.loads(line) for f in sorted(logs.iterdir()) for line in f.open()]

    unexpected = [e for e in entries if "unexpected" in e]
    ok = Counter()
    errors = Counter()
    for result in results:
        ok.update(result["ok"])
        errors.update(result["errors"])
    report = {
        "store": store.dialect,
        "agents": len(AGENTS),
        "seconds": SECONDS,
        "operations": sum(ok.values()),
        "operations_per_second": round(sum(ok.values()) / SECONDS, 1),
        "by_operation": dict(ok),
        "errors_by_kind": dict(errors.most_common()),
        "wall_seconds": round(wall, 1),
    }
    (tmp_path / f"soak-{store.dialect}.json").write_text(json.dumps(report, indent=2))
    print(f"\nsoak on {store.dialect}: {json.dumps(report, indent=2)}")

    assert unexpected == [], unexpected[0]["unexpected"]
    assert not [k for k in errors if k.startswith("unexpected")], errors
    assert len(entries) == sum(ok.values())
    assert ok["register"] > 0 and ok["take"] > 0 and ok["resolve"] > 0, ok
    problems = check_store(store, entries)
    assert problems == [], "\n".join(problems[:30])
