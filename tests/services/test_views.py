"""Saved views: checked when saved, shared by group, tabs with their own live counts."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain.errors import Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.query import QueryError
from helpdesk_tui.services import queue, ticket_actions, views
from tests.services._helpers import new_ticket


@pytest.fixture
def tickets(store, actor_of):
    ivanova = actor_of("ivanova")
    urgent = new_ticket(store, ivanova, subject="POS frozen", service="pos", impact=1, urgency=1)
    calm = new_ticket(store, ivanova, subject="Где накладная", service="question")
    done = new_ticket(store, ivanova, subject="POS again", service="pos", impact=1, urgency=1)
    ticket_actions.set_status(store, ivanova, done.key, "cancelled", note="duplicate")
    return urgent.key, calm.key, done.key


def test_a_view_is_a_tab_with_its_own_count_and_sort(store, actor_of, tickets):
    urgent, _calm, _done = tickets
    morozov = actor_of("morozov")
    views.save(store, morozov, "Burning", "priority:P1", sort="key", descending=True)
    tabs = queue.tabs_for(store, morozov)
    tab = next(t for t in tabs if t.view is not None)
    assert tab.label == "Burning"
    counts = queue.counts(store, tabs, actor=morozov)
    assert counts[tab.id] == 1  # open only: the cancelled P1 is not counted
    q = queue.view_query(store, morozov, tab)
    assert (q.sort, q.descending) == ("key", True)
    assert [r.key for r in queue.page(store, q, limit=50)] == [urgent]


def test_saving_again_replaces_and_bad_views_are_never_stored(store, actor_of, tickets):
    petrov = actor_of("petrov")
    views.save(store, petrov, "Mine", "assignee:me")
    views.save(store, petrov, "mine ", "assignee:me priority<=P2")  # names are trimmed
    saved = views.for_agent(store, petrov)
    assert [(v.name, v.query) for v in saved] == [("mine", "assignee:me priority<=P2")]
    with pytest.raises(QueryError):
        views.save(store, petrov, "Broken", "group:nowhere")
    with pytest.raises(Invalid):
        views.save(store, petrov, "", "priority:P1")
    with pytest.raises(Invalid):
        views.save(store, petrov, "Sorted", "priority:P1", sort="colour")
    assert "Broken" not in [v.name for v in views.for_agent(store, petrov)]


def test_shared_views_reach_the_group_and_only_it(store, actor_of, tickets):
    volkov, lebedev, petrov = actor_of("volkov"), actor_of("lebedev"), actor_of("petrov")
    views.save(store, volkov, "Hardware P1", "priority:P1", group="l2-hardware")
    assert [v.name for v in views.for_agent(store, lebedev)] == ["Hardware P1"]
    assert views.for_agent(store, petrov) == []  # not in l2-hardware
    assert views.find(store, actor_of("morozov"), "hardware p1").owner == "volkov"
    with pytest.raises(NotAllowed):
        views.save(store, petrov, "Theirs", "priority:P1", group="l2-hardware")
    with pytest.raises(NotAllowed):
        views.delete(store, lebedev, "Hardware P1")  # not lebedev's
    views.delete(store, actor_of("morozov"), "Hardware P1")  # a supervisor tidies up
    with pytest.raises(NotFound):
        views.find(store, volkov, "Hardware P1")


def test_a_view_naming_statuses_shows_closed_ones(store, actor_of, tickets):
    _urgent, _calm, done = tickets
    morozov = actor_of("morozov")
    views.save(store, morozov, "Cancelled", "status:cancelled")
    tab = next(t for t in queue.tabs_for(store, morozov) if t.view is not None)
    q = queue.view_query(store, morozov, tab)
    assert [r.key for r in queue.page(store, q, limit=50)] == [done]
    assert views.as_listed(views.find(store, morozov, "Cancelled")) == "status:cancelled"


def test_what_the_queue_shows_becomes_a_query(store, actor_of, tickets):
    morozov = actor_of("morozov")
    tabs = queue.tabs_for(store, morozov)
    group_tab = next(t for t in tabs if t.id == "group:l2-software")
    q = queue.with_search(store, morozov, queue.QueueQuery(group_tab), "priority:P1")
    q = q.with_filters(priorities=(1, 2))
    text = queue.as_query(store, morozov, q)
    assert text == "group:l2-software priority:P1,P2 (priority:P1)"
    views.save(store, morozov, "From the tab", text)  # and it compiles
