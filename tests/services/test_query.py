"""Queries compiled to SQL on both stores: each finds exactly the tickets it says."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk_tui.domain.query import QueryError
from helpdesk_tui.services import escalation, ticket_actions
from helpdesk_tui.services.ticket_views import ListFilter, list_tickets
from tests.services._helpers import FRI_10, new_ticket

NOW = FRI_10 + timedelta(hours=2)


def keys(store, actor, where: str) -> set[str]:
    found = list_tickets(store, actor, ListFilter(where=where, limit=500), now=NOW)
    return {t.key for t in found}


@pytest.fixture
def desk(store, actor_of):
    ivanova, lebedev = actor_of("ivanova"), actor_of("lebedev")
    t = {
        "printer": new_ticket(
            store,
            ivanova,
            subject="Касса 3: принтер не печатает",
            service="receipt-printer",
            impact=3,
            urgency=1,
        ).key,
        "pos": new_ticket(
            store, ivanova, subject="POS frozen", service="pos", impact=1, urgency=1
        ).key,
        "question": new_ticket(
            store, ivanova, subject="Где накладная", service="question", channel="email"
        ).key,
        "old": new_ticket(
            store,
            ivanova,
            subject="Old printer",
            service="receipt-printer",
            now=FRI_10 - timedelta(days=10),
        ).key,
    }
    ticket_actions.resolve(store, lebedev, t["printer"], "Заменили рулон", now=FRI_10)
    escalation.escalate(
        store,
        actor_of("morozov"),
        t["pos"],
        "L3",
        "Перезапуск и переустановка не помогли",
        now=FRI_10,
    )
    return t


def test_status_priority_group_service_and_words(store, actor_of, desk):
    me = actor_of("morozov")
    assert keys(store, me, "status:resolved") == {desk["printer"]}
    assert keys(store, me, "status:open priority<=P2") == {desk["pos"]}
    assert keys(store, me, "line:L3") == {desk["pos"]}
    assert keys(store, me, 'service:"Receipt printer"') == {desk["printer"], desk["old"]}
    assert keys(store, me, "service:receipt-printer -status:resolved") == {desk["old"]}
    assert keys(store, me, "принтер") == {desk["printer"]}
    assert keys(store, me, "printer or channel:email") == {desk["old"], desk["question"]}
    assert keys(store, me, "not (status:open)") == {desk["printer"]}
    assert keys(store, me, "escalated>0") == {desk["pos"]}


def test_ages_dates_keys_and_assignee(store, actor_of, desk):
    me = actor_of("lebedev")
    assert desk["old"] in keys(store, me, "age>5d")
    assert desk["question"] not in keys(store, me, "age>5d")
    assert keys(store, me, f"key:{desk['pos']}") == {desk["pos"]}
    assert desk["printer"] in keys(store, me, "assignee:me")
    assert keys(store, me, "assignee:none status:open") >= {desk["pos"]}


def test_unknown_codes_are_errors_that_point_at_them(store, actor_of, desk):
    with pytest.raises(QueryError) as err:
        keys(store, actor_of("ivanova"), "status:open group:l2-nope")
    assert "unknown group" in str(err.value)
    assert err.value.position == 12


def test_a_query_cannot_inject_sql(store, actor_of, desk):
    hostile = "'; DROP TABLE ticket; --"
    assert keys(store, actor_of("ivanova"), f'"{hostile}"') == set()
    with pytest.raises(QueryError):
        keys(store, actor_of("ivanova"), f"customer:{hostile.replace(' ', '')}")
    assert keys(store, actor_of("ivanova"), "status:open")  # the table is still there
