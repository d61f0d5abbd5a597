"""Audit: every change is one event with the before and after of exactly the fields that
changed, versions run 1..n, and replaying the events rebuilds the ticket.

The property test drives one ticket through random sequences of actions by random people
(refusals included) and checks the invariants after every step. It runs on SQLite only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.domain.workflow import DONE, OPEN, PAUSED, TRANSITIONS, Status
from helpdesk_tui.services import agents as agent_service
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.escalation import escalate, tell_supervisor
from helpdesk_tui.services.sla_tick import tick
from helpdesk_tui.services.ticket_core import LOGGED, recorded
from helpdesk_tui.store import models as m
from tests.services._helpers import FRI_10, events_of, msk, new_ticket, ticket_row

NOTE = "Checked cables and drivers, no luck"
REBUILT = ("status", "assignee", "group", "line", "priority", "resolved_at", "closed_at")


def snapshot(store, key: str) -> dict[str, Any]:
    """The ticket's logged fields as events record them (codes, logins, ISO instants)."""
    with store.read() as s:
        t = s.exec(select(m.Ticket).where(m.Ticket.key == key)).one()
        return {name: recorded(s, attr, getattr(t, attr)) for attr, name in LOGGED.items()}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before[k], after[k]] for k in before if before[k] != after[k]}


def replay(events: list[m.TicketEvent]) -> dict[str, Any]:
    """Rebuild the fields from the events, checking each `before` against the rebuild."""
    state: dict[str, Any] = {}
    for event in events:
        for name, (before, after) in event.changes.items():
            if name in REBUILT:
                assert state.get(name) == before, (event.kind, name)
            state[name] = after
    return state


def check_audit_trail(store, key: str) -> None:
    events = events_of(store, key)
    row = ticket_row(store, key)
    assert [e.version for e in events] == list(range(1, row.version + 1))
    assert events[0].kind == "created"
    state, now = replay(events), snapshot(store, key)
    for name in REBUILT:
        assert state.get(name) == now[name], name


# ------------------------------------------------------------------ every action, one event


def test_every_action_writes_one_event_with_exactly_the_changed_fields(store, actor_of):
    ivanova, volkov = actor_of("ivanova"), actor_of("volkov")
    sokolova, vasiliev = actor_of("sokolova"), actor_of("vasiliev")
    other = new_ticket(store, ivanova).key
    key = new_ticket(store, ivanova, impact=2, urgency=2).key
    t = lambda h, mi=0: msk(2025, 3, 14, h, mi)  # noqa: E731
    mon = lambda h, mi=0: msk(2025, 3, 17, h, mi)  # noqa: E731
    steps: list[tuple[str, Callable[[], object]]] = [
        ("assigned", lambda: act.assign(store, ivanova, key, None, now=t(10, 5))),
        ("taken", lambda: act.take(store, volkov, key, now=t(10, 10))),
        ("status", lambda: act.set_status(store, volkov, key, "in_progress", now=t(10, 20))),
        ("reply", lambda: act.reply(store, volkov, key, "Looking into it", now=t(10, 30))),
        ("note", lambda: act.note(store, volkov, key, "Needs a new head", now=t(10, 40))),
        ("time", lambda: act.log_time(store, volkov, key, 20, now=t(10, 50))),
        ("priority", lambda: act.change_priority(store, sokolova, key, 1, 2, now=t(11))),
        ("linked", lambda: act.link(store, ivanova, key, other, "related", now=t(11, 5))),
        ("supervisor", lambda: tell_supervisor(store, volkov, key, "Customer angry", now=t(11, 6))),
        ("status", lambda: act.set_status(store, volkov, key, "waiting_customer", now=t(11, 10))),
        ("customer_reply", lambda: act.customer_reply(store, key, "Desk 3", now=t(13))),
        ("escalated", lambda: escalate(store, volkov, key, "L3", NOTE, now=t(13, 30))),
        ("taken", lambda: act.take(store, vasiliev, key, now=t(13, 40))),
        # the customer kept informed (the update clock restarts), so only the resolution
        # clock's alert is due at the tick
        ("reply", lambda: act.reply(store, vasiliev, key, "Head ordered", now=mon(14, 50))),
        ("sla_at_risk", lambda: tick(store, now=mon(15))),  # resolution: 12 of 16 h
        (
            "resolved",
            lambda: act.resolve(store, vasiliev, key, "Replaced the head", now=mon(15, 30)),
        ),
        ("reopened", lambda: act.customer_reply(store, key, "Broken again", now=mon(15, 40))),
        (
            "resolved",
            lambda: act.resolve(store, vasiliev, key, "Replaced the cable", now=mon(15, 50)),
        ),
        ("confirmed", lambda: act.confirm(store, ivanova, key, rating=4, now=mon(15, 55))),
        ("reopened", lambda: act.reopen(store, sokolova, key, "Broke a third time", now=mon(16))),
        (
            "status",
            lambda: act.set_status(store, ivanova, key, "cancelled", note="Dup", now=mon(16, 5)),
        ),
    ]
    for kind, step in steps:
        before, events_before = snapshot(store, key), events_of(store, key)
        version = ticket_row(store, key).version
        step()
        events = events_of(store, key)
        assert len(events) == len(events_before) + 1, kind
        event = events[-1]
        assert event.kind == kind
        assert ticket_row(store, key).version == event.version == version + 1, kind
        assert event.changes == diff(before, snapshot(store, key)), kind
    check_audit_trail(store, key)
    row = ticket_row(store, key)
    assert (row.reopen_count, row.escalation_count, row.satisfaction) == (2, 1, 4)


def test_a_refused_action_writes_no_event_and_keeps_the_version(store, actor_of):
    key = new_ticket(store, actor_of("ivanova")).key
    with pytest.raises(HelpdeskError):
        act.set_status(store, actor_of("lebedev"), key, "cancelled", note="no")
    with pytest.raises(HelpdeskError):
        act.take(store, actor_of("volkov"), key)
    assert [e.kind for e in events_of(store, key)] == ["created"]
    assert ticket_row(store, key).version == 1


# ------------------------------------------------------------------ any sequence of actions

STATUSES = ("new", "assigned", "in_progress", "waiting_customer", "waiting_vendor", "cancelled")


def _moving_to(status: str) -> Callable[..., object]:
    return lambda s, a, k, now: act.set_status(s, a, k, status, note="because", now=now)


LOGINS = ["ivanova", "sokolova", "morozov", "lebedev", "volkov", "petrov", "vasiliev", "admin"]
ACTIONS: dict[str, Callable[..., object]] = {
    "take": lambda s, a, k, now: act.take(s, a, k, now=now),
    "assign_volkov": lambda s, a, k, now: act.assign(s, a, k, "volkov", now=now),
    "unassign": lambda s, a, k, now: act.assign(s, a, k, None, now=now),
    "reply": lambda s, a, k, now: act.reply(s, a, k, "We are on it", now=now),
    "note": lambda s, a, k, now: act.note(s, a, k, "internal", now=now),
    "resolve": lambda s, a, k, now: act.resolve(s, a, k, "Fixed it", now=now),
    "confirm": lambda s, a, k, now: act.confirm(s, a, k, rating=5, now=now),
    "close": lambda s, a, k, now: act.close(s, a, k, now=now),
    "reopen": lambda s, a, k, now: act.reopen(s, a, k, "Not fixed", now=now),
    "customer_reply": lambda s, a, k, now: act.customer_reply(s, k, "Any news?", now=now),
    "escalate": lambda s, a, k, now: escalate(s, a, k, "L3", NOTE, now=now),
    "deescalate": lambda s, a, k, now: escalate(s, a, k, "l2-hardware", NOTE, now=now),
    "priority_up": lambda s, a, k, now: act.change_priority(s, a, k, 1, 1, now=now),
    "priority_down": lambda s, a, k, now: act.change_priority(s, a, k, 3, 3, now=now),
    "time": lambda s, a, k, now: act.log_time(s, a, k, 15, now=now),
    "tick": lambda s, a, k, now: tick(s, now=now),
    **{status: _moving_to(status) for status in STATUSES},
}

steps = st.lists(
    st.tuples(
        st.sampled_from(sorted(ACTIONS)),
        st.sampled_from(LOGINS),
        st.integers(1, 60 * 30).map(lambda minutes: timedelta(minutes=minutes)),
    ),
    min_size=1,
    max_size=14,
)


def check_invariants(store, key: str, roles: dict[int | None, str]) -> None:
    row = ticket_row(store, key)
    events = events_of(store, key)
    status = Status(row.status)
    assert row.version == len(events)
    assert row.is_open == (status in OPEN)
    assert (row.paused_at is not None) == (status in PAUSED)
    assert (row.resolved_at is not None) == (status in (Status.RESOLVED, Status.CLOSED))
    assert (row.closed_at is not None) == (status in (Status.CLOSED, Status.CANCELLED))
    assert (row.auto_close_at is not None) == (status == Status.RESOLVED)
    if status == Status.ASSIGNED:
        assert row.assignee_id is not None
    if status == Status.NEW:
        assert row.assignee_id is None
    if status in DONE:
        assert row.due_at is None and row.next_alert_at is None
    else:
        deadline = clocks.nearest_due(
            row.first_response_at, None, row.response_due, row.resolution_due, row.update_due
        )
        if status in PAUSED:  # after every running ticket, by the business time left
            assert row.due_at >= clocks.PAUSED_AFTER
        else:
            assert row.due_at == deadline
    if status in OPEN and status not in PAUSED:
        assert row.next_alert_at == clocks.next_alert(
            None,
            row.first_response_at,
            None,
            row.alerts,
            row.response_risk_at,
            row.response_due,
            row.resolution_risk_at,
            row.resolution_due,
            row.update_risk_at,
            row.update_due,
        )
    for event in events[1:]:
        if "status" in event.changes:
            src, dst = event.changes["status"]
            role = roles.get(event.actor_id, event.actor_kind)
            assert role in TRANSITIONS.get((Status(src), Status(dst)), ()), (src, dst, role)
    check_audit_trail(store, key)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps)
def test_any_sequence_of_actions_keeps_the_ticket_consistent(sqlite_store, sequence):
    store = sqlite_store
    actors = {login: agent_service.resolve(store, login) for login in LOGINS}
    roles = {a.id: a.role for a in actors.values()}
    key = new_ticket(store, actors["ivanova"], impact=2, urgency=2).key
    now = FRI_10
    for name, login, step in sequence:
        now += step
        version = ticket_row(store, key).version
        try:
            ACTIONS[name](store, actors[login], key, now)
        except HelpdeskError:
            assert ticket_row(store, key).version == version, name
        check_invariants(store, key, roles)
