"""Automation rules on both stores: fired in the transaction of the change that set them
off, matched with the queue's own SQL, never looping, failing alone, idle rules fired once
per quiet stretch by the tick, and a dry run that writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.services import automation, escalation
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.setup import load_data, reference_dir
from helpdesk_tui.services.sla_tick import tick
from helpdesk_tui.services.vendor_cases import VendorTerms
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import JoinedStore, before_commit
from tests.services._helpers import FRI_10, counts, events_of, msk, new_ticket, outbox, ticket_row

H = timedelta(hours=1)


def load_rules(store, tmp_path: Path, text: str) -> None:
    """Only `rules.toml` in a directory of its own: the rules replace the store's."""
    folder = tmp_path / "rules-data"
    folder.mkdir(exist_ok=True)
    (folder / "rules.toml").write_text(text, encoding="utf-8")
    load_data(store, folder)


def timeline(store, key: str) -> list[tuple[str, str]]:
    return [(e.kind, e.actor_kind) for e in events_of(store, key)]


def rule_bodies(store, key: str) -> list[str]:
    return [e.body for e in events_of(store, key) if e.kind == "rule"]


@pytest.fixture
def shipped(store):
    load_data(store, reference_dir())
    return store


def test_the_shipped_rules_load_in_their_order_and_run_against_the_data(shipped):
    rules = automation.list_rules(shipped)
    assert [r.code for r in rules] == [
        "p1-supervisors",
        "complaint-p2",
        "fiscal-breach-experts",
        "at-risk-unassigned",
        "customer-wrote-vendor-wait",
        "quiet-urgent",
        "vendor-silent",
        "vendor-late",
    ]
    assert all(automation.problem(shipped, r) == "" for r in rules)


def test_a_vendor_s_passed_promise_sets_off_the_vendor_late_rule(shipped, actor_of):
    """The SLA tick records the passed promise; the rule tells the holder and notes it, in
    the tick's transaction, once."""
    key = new_ticket(shipped, actor_of("ivanova")).key
    act.set_status(shipped, actor_of("lebedev"), key, "in_progress", now=FRI_10)
    promise = msk(2025, 3, 18, 18)
    escalation.escalate(
        shipped,
        actor_of("lebedev"),
        key,
        "vendor-atol",
        "Replaced the cable; the board does not power up",
        vendor=VendorTerms(case="ATOL-55812", promised=promise, contact="Сервис АТОЛ"),
        now=FRI_10 + H,
    )
    assert "rule" not in [k for k, _ in timeline(shipped, key)]
    assert tick(shipped, now=promise + H).vendor_late == 1
    kinds = [k for k, _ in timeline(shipped, key)]
    assert kinds[-3:] == ["vendor_late", "rule", "note"]
    assert "vendor-late" in rule_bodies(shipped, key)[-1]
    assert events_of(shipped, key)[-1].body.startswith("The vendor's promised date passed")
    assert outbox(shipped, key, "rule")  # the holder was told
    assert tick(shipped, now=promise + 2 * H).vendor_late == 0  # once per promise
    assert [k for k, _ in timeline(shipped, key)].count("vendor_late") == 1


def test_a_p1_tells_the_supervisors_in_the_registering_transaction(shipped, actor_of):
    key = new_ticket(shipped, actor_of("ivanova"), impact=1, urgency=1).key
    assert timeline(shipped, key) == [("created", "agent"), ("rule", "rule"), ("note", "rule")]
    rule_event = events_of(shipped, key)[1]
    assert rule_event.body.startswith("p1-supervisors: A P1 is registered")
    assert "told morozov" in rule_event.body
    assert events_of(shipped, key)[2].body == f"P1 registered: the supervisors of {key} were told."
    [notice] = outbox(shipped, key, "rule")
    assert notice.to_addr == "morozov@desk.example" and key in notice.subject
    # a P4 printer call matches no rule: nothing but its registration
    other = new_ticket(shipped, actor_of("ivanova")).key
    assert timeline(shipped, other) == [("created", "agent")]


def test_a_complaint_is_raised_to_p2_with_deadlines_recomputed(shipped, actor_of):
    key = new_ticket(shipped, actor_of("ivanova"), type="complaint").key
    t = ticket_row(shipped, key)
    assert t.priority == 2 and t.version == 2
    assert [k for k, _ in timeline(shipped, key)] == ["created", "rule", "priority"]
    assert t.resolution_due < msk(2025, 3, 20, 14)  # no longer a P4's


def test_a_breach_on_line_2_hands_a_fiscal_fault_to_the_experts(shipped, actor_of):
    key = new_ticket(shipped, actor_of("ivanova"), service="fiscal-drive").key
    tick(shipped, now=msk(2025, 3, 28, 12))
    kinds = [k for k, _ in timeline(shipped, key)]
    breach = kinds.index("sla_breached")
    assert kinds[breach + 1 : breach + 3] == ["rule", "escalated"]
    t = ticket_row(shipped, key)
    with shipped.read() as s:
        assert s.get(m.Line, t.line_id).code == "L3"
    assert outbox(shipped, key, "rule")


def test_the_query_is_the_queue_s_own(store, actor_of, tmp_path):
    """`age>2h` and a customer name are resolved exactly as in the queue, in SQL."""
    load_rules(
        store,
        tmp_path,
        """
[[rule]]
code = "old-produkty"
name = "Old produkty24 calls"
when = "updated"
if = 'age>2h customer:produkty24 -status:waiting'
then = [{ note = "Old call touched." }]
""",
    )
    ivanova = actor_of("ivanova")
    key = new_ticket(store, ivanova).key
    act.note(store, ivanova, key, "an hour later", now=FRI_10 + H)
    assert rule_bodies(store, key) == []
    act.note(store, ivanova, key, "three hours later", now=FRI_10 + 3 * H)
    [body] = rule_bodies(store, key)
    assert body.endswith(f"note added to {key}")
    act.set_status(store, actor_of("lebedev"), key, "waiting_customer", now=FRI_10 + 4 * H)
    assert len(rule_bodies(store, key)) == 1  # waiting: no longer matches


RULES_ON_UPDATES = """
[[rule]]
code = "raise"
name = "Raise P4s"
when = "updated"
if = "priority:P4"
then = [{ priority = "P3" }]

[[rule]]
code = "watch"
name = "Note every change"
when = ["updated", "status_changed"]
then = [{ note = "Seen by the watch rule." }]
"""


def test_rules_never_react_to_rules(store, actor_of, tmp_path):
    load_rules(store, tmp_path, RULES_ON_UPDATES)
    key = new_ticket(store, actor_of("ivanova")).key
    act.set_status(store, actor_of("lebedev"), key, "in_progress", now=FRI_10 + H)
    kinds = timeline(store, key)
    # the agent's change fired each rule once; neither reacted to the other's change
    assert kinds == [
        ("created", "agent"),
        ("status", "agent"),
        ("rule", "rule"),
        ("priority", "rule"),
        ("rule", "rule"),
        ("note", "rule"),
    ]
    assert ticket_row(store, key).priority == 3
    # the next agent change: `raise` no longer matches, `watch` fires once more
    act.note(store, actor_of("lebedev"), key, "working", now=FRI_10 + 2 * H)
    assert [b.split(":")[0] for b in rule_bodies(store, key)] == ["raise", "watch", "watch"]


def test_a_transaction_fires_a_bounded_number_of_rules(store, actor_of, tmp_path, monkeypatch):
    load_rules(store, tmp_path, RULES_ON_UPDATES)
    monkeypatch.setattr(automation, "MAX_FIRINGS", 1)
    key = new_ticket(store, actor_of("ivanova")).key
    act.set_status(store, actor_of("lebedev"), key, "in_progress", now=FRI_10 + H)
    assert [b.split(":")[0] for b in rule_bodies(store, key)] == ["raise"]


def test_a_rule_s_work_rolls_back_with_the_change_that_set_it_off(store, actor_of, tmp_path):
    load_rules(store, tmp_path, RULES_ON_UPDATES)
    key = new_ticket(store, actor_of("ivanova")).key
    before = counts(store)
    seen: list[int] = []

    def then_fail(_store, session):
        # by now the rules have fired in this very transaction ...
        seen.append(
            len(session.exec(select(m.TicketEvent).where(m.TicketEvent.kind == "rule")).all())
        )
        raise RuntimeError("the disk caught fire")

    with pytest.raises(RuntimeError), store.write() as s:
        act.note(JoinedStore(store, s), actor_of("lebedev"), key, "a note", now=FRI_10 + H)
        before_commit(s, "zz-fail", then_fail)
    assert seen == [2]
    # ... and all of it is gone with the agent's note
    assert counts(store) == before
    assert ticket_row(store, key).priority == 4


def test_a_failing_rule_records_why_and_leaves_the_agent_s_change(store, actor_of, tmp_path):
    load_rules(
        store,
        tmp_path,
        """
[[rule]]
code = "wrong-line"
name = "Move printer calls to the experts' group"
when = "replied"
then = [
  { note = "Moving it." },
  { group = "l3-experts" },
]
""",
    )
    key = new_ticket(store, actor_of("ivanova")).key
    act.reply(store, actor_of("lebedev"), key, "We are on it.", now=FRI_10 + H)
    kinds = [k for k, _ in timeline(store, key)]
    assert kinds == ["created", "reply", "rule"]  # the rule's note was undone with it
    [body] = rule_bodies(store, key)
    assert "failed: group l3-experts" in body and "use escalate to change lines" in body
    assert ticket_row(store, key).first_response_at is not None  # the reply stands


def test_a_rule_may_not_work_a_ticket(store, actor_of, tmp_path):
    """A rule routes and tells; a macro that takes or replies is refused as the rule."""
    load_rules(
        store,
        tmp_path,
        """
[[rule]]
code = "paper"
name = "Out of paper: run the macro"
when = "created"
then = [{ macro = "printer-paper" }]
""",
    )
    key = new_ticket(store, actor_of("ivanova")).key
    [body] = rule_bodies(store, key)
    assert "failed: macro printer-paper: the rule may not take a ticket" in body
    assert ticket_row(store, key).status == "assigned"


def test_idle_rules_fire_once_per_quiet_stretch(store, actor_of, tmp_path):
    load_rules(
        store,
        tmp_path,
        """
[[rule]]
code = "quiet"
name = "Quiet for two hours"
when = "idle"
after = "2h"
if = "status:open"
then = [{ notify = "assignee" }]
""",
    )
    key = new_ticket(store, actor_of("ivanova"), now=FRI_10).key
    # answered at once: no SLA alert (itself a change) comes due for days
    t0 = FRI_10 + timedelta(minutes=10)
    act.reply(store, actor_of("lebedev"), key, "Looking into it.", now=t0)
    assert tick(store, now=t0 + H).rules == 0  # the first check only notes the time
    assert tick(store, now=t0 + 90 * timedelta(minutes=1)).rules == 0
    assert tick(store, now=t0 + 3 * H).rules == 1
    assert tick(store, now=t0 + 4 * H).rules == 0  # the same stretch: once
    [notice] = outbox(store, key, "rule")
    assert notice.to_addr == "lebedev@desk.example"
    assert timeline(store, key)[-1] == ("rule", "rule")
    # somebody touches it: a new stretch, fired again when it passes two hours
    act.note(store, actor_of("lebedev"), key, "still here", now=t0 + 5 * H)
    assert tick(store, now=t0 + 6 * H).rules == 0
    assert tick(store, now=t0 + 8 * H).rules == 1
    # a cancelled ticket is no longer idle
    act.set_status(store, actor_of("ivanova"), key, "cancelled", note="dup", now=t0 + 9 * H)
    assert tick(store, now=t0 + 12 * H).rules == 0


def test_the_idle_window_is_read_from_the_open_tickets_index(sqlite_store):
    from sqlalchemy import text

    with sqlite_store.read() as s:
        plan = s.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT updated_at, id FROM ticket WHERE is_open IS 1 "
                "AND updated_at > :a AND updated_at <= :b ORDER BY updated_at, id"
            ),
            {"a": "2025-01-01", "b": "2025-02-01"},
        ).all()
    detail = " ".join(str(row[-1]) for row in plan)
    assert "ix_ticket_open_updated" in detail and "TEMP B-TREE" not in detail


def test_a_dry_run_says_what_would_happen_and_writes_nothing(shipped, actor_of):
    ivanova = actor_of("ivanova")
    p1 = new_ticket(shipped, ivanova, impact=1, urgency=1, now=FRI_10).key
    p4 = new_ticket(shipped, ivanova, now=FRI_10).key
    before = counts(shipped)
    firing = automation.test(shipped, "p1-supervisors", p1)
    assert firing.matched and firing.ok
    assert firing.done == ["told morozov", f"note added to {p1}"]
    assert not automation.test(shipped, "p1-supervisors", p4).matched
    assert counts(shipped) == before
    with pytest.raises(Exception, match="no rule 'nope'"):
        automation.test(shipped, "nope", p1)


def test_rule_files_are_checked_with_the_line_named(store, tmp_path):
    bad = {
        'if = "priority:P1"': ('if = "priority:P9"', r"rules.toml:\d+: rule 'r': `if`: "),
        '{ notify = "supervisors" }': (
            '{ notify = "nobody-here" }',
            r"rules.toml:\d+: rule 'r': action 1: notify: unknown 'nobody-here'",
        ),
        'when = "created"': ('when = "sometimes"', "unknown event 'sometimes'"),
    }
    good = """
[[rule]]
code = "r"
name = "R"
when = "created"
if = "priority:P1"
then = [{ notify = "supervisors" }]
"""
    load_rules(store, tmp_path, good)
    for old, (new, message) in bad.items():
        with pytest.raises(Invalid, match=message):
            load_rules(store, tmp_path, good.replace(old, new))
    with pytest.raises(Invalid, match="unknown field 'iff'"):
        load_rules(store, tmp_path, good.replace("if =", "iff ="))
    with pytest.raises(Invalid, match="defined twice"):
        load_rules(store, tmp_path, good + good)
    assert [r.code for r in automation.list_rules(store)] == ["r"]  # the good one stands


def test_escalation_by_a_rule_is_the_service_s_own(store, actor_of, tmp_path):
    """What `escalate` checks for an agent it checks for a rule: a note, a real target."""
    key = new_ticket(store, actor_of("ivanova")).key
    actor = automation.rule_actor(_stub_rule())
    with pytest.raises(Invalid, match="what was already tried"):
        escalation.escalate(store, actor, key, "L3", "short")
    changed = escalation.escalate(store, actor, key, "L3", "Experts take these, by rule.")
    assert changed.message.startswith(f"{key} escalated to L3")
    assert timeline(store, key)[-1] == ("escalated", "rule")


def _stub_rule():
    from helpdesk_tui.domain.rules import parse_rule

    return parse_rule("stub", "Stub", "created", "", [{"notify": "supervisors"}])
