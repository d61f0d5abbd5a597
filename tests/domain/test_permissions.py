"""The permission table: one row per action, a cell per role, the workflow's moves taken
from the workflow, and the README's copy of it kept equal to the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpdesk_tui.domain import permissions as p
from helpdesk_tui.domain.errors import NotAllowed
from helpdesk_tui.domain.permissions import Access
from helpdesk_tui.domain.vocab import Role
from helpdesk_tui.domain.workflow import CUSTOMER, RULE, SYSTEM, TRANSITIONS, Status

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_action_has_one_row_and_a_cell_for_every_role():
    actions = [r.action for r in p.RULES]
    assert len(actions) == len(set(actions))
    for rule in p.RULES:
        assert set(rule.access) == set(Role), rule.action
        assert rule.others <= {CUSTOMER, SYSTEM, RULE}, rule.action
        assert rule.title and rule.title[0].isupper(), rule.action


@pytest.mark.parametrize("rule", [r for r in p.RULES if r.moves], ids=lambda r: r.action)
def test_the_workflow_rows_say_what_the_workflow_lets_each_role_do(rule):
    for role in Role:
        can = any(
            role in roles
            for (src, dst), roles in TRANSITIONS.items()
            for want_src, want_dst in rule.moves
            if dst == want_dst and want_src in (None, src)
        )
        assert (rule.of(role) != Access.NO) == can, (rule.action, role)
        if can:  # like every ticket action: engineers on their groups' tickets
            assert rule.of(role) == (Access.GROUP if role == Role.ENGINEER else Access.ANY)


def test_a_refused_workflow_move_names_the_move():
    with pytest.raises(
        NotAllowed, match="an engineer may not move a ticket from in progress to cancelled"
    ):
        p.require(Role.ENGINEER, "ticket.cancel", status=Status.IN_PROGRESS)
    with pytest.raises(NotAllowed, match="may not cancel a ticket"):
        p.require(Role.ENGINEER, "ticket.cancel")


def test_reach_of_each_kind_of_cell():
    assert p.require(Role.ENGINEER, "ticket.take") == Access.GROUP
    assert p.require(Role.DISPATCHER, "ticket.take") == Access.ANY
    assert p.require(Role.ENGINEER, "agent.shift", own=True) == Access.SELF
    with pytest.raises(NotAllowed, match="only for themselves"):
        p.require(Role.ENGINEER, "agent.shift", own=False)
    with pytest.raises(NotAllowed, match="an engineer may not open the supervisor board"):
        p.require(Role.ENGINEER, "board.view")


def test_the_customer_and_the_system_only_do_what_their_columns_say():
    assert p.allows(CUSTOMER, "ticket.confirm") and p.allows(CUSTOMER, "ticket.register")
    assert p.allows(SYSTEM, "ticket.close") and not p.allows(SYSTEM, "ticket.confirm")
    assert not p.allows(CUSTOMER, "ticket.note") and not p.allows(SYSTEM, "ticket.note")
    with pytest.raises(NotAllowed, match="the customer may not add an internal note"):
        p.require(CUSTOMER, "ticket.note")


def test_a_rule_routes_and_tells_but_never_works_a_ticket():
    for action in ("ticket.assign", "ticket.escalate", "ticket.priority", "ticket.note"):
        assert p.allows(RULE, action), action
    for action in ("ticket.take", "ticket.reply", "ticket.resolve", "ticket.cancel"):
        assert not p.allows(RULE, action), action
    with pytest.raises(NotAllowed, match="the rule may not reply to the customer"):
        p.require(RULE, "ticket.reply")


def test_unknown_roles_and_actions():
    assert not p.allows("intern", "ticket.take")
    with pytest.raises(KeyError, match=r"no action 'ticket\.fly'"):
        p.rule("ticket.fly")


def test_the_markdown_table_has_a_row_per_action_and_a_column_per_role():
    table = p.markdown_table().splitlines()
    head = [c.strip() for c in table[0].strip("|").split("|")]
    assert head[2:6] == list(Role) and head[6:9] == [CUSTOMER, SYSTEM, RULE]
    rows = [line for line in table[2:] if line.startswith("| `")]
    assert [re.match(r"\| `([^`]+)`", r)[1] for r in rows] == [r.action for r in p.RULES]
    assert all(line.count("|") == len(head) + 1 for line in table), "ragged table"


def _readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- permissions:start -->") + len("<!-- permissions:start -->")
    end = text.index("<!-- permissions:end -->")
    return text[start:end].strip()


def test_the_readme_shows_the_table_in_the_code():
    """Edit domain/permissions.py, then paste `python -m helpdesk_tui.domain.permissions`
    between the README's permissions markers."""
    assert _readme_section() == p.readme_section()
