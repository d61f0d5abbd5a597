"""Grouped queues: one indexed GROUP BY gives each group's open tickets, earliest deadline
and worst SLA state; a group's tickets page by keyset in deadline order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.services import grouped_queue, ticket_actions
from helpdesk_tui.services.queue import QueueQuery, Tab
from helpdesk_tui.store import models as m
from helpdesk_tui.store.queries import Filters, Scope
from tests.services._helpers import BENNETT, FRI_10, new_ticket

ALL = QueueQuery(Tab("all", "All open", Scope()))


def _open_per(store, column) -> dict:
    with store.read() as s:
        rows = s.exec(select(column, func.count()).where(m.Ticket.is_open).group_by(column)).all()
    return dict(rows)


def test_groups_count_the_open_tickets_of_each_service(store, actor_of):
    ivanova = actor_of("ivanova")
    printers = [new_ticket(store, ivanova, subject=f"Printer {n}").key for n in range(3)]
    new_ticket(store, ivanova, subject="Mail down", service="email", contact=BENNETT)
    ticket_actions.set_status(store, ivanova, printers[0], "cancelled", note="a duplicate")
    groups = grouped_queue.groups(store, ALL, "service", now=FRI_10)
    expected = _open_per(store, m.Ticket.service_id)
    assert {g.value: g.count for g in groups} == expected
    names = {g.name: g.count for g in groups}
    assert names["Receipt printer"] == 2  # the cancelled one is not open
    assert sum(g.count for g in groups) == sum(expected.values())


def test_a_group_shows_its_most_urgent_deadline_and_worst_state(store, actor_of):
    ivanova = actor_of("ivanova")
    first = new_ticket(store, ivanova, subject="Early")
    new_ticket(store, ivanova, subject="Later", now=FRI_10 + timedelta(hours=2))
    calm = grouped_queue.groups(store, ALL, "customer", now=FRI_10)
    group = next(g for g in calm if g.name == "ООО «Продукты 24»")
    with store.read() as s:
        due = s.exec(select(m.Ticket.due_at).where(m.Ticket.key == first.key)).one()
    assert group.first_due == due and group.state == "running"
    late = grouped_queue.groups(store, ALL, "customer", now=FRI_10 + timedelta(days=30))
    group = next(g for g in late if g.name == "ООО «Продукты 24»")
    assert group.state == "breached" and group.breached == group.count == 2


def test_tickets_without_a_value_form_their_own_group(store, actor_of):
    new_ticket(store, actor_of("ivanova"))
    groups = grouped_queue.groups(store, ALL, "asset", now=FRI_10)
    assert [g.name for g in groups if g.value is None] == ["(no asset)"]


def test_the_tab_scope_and_filters_apply_to_the_groups(store, actor_of):
    ivanova = actor_of("ivanova")
    new_ticket(store, ivanova, subject="Printer one")
    new_ticket(store, ivanova, subject="Printer two")
    words = QueueQuery(ALL.tab, Filters(search="two"))
    groups = grouped_queue.groups(store, words, "service", now=FRI_10)
    assert [(g.name, g.count) for g in groups] == [("Receipt printer", 1)]
    nobody = QueueQuery(Tab("x", "x", Scope(group_id=-1)))
    assert grouped_queue.groups(store, nobody, "service", now=FRI_10) == []


def test_a_group_pages_by_keyset_in_deadline_order(store, actor_of):
    ivanova = actor_of("ivanova")
    keys = [
        new_ticket(store, ivanova, subject=f"P{n}", now=FRI_10 + timedelta(minutes=n)).key
        for n in range(7)
    ]
    group = next(g for g in grouped_queue.groups(store, ALL, "service", now=FRI_10) if g.count >= 7)
    first = grouped_queue.page(store, ALL, "service", group.value, limit=3)
    rest = grouped_queue.page(
        store, ALL, "service", group.value, limit=10, after=first[-1].sort_key
    )
    seen = [r.key for r in first + rest]
    assert len(seen) == group.count and len(set(seen)) == len(seen)
    assert [r.due_at for r in first + rest] == sorted(r.due_at for r in first + rest)
    assert set(keys) <= set(seen)
    back = grouped_queue.page(store, ALL, "service", group.value, limit=2, before=rest[0].sort_key)
    assert [r.key for r in back] == seen[1:3]
    tail = grouped_queue.page(store, ALL, "service", group.value, limit=2, last=True)
    assert [r.key for r in tail] == seen[-2:]


def test_marking_a_group_takes_its_keys(store, actor_of):
    ivanova = actor_of("ivanova")
    mine = {new_ticket(store, ivanova, subject=f"K{n}").key for n in range(3)}
    group = next(g for g in grouped_queue.groups(store, ALL, "service", now=FRI_10))
    keys = grouped_queue.keys(store, ALL, "service", group.value, limit=1000)
    assert len(keys) == group.count and mine <= set(keys)
    everything = grouped_queue.keys(store, ALL, None, None, limit=1000)
    assert len(everything) == sum(_open_per(store, m.Ticket.service_id).values())
    assert len(grouped_queue.keys(store, ALL, None, None, limit=2)) == 2


def test_an_unknown_grouping_is_refused(store):
    with pytest.raises(Invalid, match="unknown grouping"):
        grouped_queue.groups(store, ALL, "colour")
