"""Macros: checked when loaded, run as the actions they name (each audited), stopping a
ticket at its first refused step while the others go on."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.macros import parse_macro
from helpdesk_tui.services import macros, ticket_actions
from tests.services._helpers import events_of, new_ticket, outbox, ticket_row


def test_the_demo_macros_are_loaded(store):
    codes = [m.code for m in macros.list_macros(store)]
    assert codes == ["printer-paper", "ask-cash-desk", "to-vendor-fn"]


def test_a_macro_runs_as_its_actions_each_audited(store, actor_of):
    key = new_ticket(store, actor_of("ivanova")).key  # a receipt printer, in l2-hardware
    volkov = actor_of("volkov")
    ticket_actions.assign(store, actor_of("morozov"), key, None)  # back to the queue
    run = macros.run(store, volkov, "printer-paper", [key])
    assert run.tickets_done == 1 and run.tickets_failed == 0
    t = ticket_row(store, key)
    assert t.status == "resolved" and t.assignee_id == volkov.id
    kinds = [e.kind for e in events_of(store, key)]
    assert kinds[-2:] == ["taken", "resolved"]  # one event per step
    resolved = [e for e in events_of(store, key) if e.kind == "resolved"][-1]
    assert "{{" not in resolved.body and resolved.body  # the template, filled
    assert any(o.kind == "resolved" for o in outbox(store, key))


def test_a_refused_step_stops_that_ticket_only(store, actor_of):
    ivanova = actor_of("ivanova")
    ok = new_ticket(store, ivanova, subject="First").key
    cancelled = new_ticket(store, ivanova, subject="Second").key
    ticket_actions.set_status(store, ivanova, cancelled, "cancelled", note="duplicate")
    run = macros.run(store, actor_of("morozov"), "to-vendor-fn", [cancelled, ok])
    assert run.tickets_done == 1 and run.tickets_failed == 1
    steps = [(o.key, o.step, o.ok) for o in run.outcomes]
    # a note is allowed on a cancelled ticket; its priority is not, and the rest is skipped
    assert [s[1:] for s in steps if s[0] == cancelled] == [("note", True), ("priority P2", False)]
    assert [s[1:] for s in steps if s[0] == ok] == [
        ("note", True),
        ("priority P2", True),
        ("escalate L3", True),
    ]
    t = ticket_row(store, ok)
    assert t.priority == 2 and t.escalation_count == 1
    assert "stopped" in run.summary()


def test_unknown_macros_and_bad_definitions_are_clear_errors(store, actor_of):
    with pytest.raises(NotFound, match="printer-paper"):
        macros.find(store, "nope")
    cases = [
        ([], "non-empty"),
        ([{"dance": "now"}], "unknown action 'dance'"),
        ([{"status": "resolved"}], "resolve with"),
        ([{"escalate": "L3"}], "note of what was tried"),
        ([{"priority": "P7"}], "priority"),
        ([{"take": True, "reply": "x"}], "one action per step"),
        ([{"note": "Hello {{ticket.nope}}"}], "unknown placeholder"),
    ]
    for steps, message in cases:
        with pytest.raises(Invalid, match=message):
            parse_macro("bad", "Bad", steps)
