"""Concurrency, with real OS processes on each store: of agents racing to take a ticket one
wins, concurrent registrations get distinct gap-free keys, two editors of one ticket get a
conflict instead of a lost update, and concurrent SLA ticks record each alert once."""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter

import pytest
from sqlmodel import select

from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.ticket_core import TicketConflict
from helpdesk_tui.store import models as m
from tests.services import _workers
from tests.services._helpers import events_of, login_of, msk, new_ticket, ticket_row

SPAWN = mp.get_context("spawn")
PROCESSES = 8
TIMEOUT = 90


class Racers:
    """Spawned worker processes kept for the module (starting Python and importing the
    package in eight processes takes seconds); each race hands one task to each."""

    def __init__(self, pool, manager):
        self.pool, self.manager = pool, manager

    def race(self, target, arg_lists: list[tuple]) -> list[tuple]:
        """Run `target(*args, barrier)` for each tuple at once, each in its own process."""
        assert len(arg_lists) <= PROCESSES
        barrier = self.manager.Barrier(len(arg_lists))
        pending = [
            self.pool.apply_async(target, (*args, barrier)) for args in arg_lists
        ]  # a task waits at the barrier, so no process ever holds two of them
        return [p.get(timeout=TIMEOUT) for p in pending]


@pytest.fixture(scope="module")
def racers():
    with SPAWN.Manager() as manager, SPAWN.Pool(PROCESSES, _workers.warm_up) as pool:
        yield Racers(pool, manager)


# 8 agents who may all take tickets of the experts' queue
TAKERS = ["ivanova", "kuznetsova", "carter", "sokolova", "morozov", "admin", "vasiliev", "pavlova"]


@pytest.mark.slow  # the first race also waits for the eight processes to start
def test_eight_agents_racing_for_fifty_tickets_each_ticket_is_taken_once(store, actor_of, racers):
    ivanova = actor_of("ivanova")
    keys = [new_ticket(store, ivanova, service="erp", category="license").key for _ in range(50)]
    assert ticket_row(store, keys[0]).assignee_id is None  # l3-experts does not hand out work
    orders = [keys if i % 2 == 0 else keys[::-1] for i in range(len(TAKERS))]
    results = racers.race(
        _workers.take_all,
        [(store.url, login, order) for login, order in zip(TAKERS, orders, strict=True)],
    )
    won = [key for _, keys_won, _, _ in results for key in keys_won]
    assert Counter(won) == Counter(keys)  # each exactly once
    assert [other for *_, other in results if other] == []
    lost = [message for _, _, messages, _ in results for message in messages]
    assert len(lost) == 50 * (len(TAKERS) - 1)
    assert all("already taken by" in msg for msg in lost)
    winner = {key: login for login, keys_won, _, _ in results for key in keys_won}
    for key in keys:
        taken = [e for e in events_of(store, key) if e.kind == "taken"]
        assert len(taken) == 1, key
        assert login_of(store, ticket_row(store, key).assignee_id) == winner[key]
        assert ticket_row(store, key).version == 2


@pytest.mark.slow  # 800 registrations: ~8 s on SQLite, ~17 s on PostgreSQL with 2 cores
def test_eight_dispatchers_registering_at_once_get_distinct_gap_free_keys(store, racers):
    logins = [
        "ivanova",
        "kuznetsova",
        "carter",
        "sokolova",
        "morozov",
        "admin",
        "petrov",
        "fedorov",
    ]
    results = racers.race(_workers.register_many, [(store.url, login, 100) for login in logins])
    assert [errors for _, _, errors in results if errors] == []
    keys = [key for _, keys, _ in results for key in keys]
    assert len(keys) == len(set(keys)) == 800
    for _, own, _ in results:  # each process saw its own keys go up
        numbers = [int(k.split("-")[1]) for k in own]
        assert numbers == sorted(numbers)
    with store.read() as s:
        numbers = sorted(s.exec(select(m.Ticket.number)).all())
        created = s.exec(select(m.TicketEvent).where(m.TicketEvent.kind == "created")).all()
        acks = s.exec(select(m.Outbox).where(m.Outbox.kind == "ack")).all()
    assert numbers == list(range(1001, 1801))
    assert len(created) == 800
    assert len({e.ticket_id for e in created}) == 800
    assert len(acks) == 800


def test_two_editors_of_one_ticket_get_one_conflict_and_lose_nothing(store, actor_of, racers):
    key = new_ticket(store, actor_of("ivanova"), service="erp", category="license").key
    version = ticket_row(store, key).version  # both screens show this version
    results = dict(
        racers.race(
            _workers.edit,
            [
                (store.url, "sokolova", key, version, "priority"),
                (store.url, "morozov", key, version, "assign"),
            ],
        )
    )
    outcomes = sorted(results.values())
    assert outcomes[0].startswith("conflict: ") and outcomes[1] == "saved", results
    winner = next(login for login, outcome in results.items() if outcome == "saved")
    loser_message = next(o for o in results.values() if o.startswith("conflict"))
    row = ticket_row(store, key)
    assert row.version == version + 1
    if winner == "sokolova":
        assert "sokolova" in loser_message and "priority" in loser_message
        assert (row.priority, row.assignee_id) == (1, None)
    else:
        assert "morozov" in loser_message and "assignee: — → vasiliev" in loser_message
        assert (row.priority, login_of(store, row.assignee_id)) == (3, "vasiliev")
    assert "Nothing was saved" in loser_message


def test_a_stale_save_names_who_changed_what_and_a_reload_lets_it_through(store, actor_of):
    key = new_ticket(store, actor_of("ivanova"), service="erp", category="license").key
    seen = ticket_row(store, key).version
    at = msk(2025, 3, 14, 10, 5)
    ticket_actions.assign(store, actor_of("morozov"), key, "pavlova", expected_version=seen, now=at)
    with pytest.raises(TicketConflict) as refused:
        ticket_actions.change_priority(
            store, actor_of("sokolova"), key, 1, 1, expected_version=seen
        )
    message = str(refused.value)
    assert message.startswith(f"{key} was changed meanwhile by morozov at ")
    assert f"{at.astimezone():%H:%M}" in message  # the reader's own clock
    assert "assigned (assignee: — → pavlova, status: new → assigned)" in message
    assert refused.value.seen[0].changes["assignee"] == [None, "pavlova"]
    row = ticket_row(store, key)
    assert (row.priority, login_of(store, row.assignee_id)) == (3, "pavlova")
    ticket_actions.change_priority(
        store, actor_of("sokolova"), key, 1, 1, expected_version=row.version
    )
    row = ticket_row(store, key)
    assert (row.priority, login_of(store, row.assignee_id)) == (1, "pavlova")


def test_sla_ticks_running_at_once_record_each_alert_once(store, actor_of, racers):
    ivanova = actor_of("ivanova")
    keys = [new_ticket(store, ivanova, impact=2, urgency=2).key for _ in range(20)]
    late = msk(2025, 3, 14, 14, 30)  # every response clock at risk and breached
    results = racers.race(_workers.run_tick, [(store.url, late)] * 4)
    assert [r[0] for r in results] == ["ok"] * 4
    assert sum(r[1] for r in results) == 20
    assert sum(r[2] for r in results) == 20
    for key in keys:
        kinds = [e.kind for e in events_of(store, key) if e.kind.startswith("sla_")]
        assert kinds == ["sla_at_risk", "sla_breached"], key
