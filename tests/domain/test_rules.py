"""Automation rules, the pure part: parsing and checking a rule, and which rule events a
ticket event is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.rules import WHEN, Action, Rule, events_of, parse_rule
from helpdesk_tui.domain.vocab import EventKind


def _rule(**kw):
    args = {
        "code": "r",
        "name": "R",
        "when": "created",
        "query": "priority:P1",
        "then": [{"notify": "supervisors"}],
    }
    args.update(kw)
    return parse_rule(
        args.pop("code"),
        args.pop("name"),
        args.pop("when"),
        args.pop("query"),
        args.pop("then"),
        **args,
    )


def test_a_rule_parses_into_its_parts():
    rule = _rule(
        when=["created", "status-changed"],
        query="  priority:P1   service:pos ",
        then=[{"priority": "p2"}, {"escalate": "L3", "note": "Experts take fiscal faults."}],
    )
    assert rule.when == {"created", "status_changed"}
    assert rule.query == "priority:P1 service:pos"
    assert rule.actions == (
        Action("priority", "P2"),
        Action("escalate", "L3", "Experts take fiscal faults."),
    )
    assert Rule.from_json(rule.as_json()) == rule


def test_an_idle_rule_needs_a_duration_and_a_rule_of_its_own():
    assert _rule(when="idle", after="4h").after_s == 4 * 3600
    with pytest.raises(Invalid, match="needs `after`"):
        _rule(when="idle")
    with pytest.raises(Invalid, match="a rule of its own"):
        _rule(when=["idle", "created"], after="1h")
    with pytest.raises(Invalid, match="`after` is for"):
        _rule(after="1h")
    with pytest.raises(Invalid, match="not a duration"):
        _rule(when="idle", after="soon")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"when": "exploded"}, "unknown event 'exploded'"),
        ({"when": []}, "`when` is an event"),
        ({"query": "priority:P9"}, r"`if`: .*at character"),
        ({"query": "assignee:me"}, "assignee:me means nobody"),
        ({"query": "not (assignee:me)"}, "assignee:me means nobody"),
        ({"then": []}, "non-empty list"),
        ({"then": [{"dance": "now"}]}, "unknown action 'dance'"),
        ({"then": [{"priority": "P1", "note": "x"}]}, "one action per table"),
        ({"then": [{"priority": "urgent"}]}, "unknown priority"),
        ({"then": [{"escalate": "L3"}]}, "escalate needs a note"),
        ({"then": [{"note": "{{ticket.nope}}"}]}, "nope"),
        ({"then": [{"assign": "me"}]}, "a rule is nobody"),
        ({"then": [{"macro": ""}]}, "macro needs"),
        ({"then": [{"notify": "x"}] * 11}, "at most 10"),
    ],
)
def test_a_bad_rule_is_refused_with_the_rule_named(kw, message):
    with pytest.raises(Invalid, match=message) as err:
        _rule(**kw)
    assert str(err.value).startswith("rule 'r': ")


def test_which_rule_events_a_ticket_event_is():
    assert events_of(EventKind.CREATED, {"status", "assignee"}) == {"created"}
    assert events_of(EventKind.STATUS, {"status"}) == {"updated", "status_changed"}
    assert events_of(EventKind.REPLY, set()) == {"updated", "replied"}
    assert events_of(EventKind.CUSTOMER_REPLY, {"status"}) == {
        "updated",
        "customer_replied",
        "status_changed",
    }
    assert events_of(EventKind.ASSIGNED, {"assignee"}) == {"updated", "assigned"}
    assert events_of(EventKind.ESCALATED, {"group", "line"}) == {"updated", "escalated"}
    assert events_of(EventKind.SLA_BREACHED, {"alerts"}) == {"sla_breached"}
    assert events_of(EventKind.SLA_AT_RISK, set()) == {"sla_at_risk"}


@given(
    kind=st.sampled_from(list(EventKind)),
    changed=st.sets(st.sampled_from(["status", "assignee", "line", "priority", "group"])),
)
def test_every_event_is_known_and_never_idle(kind, changed):
    """`idle` comes from the tick, never from an event; every name is one `when` takes."""
    names = events_of(kind, changed)
    assert names <= set(WHEN) - {"idle"}
    alerts = ("created", "sla_at_risk", "sla_breached", "vendor_late")
    assert ("updated" in names) == (kind not in alerts)


def test_a_disabled_rule_reacts_to_nothing():
    rule = _rule(enabled=False)
    assert not rule.reacts_to({"created"})
    assert _rule().reacts_to({"created", "updated"})
    assert not _rule().reacts_to({"updated"})
