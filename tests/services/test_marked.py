"""Actions on marked tickets: each ticket its own audited change through the single-ticket
service, a template reply filled for each ticket, refusals and conflicts per ticket."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.services import marked, refusals, ticket_actions
from tests.services._helpers import BENNETT, events_of, new_ticket, ticket_row


def test_a_template_reply_is_filled_for_each_ticket(store, actor_of):
    ivanova = actor_of("ivanova")
    ru = new_ticket(store, ivanova, subject="Касса 3").key
    en = new_ticket(store, ivanova, subject="Mail", service="email", contact=BENNETT).key
    result = marked.apply(
        store, ivanova, [ru, en], marked.Change("reply", template="waiting-answer-en")
    )
    assert result.done == 2
    bodies = {k: events_of(store, k)[-1].body for k in (ru, en)}
    assert all("{{" not in b for b in bodies.values())
    assert ru in bodies[ru] or "Kravchenko" in bodies[ru] or "Кравченко" in bodies[ru]
    assert bodies[ru] != bodies[en]  # each filled for its own ticket
    assert all(events_of(store, k)[-1].kind == "reply" for k in (ru, en))


def test_each_marked_ticket_is_checked_and_a_refusal_recorded(store, actor_of):
    ivanova = actor_of("ivanova")
    keys = [new_ticket(store, ivanova, subject=f"M{n}").key for n in range(2)]
    other = new_ticket(store, ivanova, subject="Mail", service="email", contact=BENNETT).key
    volkov = actor_of("volkov")  # l2-hardware: the printers, not the mail
    before = len(refusals.recent(store, limit=100))
    result = marked.apply(
        store, volkov, [*keys, other], marked.Change("priority", impact=1, urgency=1)
    )
    assert result.done == 2 and [o.key for o in result.failed] == [other]
    assert [ticket_row(store, k).priority for k in keys] == [1, 1]
    assert len(refusals.recent(store, limit=100)) == before + 1  # audited as if alone


def test_a_conflict_on_one_ticket_does_not_stop_the_others(store, actor_of):
    ivanova = actor_of("ivanova")
    keys = [new_ticket(store, ivanova, subject=f"C{n}").key for n in range(3)]
    ticket_actions.set_status(store, ivanova, keys[0], "cancelled", note="gone")
    result = marked.apply(store, ivanova, keys, marked.Change("assign", login=None))
    assert result.done == 2 and result.failed[0].key == keys[0]


def test_link_attaches_the_marked_tickets_to_a_parent(store, actor_of):
    ivanova = actor_of("ivanova")
    parent = new_ticket(store, ivanova, subject="Outage").key
    keys = [new_ticket(store, ivanova, subject=f"L{n}").key for n in range(2)]
    result = marked.apply(store, ivanova, keys, marked.Change("link", parent=parent))
    assert result.done == 2
    assert {ticket_row(store, k).parent_id for k in keys} == {ticket_row(store, parent).id}


def test_bad_actions_fail_before_any_ticket(store, actor_of):
    ivanova = actor_of("ivanova")
    key = new_ticket(store, ivanova).key
    with pytest.raises(NotFound):
        marked.apply(store, ivanova, [key], marked.Change("reply", template="nope"))
    with pytest.raises(NotFound):
        marked.apply(store, ivanova, [key], marked.Change("macro", macro="nope"))
    with pytest.raises(Invalid):
        marked.apply(store, ivanova, [key], marked.Change("dance"))
    assert len(events_of(store, key)) == 1
