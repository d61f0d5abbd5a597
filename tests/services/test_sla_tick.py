"""The SLA tick: at-risk and breach events recorded exactly once each, supervisors told of
breaches, and resolved tickets nobody answered closed by themselves.

The ticket is a P3 printer call (silver, Moscow hours) registered Fri 14 March 2025 10:00:
response at risk 13:00, due 14:00; resolution at risk Wed 19 13:00, due Thu 20 14:00.
"""

from __future__ import annotations

import pytest

from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.sla_tick import TickReport, tick
from tests.services._helpers import events_of, msk, new_ticket, outbox, ticket_row

FRI = lambda hour, minute=0: msk(2025, 3, 14, hour, minute)  # noqa: E731
SLA_KINDS = ("sla_at_risk", "sla_breached")


@pytest.fixture
def p3(store, actor_of) -> str:
    return new_ticket(store, actor_of("ivanova"), impact=2, urgency=2).key


def alerts(store, key: str) -> list[tuple[str, str]]:
    return [(e.kind, e.body) for e in events_of(store, key) if e.kind in SLA_KINDS]


def test_nothing_is_recorded_before_the_risk_threshold(store, p3):
    assert tick(store, now=FRI(12, 59)) == TickReport(0, 0, 0)
    assert alerts(store, p3) == []


def test_at_risk_is_recorded_once_and_the_assignee_is_warned(store, p3):
    assert tick(store, now=FRI(13, 30)) == TickReport(at_risk=1)
    assert tick(store, now=FRI(13, 31)) == TickReport()
    assert alerts(store, p3) == [("sla_at_risk", "response")]
    [warning] = outbox(store, p3, "at-risk")
    assert warning.to_addr == "lebedev@desk.example"
    event = events_of(store, p3)[-1]
    assert (event.actor_kind, event.actor_id, event.at) == ("system", None, FRI(13, 30))


def test_a_breach_is_recorded_once_and_the_supervisor_is_told(store, p3):
    tick(store, now=FRI(13, 30))
    assert tick(store, now=FRI(14, 1)) == TickReport(breached=1)
    assert tick(store, now=FRI(14, 2)) == TickReport()
    assert alerts(store, p3) == [("sla_at_risk", "response"), ("sla_breached", "response")]
    [notice] = outbox(store, p3, "breached")
    assert notice.to_addr == "morozov@desk.example"  # supervisor of l2-hardware
    assert p3 in notice.subject
    row = ticket_row(store, p3)
    assert row.next_alert_at == min(row.resolution_risk_at, row.update_risk_at)


def test_a_tick_that_missed_everything_records_every_alert_in_order(store, p3):
    late = msk(2025, 3, 20, 15)
    assert tick(store, now=late) == TickReport(at_risk=3, breached=3)
    assert alerts(store, p3) == [
        ("sla_at_risk", "response"),
        ("sla_breached", "response"),
        ("sla_at_risk", "resolution"),
        ("sla_breached", "resolution"),
        ("sla_at_risk", "update"),  # nobody wrote to the customer since Friday 10:00
        ("sla_breached", "update"),
    ]
    assert tick(store, now=late) == TickReport()
    assert len(outbox(store, p3, "breached")) == 3
    row = ticket_row(store, p3)
    assert row.next_alert_at is None
    assert [e.version for e in events_of(store, p3)] == [1, 2, 3, 4, 5, 6, 7]


def test_an_answered_ticket_gets_no_response_alerts(store, actor_of, p3):
    act.reply(store, actor_of("lebedev"), p3, "On it", now=FRI(11))
    assert tick(store, now=FRI(17)) == TickReport()
    assert tick(store, now=msk(2025, 3, 19, 13, 30)) == TickReport(at_risk=2, breached=1)
    assert alerts(store, p3) == [
        ("sla_at_risk", "resolution"),
        ("sla_at_risk", "update"),  # the reply on Friday 11:00 was the last update
        ("sla_breached", "update"),
    ]


def test_a_ticket_waiting_for_the_customer_raises_no_alert(store, actor_of, p3):
    act.set_status(store, actor_of("lebedev"), p3, "waiting_customer", now=FRI(11))
    assert tick(store, now=msk(2025, 3, 28, 12)) == TickReport()
    assert alerts(store, p3) == []


def test_a_resolved_ticket_raises_no_alert(store, actor_of, p3):
    act.resolve(store, actor_of("lebedev"), p3, "Done", now=FRI(11))
    assert tick(store, now=msk(2025, 3, 18, 12)) == TickReport()
    assert alerts(store, p3) == []


def test_a_raised_priority_is_reported_at_the_next_tick(store, actor_of):
    key = new_ticket(store, actor_of("ivanova"), impact=3, urgency=2).key  # P4: 8 h
    assert tick(store, now=FRI(10, 30)) == TickReport()
    act.change_priority(store, actor_of("sokolova"), key, 1, 1, now=FRI(10, 40))  # P1: 30 min
    assert tick(store, now=FRI(10, 41)) == TickReport(at_risk=1, breached=1)


def test_alerts_for_a_deadline_moved_back_into_the_future_come_again(store, actor_of):
    key = new_ticket(store, actor_of("ivanova"), impact=3, urgency=2).key
    act.change_priority(store, actor_of("sokolova"), key, 1, 1, now=FRI(10, 40))
    tick(store, now=FRI(10, 41))
    act.change_priority(store, actor_of("sokolova"), key, 3, 2, now=FRI(10, 50))  # P4 again
    assert tick(store, now=FRI(15)) == TickReport()
    assert tick(store, now=FRI(16)) == TickReport(at_risk=1)  # 6 of 8 hours
    assert alerts(store, key)[-1] == ("sla_at_risk", "response")


def test_resolved_tickets_close_by_themselves_after_the_plans_business_days(store, actor_of, p3):
    act.resolve(store, actor_of("lebedev"), p3, "Replaced the head", now=FRI(15))
    assert ticket_row(store, p3).auto_close_at == msk(2025, 3, 19, 15)
    assert tick(store, now=msk(2025, 3, 19, 14, 59)) == TickReport()
    assert tick(store, now=msk(2025, 3, 19, 15)) == TickReport(closed=1)
    assert tick(store, now=msk(2025, 3, 19, 16)) == TickReport()
    row = ticket_row(store, p3)
    assert (row.status, row.closed_at, row.auto_close_at) == ("closed", msk(2025, 3, 19, 15), None)
    event = events_of(store, p3)[-1]
    assert (event.kind, event.actor_kind) == ("closed", "system")
    assert [o.kind for o in outbox(store, p3)][-1] == "closed"


def test_a_reopened_ticket_is_not_closed_by_the_clock(store, actor_of, p3):
    act.resolve(store, actor_of("lebedev"), p3, "Replaced the head", now=FRI(15))
    act.customer_reply(store, p3, "Still broken", now=FRI(16))
    assert tick(store, now=msk(2025, 3, 25, 12)).closed == 0
    assert ticket_row(store, p3).status == "reopened"


def test_one_tick_handles_many_tickets(store, actor_of):
    keys = [new_ticket(store, actor_of("ivanova"), impact=2, urgency=2).key for _ in range(5)]
    assert tick(store, now=FRI(14, 30)) == TickReport(at_risk=5, breached=5)
    for key in keys:
        assert [kind for kind, _ in alerts(store, key)] == ["sla_at_risk", "sla_breached"]
