"""The SLA tick: record at-risk and breach events once each (response, resolution and
update clocks; a breach tells the group's supervisors), close resolved tickets nobody
answered, record vendors' promises that passed, and fire the `idle` automation rules. Run
by `helpdesk sla tick` (cron) and in the application's background; both may run at once —
each alert is decided under the ticket's lock, so it is recorded exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import select

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.errors import Conflict, NotAllowed
from helpdesk_tui.domain.vocab import EventKind
from helpdesk_tui.domain.workflow import Status
from helpdesk_tui.services import notify, vendor_cases
from helpdesk_tui.services.agents import SYSTEM_ACTOR
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.ticket_actions import close
from helpdesk_tui.services.ticket_core import apply, load_for_update, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

BATCH = 200


@dataclass(frozen=True)
class TickReport:
    at_risk: int = 0
    breached: int = 0
    closed: int = 0
    rules: int = 0  # idle automation rules fired (services/automation.py)
    vendor_late: int = 0  # vendors' promises that passed, recorded now


def tick(store: Store, *, now: datetime | None = None, limit: int = 100_000) -> TickReport:
    now = now or utcnow()
    at_risk = breached = closed = 0
    seen: set[int] = set()
    while len(seen) < limit:
        with store.read() as s:
            due = s.exec(
                select(m.Ticket.id, m.Ticket.key)
                .where(m.Ticket.next_alert_at <= now, m.Ticket.is_open)
                .order_by(m.Ticket.next_alert_at)
                .limit(BATCH)
            ).all()
        due = [(tid, key) for tid, key in due if tid not in seen]
        if not due:
            break
        for tid, key in due:
            seen.add(tid)
            r, b = _alert(store, key, now)
            at_risk += r
            breached += b
    with store.read() as s:
        to_close = s.exec(
            select(m.Ticket.key)
            .where(m.Ticket.auto_close_at <= now, m.Ticket.status == Status.RESOLVED)
            .order_by(m.Ticket.auto_close_at)
            .limit(limit)
        ).all()
    for key in to_close:
        try:
            close(store, SYSTEM_ACTOR, key, now=now)
            closed += 1
        except (Conflict, NotAllowed):
            continue  # somebody reopened or closed it meanwhile
    from helpdesk_tui.services.automation import idle_tick

    vendor_late = vendor_cases.remind(store, now=now, limit=limit)
    return TickReport(at_risk, breached, closed, idle_tick(store, now), vendor_late)


def _alert(store: Store, key: str, now: datetime) -> tuple[int, int]:
    """Record each alert that came due on one ticket, one transaction and event each."""
    at_risk = breached = 0
    while True:
        with store.write() as s:
            cat = catalog(store, s)
            t = load_for_update(s, key)
            if not t.is_open or t.paused_at is not None:
                return at_risk, breached
            bits = clocks.due_alerts(
                now,
                t.first_response_at,
                t.alerts,
                t.response_risk_at,
                t.response_due,
                t.resolution_risk_at,
                t.resolution_due,
                t.update_risk_at,
                t.update_due,
            )
            if not bits:
                nxt = clocks.next_alert(
                    t.paused_at,
                    t.first_response_at,
                    t.resolved_at,
                    t.alerts,
                    t.response_risk_at,
                    t.response_due,
                    t.resolution_risk_at,
                    t.resolution_due,
                    t.update_risk_at,
                    t.update_due,
                )
                if nxt != t.next_alert_at:  # bookkeeping only: no change a person would see
                    s.execute(update(m.Ticket).where(m.Ticket.id == t.id).values(next_alert_at=nxt))
                return at_risk, breached
            bit = bits[0]
            alerts = t.alerts | bit
            clock, state = clocks.ALERT_NAMES[bit]
            nxt = clocks.next_alert(
                t.paused_at,
                t.first_response_at,
                t.resolved_at,
                alerts,
                t.response_risk_at,
                t.response_due,
                t.resolution_risk_at,
                t.resolution_due,
                t.update_risk_at,
                t.update_due,
            )
            kind = EventKind.SLA_BREACHED if state == "breached" else EventKind.SLA_AT_RISK
            apply(
                s,
                SYSTEM_ACTOR,
                t,
                kind,
                {"alerts": alerts, "next_alert_at": nxt},
                now=now,
                body=clock,
            )
            if state == "breached":
                breached += 1
                for sup in notify.supervisors_of(s, t.group_id):
                    notify.notify_agent(
                        s, cat, t, sup, "breached", now=now, body=f"{clock} deadline passed"
                    )
            else:
                at_risk += 1
                if t.assignee_id:
                    agent = s.get(m.Agent, t.assignee_id)
                    notify.notify_agent(
                        s, cat, t, agent, "at-risk", now=now, body=f"{clock} deadline is near"
                    )
