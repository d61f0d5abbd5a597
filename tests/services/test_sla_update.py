"""The rest of the SLA through the services, on both stores: the update clock (restarted
by public messages, alerts from the tick, counted for the KPI), pauses recorded with their
reason and length, and deadlines after a priority change during and after a pause.

The ticket: a P3 receipt-printer call (silver plan, Moscow hours 09-18) registered Friday
14 March 2025 10:00, offered to lebedev. Silver P3: response 4 h, resolution 40 h, update
9 h; P2: 1 h, 16 h, 4 h.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.services import reports, ticket_views
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.sla_tick import TickReport, tick
from helpdesk_tui.store import models as m
from tests.services._helpers import (
    FRI_10,
    H,
    counts,
    events_of,
    msk,
    new_ticket,
    outbox,
    ticket_row,
)

FRI = lambda hour, minute=0: msk(2025, 3, 14, hour, minute)  # noqa: E731
MON = lambda hour, minute=0: msk(2025, 3, 17, hour, minute)  # noqa: E731
TUE = lambda hour, minute=0: msk(2025, 3, 18, hour, minute)  # noqa: E731


@pytest.fixture
def p3(store, actor_of) -> str:
    return new_ticket(store, actor_of("ivanova"), impact=2, urgency=2).key


def calendar(store, key):
    cat = catalog(store)
    return cat.calendar_of(cat.plan_for(ticket_row(store, key).sla_plan_id))


def pauses(store, key) -> list[m.TicketPause]:
    with store.read() as s:
        t = ticket_row(store, key)
        return list(
            s.exec(
                select(m.TicketPause)
                .where(m.TicketPause.ticket_id == t.id)
                .order_by(m.TicketPause.id)
            ).all()
        )


def test_registration_starts_the_update_clock(store, p3):
    row = ticket_row(store, p3)
    assert row.update_target_s == 9 * H
    assert row.update_from == FRI_10
    assert row.update_due == MON(10)  # Fri 10-18 + Mon 09-10
    assert row.update_risk_at == FRI(16, 45)  # 75 % of 9 h


def test_each_public_reply_restarts_it_and_is_counted_on_time_or_late(store, actor_of, p3):
    lebedev = actor_of("lebedev")
    act.reply(store, lebedev, p3, "Looking at it", now=FRI(11))
    row = ticket_row(store, p3)
    assert row.update_due == MON(11)
    assert (row.updates_on_time, row.updates_late) == (1, 0)
    act.note(store, lebedev, p3, "internal: ordered a part", now=FRI(12))  # not an update
    assert ticket_row(store, p3).update_due == MON(11)
    act.reply(store, lebedev, p3, "The part arrives tomorrow", now=TUE(10))  # late
    row = ticket_row(store, p3)
    assert (row.updates_on_time, row.updates_late) == (1, 1)
    assert row.update_due == msk(2025, 3, 19, 10)  # Tue 10-18, Wed 09-10


def test_the_tick_records_update_alerts_and_tells_the_supervisor(store, actor_of, p3):
    act.reply(store, actor_of("lebedev"), p3, "Looking at it", now=FRI(11))
    assert tick(store, now=FRI(17)) == TickReport()  # at risk only from Mon 09:45
    assert tick(store, now=MON(9, 50)) == TickReport(at_risk=1)
    assert tick(store, now=MON(11, 1)) == TickReport(breached=1)
    kinds = [(e.kind, e.body) for e in events_of(store, p3) if e.kind.startswith("sla_")]
    assert kinds == [("sla_at_risk", "update"), ("sla_breached", "update")]
    [notice] = outbox(store, p3, "breached")
    assert notice.to_addr == "morozov@desk.example"  # the supervisor of l2-hardware
    # answering restarts the clock: new alerts come with the next cycle, not before
    act.reply(store, actor_of("lebedev"), p3, "Fixed the roller", now=MON(12))
    assert tick(store, now=MON(13)) == TickReport()
    assert ticket_row(store, p3).alerts & 48 == 0


def test_a_pause_is_recorded_with_its_reason_and_length(store, actor_of, p3):
    lebedev = actor_of("lebedev")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(10, 30))
    act.set_status(
        store, lebedev, p3, "waiting_customer", reason="info: photo of the label", now=FRI(11)
    )
    [open_pause] = pauses(store, p3)
    assert (open_pause.reason, open_pause.note, open_pause.ended_at) == (
        "info",
        "photo of the label",
        None,
    )
    status_event = events_of(store, p3)[-1]
    assert "photo of the label" in status_event.body
    act.customer_reply(store, p3, "Here it is", now=MON(10))
    [closed] = pauses(store, p3)
    assert closed.ended_at == MON(10)
    assert closed.business_s == 8 * H  # Fri 11-18 and Mon 09-10
    assert closed.wall_s == round((MON(10) - FRI(11)).total_seconds())
    assert ticket_row(store, p3).paused_s == 8 * H
    view = ticket_views.show(store, p3)
    [shown] = view.pauses
    assert shown.reason_text == "Waiting for information from the customer: photo of the label"
    assert shown.business_s == 8 * H


def test_a_reason_in_words_of_ones_own_and_a_missing_reason(store, actor_of, p3):
    lebedev = actor_of("lebedev")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(10, 30))
    before = counts(store)
    with pytest.raises(Invalid):
        act.set_status(store, lebedev, p3, "waiting_customer", reason="other:", now=FRI(11))
    assert counts(store) == before and pauses(store, p3) == []
    act.set_status(store, lebedev, p3, "waiting_customer", reason="on holiday", now=FRI(11))
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(12))
    [p] = pauses(store, p3)
    assert (p.reason, p.note, p.business_s) == ("other", "on holiday", H)


def test_a_priority_change_during_a_pause_keeps_the_business_time_already_used(store, actor_of, p3):
    lebedev = actor_of("lebedev")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(10, 30))
    act.set_status(store, lebedev, p3, "waiting_customer", reason="info", now=FRI(12))
    act.change_priority(store, lebedev, p3, 2, 1, reason="the whole shop", now=MON(9, 30))
    cal = calendar(store, p3)
    mid = ticket_row(store, p3)
    assert mid.priority == 2 and mid.paused_at == FRI(12)
    assert mid.resolution_target_s == 16 * H and mid.update_target_s == 4 * H
    act.set_status(store, lebedev, p3, "in_progress", now=MON(11))
    row = ticket_row(store, p3)
    assert row.paused_s == 8 * H  # Fri 12-18, Mon 09-11
    # used before the pause: Fri 10-12 = 2 h of the new 16 h; the rest runs from Mon 11:00
    assert row.resolution_due == cal.add(MON(11), 14 * H)
    assert row.resolution_due == cal.add(FRI_10, 16 * H + row.paused_s)
    # the update clock (restarted at registration) had used 2 h of its new 4 h
    assert row.update_due == cal.add(MON(11), 2 * H) == MON(13)
    [p] = pauses(store, p3)
    assert p.business_s == 8 * H


def test_a_priority_change_after_a_pause_counts_from_the_time_used(store, actor_of, p3):
    lebedev = actor_of("lebedev")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI(10, 30))
    act.set_status(store, lebedev, p3, "waiting_customer", reason="access", now=FRI(12))
    act.set_status(store, lebedev, p3, "in_progress", now=MON(11))
    act.change_priority(store, lebedev, p3, 2, 1, now=MON(12))
    row = ticket_row(store, p3)
    cal = calendar(store, p3)
    # used: Fri 10-12 and Mon 11-12 = 3 h; 13 h of the 16 h are left from Mon 12:00
    assert row.resolution_due == cal.add(MON(12), 13 * H)
    assert row.update_due == MON(13)  # 4 h target, 3 h used


def test_the_kpi_counts_updates_on_time(store, actor_of, p3):
    lebedev = actor_of("lebedev")
    act.reply(store, lebedev, p3, "Looking at it", now=FRI(11))  # on time
    act.reply(store, lebedev, p3, "Still on it", now=TUE(10))  # late (due Mon 11:00)
    act.resolve(store, lebedev, p3, "Replaced the roller", now=TUE(11))  # on time
    r = reports.report(store, "group", start="2025-03-01", end="2025-04-01", now=TUE(12))
    assert (r.total.updates_on_time, r.total.updates_late) == (2, 1)
    assert r.total.updates_in_sla == pytest.approx(2 / 3)
    assert reports.flat(r.total)["updates_in_sla"] == 0.6667
    row = ticket_row(store, p3)
    assert row.update_due is None  # resolved: nothing more to keep the customer posted on


def test_an_overdue_update_alone_counts_as_breached_in_queries_and_the_board(store, actor_of):
    lebedev = actor_of("lebedev")
    key = new_ticket(store, actor_of("ivanova"), impact=2, urgency=2).key
    act.reply(store, lebedev, key, "On it", now=FRI(11))  # response met; update due Mon 11:00
    where = ticket_views.ListFilter(where="sla:breached", status="open")
    at_noon = MON(12)  # update overdue by an hour; the resolution (Thu) is far away
    found = ticket_views.list_tickets(store, lebedev, where, now=at_noon)
    assert [t.key for t in found] == [key]
    risky = ticket_views.ListFilter(where="sla:at-risk", status="open")
    assert [t.key for t in ticket_views.list_tickets(store, lebedev, risky, now=MON(10))] == [key]
    r = reports.report(store, "group", start="2025-03-01", end="2025-04-01", now=at_noon)
    assert r.total.overdue_now == 1
