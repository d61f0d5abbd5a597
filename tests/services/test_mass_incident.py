"""Mass incidents and the batch runner: children attached one audited change each,
resolving the parent resolves its open children (not the excluded ones) with its text
filled for each, and a cancelled run leaves no ticket half-changed."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain.errors import Invalid, NotAllowed
from helpdesk_tui.services import batch, bulk, mass_incident, refusals, ticket_actions
from tests.services._helpers import BENNETT, events_of, new_ticket, outbox, ticket_row


def _incident(store, actor, children: int = 3):
    parent = new_ticket(store, actor, subject="Shop 1: every cash desk is down").key
    kids = [new_ticket(store, actor, subject=f"Cash desk {n} down").key for n in range(children)]
    return parent, kids


def test_attaching_makes_each_call_a_child_with_its_own_event(store, actor_of):
    ivanova = actor_of("ivanova")
    parent, kids = _incident(store, ivanova)
    result = mass_incident.attach(store, ivanova, parent, [parent, *kids])
    assert result.done == 3 and not result.failed  # the parent itself is left out
    for key in kids:
        assert ticket_row(store, key).parent_id == ticket_row(store, parent).id
        assert events_of(store, key)[-1].kind == "linked"
    again = mass_incident.attach(store, ivanova, parent, kids[:1])
    assert again.done == 0 and "already part of" in again.failed[0].message
    seen = mass_incident.children(store, parent)
    assert (seen.total, seen.open, seen.excluded) == (3, 3, 0)
    assert [c.key for c in seen.shown] == kids


def test_a_child_cannot_be_a_parent_and_a_parent_cannot_be_a_child(store, actor_of):
    ivanova = actor_of("ivanova")
    parent, kids = _incident(store, ivanova, 2)
    mass_incident.attach(store, ivanova, parent, kids[:1])
    with pytest.raises(Invalid, match="itself part of"):
        mass_incident.attach(store, ivanova, kids[0], kids[1:])
    other = new_ticket(store, ivanova, subject="Another outage").key
    result = mass_incident.attach(store, ivanova, other, [parent])
    assert result.failed and "mass incident itself" in result.failed[0].message


def test_an_engineer_cannot_make_a_parent_outside_their_groups(store, actor_of):
    parent, kids = _incident(store, actor_of("ivanova"), 1)  # in l2-hardware
    with pytest.raises(NotAllowed):
        mass_incident.attach(store, actor_of("petrov"), parent, kids)  # l2-software
    assert ticket_row(store, kids[0]).parent_id is None


def test_resolving_the_parent_resolves_its_open_children_but_not_the_excluded(store, actor_of):
    ivanova = actor_of("ivanova")
    parent, kids = _incident(store, ivanova, 3)
    late = new_ticket(store, ivanova, subject="Bennett's mail", contact=BENNETT).key
    mass_incident.attach(store, ivanova, parent, [*kids, late])
    mass_incident.set_excluded(store, ivanova, kids[2], True)
    before = ticket_row(store, kids[2])
    done = ticket_actions.resolve(
        store, ivanova, parent, "The shop's router was restarted, {{contact.name}}."
    )
    assert "3 child tickets resolved with it, 1 excluded" in done.message
    for key in (kids[0], kids[1], late):
        t = ticket_row(store, key)
        assert t.status == "resolved"
        assert "{{" not in t.resolution and parent in t.resolution
        assert [o for o in outbox(store, key, "resolved")]  # each customer is told
    assert "Laura Bennett" in ticket_row(store, late).resolution  # filled for its own contact
    after = ticket_row(store, kids[2])
    assert (after.status, after.version) == (before.status, before.version)  # untouched
    last = events_of(store, parent)[-1]
    assert last.kind == "note" and "3 of 3 open children" in last.body and "1 excluded" in last.body


def test_excluding_needs_a_parent_and_is_audited(store, actor_of):
    ivanova = actor_of("ivanova")
    parent, kids = _incident(store, ivanova, 1)
    with pytest.raises(Invalid, match="not part of a mass incident"):
        mass_incident.set_excluded(store, ivanova, parent, True)
    mass_incident.attach(store, ivanova, parent, kids)
    mass_incident.set_excluded(store, ivanova, kids[0], True)
    event = events_of(store, kids[0])[-1]
    assert event.changes == {"excluded_from_parent": [False, True]}
    with pytest.raises(Invalid, match="already excluded"):
        mass_incident.set_excluded(store, ivanova, kids[0], True)
    mass_incident.set_excluded(store, ivanova, kids[0], False)
    assert ticket_row(store, kids[0]).exclude_from_parent is False


def test_the_board_lists_open_mass_incidents_with_their_children(store, actor_of):
    ivanova = actor_of("ivanova")
    parent, kids = _incident(store, ivanova, 3)
    mass_incident.attach(store, ivanova, parent, kids)
    ticket_actions.set_status(store, ivanova, kids[0], "cancelled", note="not the same")
    found = mass_incident.open_incidents(store)
    assert [(i.key, i.children, i.open_children) for i in found] == [(parent, 3, 2)]
    ticket_actions.resolve(store, ivanova, parent, "Fixed.")
    assert mass_incident.open_incidents(store) == []


def test_a_cancelled_run_stops_between_tickets(store, actor_of):
    ivanova = actor_of("ivanova")
    keys = [new_ticket(store, ivanova, subject=f"T{n}").key for n in range(5)]
    flag = batch.CancelFlag()
    seen = []

    def progress(done, total, outcome):
        seen.append((done, total, outcome.ok))
        if done == 2:
            flag.cancel()

    report = bulk.run(store, ivanova, keys, bulk.parse_settings(["priority=P2"]), cancel=flag)
    assert report.changed == 5  # the flag not raised yet: every ticket
    keys2 = [new_ticket(store, ivanova, subject=f"U{n}").key for n in range(5)]
    result = batch.run(
        keys2,
        lambda k: ticket_actions.change_priority(store, ivanova, k, 1, 1).message,
        cancel=flag,
        progress=progress,
    )
    assert result.cancelled and result.done == 2 and result.skipped == 3
    assert [ticket_row(store, k).priority for k in keys2] == [1, 1, 4, 4, 4]
    assert "cancelled with 3 not touched" in result.summary()
    assert seen == [(1, 5, True), (2, 5, True)]


def test_one_refusal_does_not_stop_the_run(store, actor_of):
    ivanova = actor_of("ivanova")
    keys = [new_ticket(store, ivanova, subject=f"R{n}").key for n in range(3)]
    ticket_actions.set_status(store, ivanova, keys[1], "cancelled", note="gone")
    result = batch.run(
        [*keys, "HD-999999"],
        lambda k: ticket_actions.change_priority(store, ivanova, k, 1, 1).message,
    )
    assert result.done == 2
    assert [o.key for o in result.failed] == [keys[1], "HD-999999"]
    assert "no ticket" in result.failed[1].message


def test_new_calls_attach_as_they_come_and_go_with_the_parent(store, actor_of):
    ivanova = actor_of("ivanova")
    parent, kids = _incident(store, ivanova, 1)
    mass_incident.attach(store, ivanova, parent, kids)
    # registered with the parent (the form's F8), or with one of its children: the parent
    late = new_ticket(store, ivanova, subject="Also down", link_to=parent).key
    later = new_ticket(store, ivanova, subject="Down too", link_to=kids[0]).key
    parent_id = ticket_row(store, parent).id
    assert ticket_row(store, late).parent_id == ticket_row(store, later).parent_id == parent_id
    assert mass_incident.children(store, parent).total == 3
    ticket_actions.resolve(store, ivanova, parent, "Fixed at the provider.")
    assert {ticket_row(store, k).status for k in (*kids, late, later)} == {"resolved"}


def test_a_cancelled_cascade_leaves_exactly_n_children_resolved_and_the_rest_untouched(
    store, actor_of
):
    ivanova = actor_of("ivanova")
    parent, kids = _incident(store, ivanova, 6)
    mass_incident.attach(store, ivanova, parent, kids)
    done = ticket_actions.resolve(store, ivanova, parent, "Power restored.", cascade=False)
    assert "child" not in done.message  # the parent alone: the caller runs the children
    todo = mass_incident.pending(store, parent)
    assert todo.keys == tuple(kids) and todo.excluded == 0
    before = {k: (ticket_row(store, k).version, len(events_of(store, k))) for k in kids}
    flag = batch.CancelFlag()
    seen = []

    def progress(done, total, outcome):
        seen.append((done, total, outcome.key))
        if done == 2:
            flag.cancel()

    went = mass_incident.cascade(
        store, ivanova, parent, "Power restored.", cancel=flag, progress=progress
    )
    result = went.result
    assert (result.done, result.skipped, result.cancelled) == (2, 4, True)
    assert seen == [(1, 6, kids[0]), (2, 6, kids[1])]
    for key in kids[:2]:  # whole: the status, one version more and its one event
        version, n_events = before[key]
        t = ticket_row(store, key)
        assert (t.status, t.version) == ("resolved", version + 1)
        assert len(events_of(store, key)) == n_events + 1
        assert events_of(store, key)[-1].kind == "resolved"
    for key in kids[2:]:  # untouched
        t = ticket_row(store, key)
        assert (t.version, len(events_of(store, key))) == before[key]
        assert t.status != "resolved"
    note = events_of(store, parent)[-1].body
    assert "2 of 6 open children" in note and "cancelled with 4 left open" in note
    # the rest, later, with the parent's own resolution
    rest = mass_incident.cascade(store, ivanova, parent)
    assert rest.result.done == 4 and not rest.result.failed
    assert all("Power restored." in ticket_row(store, k).resolution for k in kids)
    assert "the rest of the mass incident's children: 4 of 4" in events_of(store, parent)[-1].body
    with pytest.raises(Invalid, match="no open children left"):
        mass_incident.cascade(store, ivanova, parent)


def test_children_refused_in_a_cascade_are_audited_and_named_in_the_note(store, actor_of):
    ivanova, volkov = actor_of("ivanova"), actor_of("volkov")  # volkov: l2-hardware only
    parent, kids = _incident(store, ivanova, 2)  # receipt printers: l2-hardware
    mail = new_ticket(store, ivanova, subject="Mail", service="email", contact=BENNETT).key
    mass_incident.attach(store, ivanova, parent, [*kids, mail])  # the dispatcher may
    before = len(refusals.recent(store, limit=100))
    done = ticket_actions.resolve(store, volkov, parent, "Printers replaced.")
    assert "2 child tickets resolved with it, 1 refused" in done.message
    assert [ticket_row(store, k).status for k in kids] == ["resolved", "resolved"]
    assert ticket_row(store, mail).status != "resolved"
    found = refusals.recent(store, limit=100)
    assert len(found) == before + 1  # audited as if volkov had resolved it alone
    assert (found[0].login, found[0].action, found[0].ticket) == (
        "volkov",
        "ticket.resolve",
        mail,
    )
    note = events_of(store, parent)[-1].body
    assert "2 of 3 open children" in note and "1 refused" in note
    assert f"{mail}: " in note and "l2-software" in note  # which one, and why
    # the rest asked for by an engineer of another group: refused on the parent, audited
    petrov = actor_of("petrov")
    with pytest.raises(NotAllowed):
        mass_incident.cascade(store, petrov, parent)
    last = refusals.recent(store, limit=1)[0]
    assert (last.login, last.ticket) == ("petrov", parent)
    assert ticket_row(store, mail).status != "resolved"
