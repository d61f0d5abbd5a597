"""What the OS processes of the concurrency tests run (spawned, so importable and top-level).

Every task opens its own store from the URL, waits at the barrier so that all start at
once, and returns one plain tuple: never an exception object, which might not pickle.
"""

from __future__ import annotations

from datetime import datetime

from helpdesk_tui.domain.errors import Conflict, HelpdeskError
from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.services.sla_tick import tick
from helpdesk_tui.services.ticket_core import TicketConflict
from helpdesk_tui.store.db import open_store

BARRIER_TIMEOUT = 60


def warm_up() -> None:
    """Pool initializer: importing this module is the slow part; done before any race."""


def take_all(url: str, login: str, keys: list[str], barrier) -> tuple:
    store = open_store(url)
    won, lost, other = [], [], []
    try:
        actor = resolve(store, login)
        barrier.wait(BARRIER_TIMEOUT)
        for key in keys:
            try:
                ticket_actions.take(store, actor, key)
                won.append(key)
            except Conflict as exc:
                lost.append(str(exc))
            except HelpdeskError as exc:
                other.append(f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # reported, so the test fails with the reason
        other.append(f"{type(exc).__name__}: {exc}")
    finally:
        store.dispose()
    return login, won, lost, other


def register_many(url: str, login: str, count: int, barrier) -> tuple:
    store = open_store(url)
    keys, errors = [], []
    try:
        actor = resolve(store, login)
        barrier.wait(BARRIER_TIMEOUT)
        for i in range(count):
            done = register(
                store,
                actor,
                NewTicket(
                    subject=f"Question {i} from {login}",
                    service="question",
                    contact="laura.bennett@northwind.example",
                ),
            )
            keys.append(done.key)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        store.dispose()
    return login, keys, errors


def edit(url: str, login: str, key: str, version: int, what: str, barrier) -> tuple:
    """Save one change made on a screen that showed `version`."""
    store = open_store(url)
    try:
        actor = resolve(store, login)
        barrier.wait(BARRIER_TIMEOUT)
        if what == "priority":
            ticket_actions.change_priority(store, actor, key, 1, 1, expected_version=version)
        else:
            ticket_actions.assign(store, actor, key, "vasiliev", expected_version=version)
        outcome = "saved"
    except TicketConflict as exc:
        outcome = f"conflict: {exc}"
    except Exception as exc:
        outcome = f"error: {type(exc).__name__}: {exc}"
    finally:
        store.dispose()
    return login, outcome


def run_tick(url: str, now: datetime, barrier) -> tuple:
    store = open_store(url)
    try:
        barrier.wait(BARRIER_TIMEOUT)
        report = tick(store, now=now)
        return "ok", report.at_risk, report.breached, report.closed
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}", 0, 0, 0
    finally:
        store.dispose()
