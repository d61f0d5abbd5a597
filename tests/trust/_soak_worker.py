"""What each simulated agent of the soak runs, in its own OS process (imported by the
forkserver once, so twenty agents start in a fraction of a second).

An agent loops for `seconds`: it registers a call, takes, replies to, escalates or
resolves a ticket picked at random among the open ones, through the services — exactly
what the screens and the CLI call. Every operation that succeeded is appended to the
agent's own log (one JSON line, flushed at once) with what the service returned; every
refusal is counted by its kind. Anything that is not one of the typed errors a user is
meant to read is logged as `unexpected` with its traceback, and fails the test.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from pathlib import Path

from sqlalchemy import text

from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.escalation import escalate
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.store.db import open_store

CALLS = [  # (service, contact): shops on the silver plan, an office on bronze
    ("receipt-printer", "s.kravchenko@produkty24.example"),
    ("question", "laura.bennett@northwind.example"),
    ("erp", "laura.bennett@northwind.example"),
    ("network", "s.kravchenko@produkty24.example"),
    ("pos", "s.kravchenko@produkty24.example"),
]
TARGETS = ["L2", "L3", "l2-software", "l2-hardware", "l2-network", "l3-experts", "dispatch"]
OPS = ["register", "take", "reply", "escalate", "resolve"]
WEIGHTS = [3, 3, 3, 2, 2]


def error_kind(exc: BaseException) -> str:
    """`Conflict: already taken` — the type and the gist of the message, without keys,
    names and numbers, so that errors count by kind."""
    message = str(exc)
    for gist in (
        "already taken",
        "already yours",
        "was changed meanwhile",
        "changed by somebody else",
        "cannot take it",
        "cannot escalate it",
        "cannot reply",
        "reopen it to reply",
        "which",  # "… is in group X, which Y is not in"
        "is already in",
        "may not",
        "cannot go from",
        "database is busy",
    ):
        if gist in message:
            return f"{type(exc).__name__}: {gist}"
    return f"{type(exc).__name__}: {message.split(':')[0][:60]}"


def _open_keys(store, actor, rng: random.Random) -> list[str]:
    """The newest open tickets; for an engineer, mostly those of their groups (one time
    in ten any, so that refusals happen too)."""
    where = "is_open"
    if actor.role == "engineer" and actor.group_ids and rng.random() > 0.1:
        groups = ", ".join(str(int(g)) for g in actor.group_ids)
        where += f" AND (group_id IN ({groups}) OR assignee_id = {int(actor.id)})"
    with store.engine.connect() as conn:
        keys = [
            row[0]
            for row in conn.execute(
                text(f"SELECT key FROM ticket WHERE {where} ORDER BY id DESC LIMIT 60")
            )
        ]
    rng.shuffle(keys)
    return keys


_barrier = None


def init(barrier) -> None:
    """Pool initializer: the barrier all agents pass together once they are ready."""
    global _barrier
    _barrier = barrier


def agent(url: str, login: str, seconds: float, seed: int, log_path: str) -> dict:
    """Run one agent; returns its counts (the log file holds the details)."""
    rng = random.Random(seed)
    store = open_store(url, pool_size=1)
    ok: dict[str, int] = {}
    errors: dict[str, int] = {}
    log = Path(log_path).open("a", encoding="utf-8")  # noqa: SIM115 - closed in finally
    try:
        actor = resolve(store, login)
        catalog(store)  # loaded before the start, as a running application has it
        _barrier.wait(120)  # everybody starts at once
        deadline = time.monotonic() + seconds
        keys: list[str] = []
        n = 0
        while time.monotonic() < deadline:
            n += 1
            if not keys or n % 10 == 0:
                keys = _open_keys(store, actor, rng)
            op = rng.choices(OPS, WEIGHTS)[0]
            if op != "register" and not keys:
                op = "register"
            key = rng.choice(keys) if keys else None
            try:
                entry = _do(store, actor, op, key, rng, n)
            except HelpdeskError as exc:
                kind = error_kind(exc)
                errors[kind] = errors.get(kind, 0) + 1
                continue
            except Exception as exc:
                kind = f"unexpected {type(exc).__name__}"
                errors[kind] = errors.get(kind, 0) + 1
                entry = {"op": op, "key": key, "unexpected": traceback.format_exc()}
                log.write(json.dumps(entry) + "\n")
                log.flush()
                continue
            ok[op] = ok.get(op, 0) + 1
            log.write(json.dumps({"login": login, "op": op, **entry}) + "\n")
            log.flush()
    except Exception:
        errors["unexpected (agent died)"] = 1
        log.write(json.dumps({"op": "start", "unexpected": traceback.format_exc()}) + "\n")
    finally:
        log.close()
        store.dispose()
    return {"login": login, "ok": ok, "errors": errors}


def _do(store, actor, op: str, key: str | None, rng: random.Random, n: int) -> dict:
    if op == "register":
        service, contact = rng.choice(CALLS)
        done = register(
            store,
            actor,
            NewTicket(
                subject=f"Soak call {n} by {actor.login}",
                service=service,
                contact=contact,
                impact=rng.randint(1, 3),
                urgency=rng.randint(1, 3),
            ),
        )
        return {"key": done.key, "id": done.id, "version": done.version}
    if op == "take":
        done = ticket_actions.take(store, actor, key)
    elif op == "reply":
        done = ticket_actions.reply(store, actor, key, f"Reply {n} from {actor.login}")
    elif op == "escalate":
        target = rng.choice(TARGETS)
        done = escalate(store, actor, key, target, f"Tried the usual checks ({n}), no luck")
    else:
        done = ticket_actions.resolve(store, actor, key, f"Fixed ({n}) by {actor.login}")
    return {"key": done.key, "event_id": done.event_id, "version": done.version}
