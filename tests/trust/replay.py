"""Rebuilding a ticket from its audit events, and checking that the store agrees.

Every change is recorded as `{field: [before, after]}` in the values people know (codes,
logins, ISO instants; see `ticket_core.LOGGED`). Replaying a ticket's events in order must
give its current fields, and each event's `before` must be what the events before it left:
a write that skipped its event, or an event whose change was lost, shows up as a mismatch.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from helpdesk_tui.domain import clocks
from helpdesk_tui.services.catalog import Catalog
from helpdesk_tui.services.ticket_core import LOGGED, recorded
from helpdesk_tui.store import models as m

_UNSET = (None, "", [], 0, False)  # what registration leaves out of the `created` event


def _same(a: Any, b: Any) -> bool:
    return a == b or (a in _UNSET and b in _UNSET)


def replay(events: list[m.TicketEvent]) -> tuple[dict[str, Any], list[str]]:
    """(the fields after the events, the events whose `before` disagreed with the replay)."""
    state: dict[str, Any] = {}
    broken: list[str] = []
    for event in sorted(events, key=lambda e: e.version):
        for name, (before, after) in (event.changes or {}).items():
            if event.kind != "created" and not _same(state.get(name), before):
                broken.append(
                    f"v{event.version} {event.kind}: {name} was {state.get(name)!r}, "
                    f"the event says {before!r}"
                )
            state[name] = after
    return state, broken


def replay_mismatches(s: Session, ticket: m.Ticket, events: list[m.TicketEvent]) -> list[str]:
    """Where the ticket's current fields differ from the replay of its events."""
    state, broken = replay(events)
    versions = sorted(e.version for e in events)
    problems = [f"{ticket.key}: {b}" for b in broken]
    if versions != list(range(1, ticket.version + 1)):
        problems.append(f"{ticket.key}: version {ticket.version}, events at {versions}")
    for attr, name in LOGGED.items():
        now = recorded(s, attr, getattr(ticket, attr))
        if not _same(now, state.get(name)):
            problems.append(f"{ticket.key}: {name} is {now!r}, the events say {state.get(name)!r}")
    return problems


def sla_mismatches(cat: Catalog, t: m.Ticket) -> list[str]:
    """The stored deadlines against `domain/clocks.py` recomputed from the ticket's facts."""
    plan = cat.plan_for(t.sla_plan_id)
    clk = clocks.compute(
        cat.calendar_of(plan),
        clocks.ClockInput(
            created_at=t.created_at,
            response_s=t.response_target_s,
            resolution_s=t.resolution_target_s,
            at_risk=plan.at_risk,
            paused_s=t.paused_s,
            paused_at=t.paused_at,
            first_response_at=t.first_response_at,
            resolved_at=t.resolved_at,
            alerts=t.alerts,
            update_s=t.update_target_s,
            update_from=t.update_from,
            update_paused_base_s=t.update_paused_base_s,
        ),
    )
    expected = {
        "update_due": clk.update_due,
        "update_risk_at": clk.update_risk_at,
        "resolution_due": clk.resolution_due,
        "resolution_risk_at": clk.resolution_risk_at,
    }
    if t.first_response_at is None:  # an answered response clock keeps its old deadline
        expected.update(response_due=clk.response_due, response_risk_at=clk.response_risk_at)
    if t.resolved_at is None and t.is_open:
        expected.update(due_at=clk.due_at, next_alert_at=clk.next_alert_at)
    else:
        expected.update(due_at=None, next_alert_at=None)
    return [
        f"{t.key}: {name} is {getattr(t, name)}, the clocks say {value}"
        for name, value in expected.items()
        if getattr(t, name) != value
    ]
