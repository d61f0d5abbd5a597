"""The status workflow: every transition in the table is allowed for exactly its roles,
everything else is refused, and the table has the shape PRODUCT.md promises."""

from __future__ import annotations

from collections import deque

import pytest

from helpdesk_tui.domain.errors import Invalid, NotAllowed
from helpdesk_tui.domain.vocab import Role
from helpdesk_tui.domain.workflow import (
    CUSTOMER,
    DONE,
    OPEN,
    PAUSED,
    RULE,
    SYSTEM,
    TRANSITIONS,
    Status,
    allowed_targets,
    check_transition,
    parse_status,
)

ACTORS = [*Role, CUSTOMER, SYSTEM, RULE]
ALLOWED = sorted(
    (src.value, dst.value, role) for (src, dst), roles in TRANSITIONS.items() for role in roles
)


@pytest.mark.parametrize(("src", "dst", "role"), ALLOWED)
def test_every_transition_in_the_table_is_allowed_for_its_roles(src, dst, role):
    check_transition(src, dst, role)
    assert Status(dst) in allowed_targets(src, role)


def test_every_transition_outside_the_table_is_refused():
    refused = 0
    for src in Status:
        for dst in Status:
            for role in ACTORS:
                if role in TRANSITIONS.get((src, dst), ()):
                    continue
                with pytest.raises(NotAllowed):
                    check_transition(src, dst, role)
                assert dst not in allowed_targets(src, role)
                refused += 1
    assert refused > len(ALLOWED)


@pytest.mark.parametrize("src", sorted(OPEN))
def test_an_engineer_cannot_cancel(src):
    with pytest.raises(NotAllowed, match="engineer may not"):
        check_transition(src, Status.CANCELLED, Role.ENGINEER)


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN])
def test_dispatchers_and_bosses_cancel_any_open_ticket(role):
    for src in OPEN:
        check_transition(src, Status.CANCELLED, role)


@pytest.mark.parametrize(
    ("src", "dst", "role"),
    [
        (Status.CLOSED, Status.REOPENED, Role.DISPATCHER),
        (Status.CLOSED, Status.REOPENED, Role.ENGINEER),
        (Status.CLOSED, Status.REOPENED, CUSTOMER),
        (Status.NEW, Status.CLOSED, Role.ADMIN),  # no closing without resolving
        (Status.IN_PROGRESS, Status.CLOSED, Role.SUPERVISOR),
        (Status.RESOLVED, Status.CANCELLED, Role.SUPERVISOR),
        (Status.NEW, Status.RESOLVED, CUSTOMER),
        (Status.IN_PROGRESS, Status.RESOLVED, SYSTEM),
        (Status.WAITING_VENDOR, Status.IN_PROGRESS, CUSTOMER),  # the vendor answers, not them
        (Status.NEW, Status.REOPENED, Role.SUPERVISOR),
        (Status.RESOLVED, Status.REOPENED, SYSTEM),
    ],
)
def test_a_sample_of_forbidden_moves_is_refused(src, dst, role):
    with pytest.raises(NotAllowed):
        check_transition(src, dst, role)


def test_a_closed_ticket_can_only_be_reopened_and_only_by_a_supervisor_or_admin():
    reachable = {dst for (src, dst) in TRANSITIONS if src == Status.CLOSED}
    assert reachable == {Status.REOPENED}
    assert TRANSITIONS[Status.CLOSED, Status.REOPENED] == {Role.SUPERVISOR, Role.ADMIN}


def test_a_cancelled_ticket_is_final():
    for role in ACTORS:
        assert allowed_targets(Status.CANCELLED, role) == []


def test_the_customer_may_only_confirm_reopen_or_resume():
    moves = {(src, dst) for (src, dst), roles in TRANSITIONS.items() if CUSTOMER in roles}
    assert moves == {
        (Status.RESOLVED, Status.CLOSED),
        (Status.RESOLVED, Status.REOPENED),
        (Status.WAITING_CUSTOMER, Status.IN_PROGRESS),
    }


def test_the_clock_may_only_close_resolved_tickets_and_resume_waiting_ones():
    moves = {(src, dst) for (src, dst), roles in TRANSITIONS.items() if SYSTEM in roles}
    assert (Status.RESOLVED, Status.CLOSED) in moves
    assert all(dst in (Status.CLOSED, Status.IN_PROGRESS) for _, dst in moves)


def test_open_and_done_split_the_statuses_and_only_waiting_for_the_customer_pauses():
    assert set(Status) == OPEN | DONE
    assert not OPEN & DONE
    assert {Status.WAITING_CUSTOMER} == PAUSED


def test_every_open_status_can_reach_resolved_and_closed():
    graph: dict[Status, set[Status]] = {}
    for src, dst in TRANSITIONS:
        graph.setdefault(src, set()).add(dst)
    for start in OPEN:
        seen, todo = {start}, deque([start])
        while todo:
            for nxt in graph.get(todo.popleft(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert {Status.RESOLVED, Status.CLOSED, Status.CANCELLED} <= seen, start


def test_allowed_targets_come_in_workflow_order():
    targets = allowed_targets(Status.IN_PROGRESS, Role.SUPERVISOR)
    assert targets == [
        Status.NEW,
        Status.ASSIGNED,
        Status.WAITING_CUSTOMER,
        Status.WAITING_VENDOR,
        Status.RESOLVED,
        Status.CANCELLED,
    ]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("in_progress", Status.IN_PROGRESS),
        ("In progress", Status.IN_PROGRESS),
        ("in-progress", Status.IN_PROGRESS),
        ("progress", Status.IN_PROGRESS),
        ("waiting", Status.WAITING_CUSTOMER),
        (" WAITING-VENDOR ", Status.WAITING_VENDOR),
        ("closed", Status.CLOSED),
    ],
)
def test_statuses_are_read_the_way_people_type_them(text, status):
    assert parse_status(text) == status


@pytest.mark.parametrize("text", ["open", "done", "", "in progres"])
def test_an_unknown_status_is_refused_with_the_list_of_statuses(text):
    with pytest.raises(Invalid, match="use one of new, assigned"):
        parse_status(text)


def test_an_unknown_status_in_a_check_names_the_unknown_one():
    with pytest.raises(Invalid, match="'finished'"):
        check_transition(Status.NEW, "finished", Role.ADMIN)
    with pytest.raises(Invalid, match="'archived'"):
        check_transition("archived", Status.NEW, Role.ADMIN)
