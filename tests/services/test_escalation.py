"""Escalation: functional (another line or group, with a note of what was tried, the
assignee left behind) and hierarchical (a supervisor is told)."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain.errors import Invalid, NotAllowed, NotFound
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.escalation import escalate, tell_supervisor
from helpdesk_tui.store import models as m
from tests.services._helpers import counts, events_of, login_of, msk, new_ticket, outbox, ticket_row

NOTE = "Rebooted the printer, reseated the cable, test print fails"
FRI_11, FRI_12 = msk(2025, 3, 14, 11), msk(2025, 3, 14, 12)


@pytest.fixture
def printer(store, actor_of) -> str:
    """A receipt-printer call in l2-hardware, assigned to lebedev and in progress."""
    key = new_ticket(store, actor_of("ivanova")).key
    act.set_status(store, actor_of("lebedev"), key, "in_progress", now=FRI_11)
    return key


def where(store, key: str) -> tuple[str, str, str | None, str]:
    row = ticket_row(store, key)
    with store.read() as s:
        group = s.get(m.SupportGroup, row.group_id).code
        line = s.get(m.Line, row.line_id).code
    return line, group, login_of(store, row.assignee_id), row.status


def test_escalating_to_line_3_moves_the_ticket_and_leaves_the_assignee_behind(
    store, actor_of, printer
):
    done = escalate(store, actor_of("lebedev"), printer, "L3", NOTE, now=FRI_12)
    assert done.message == f"{printer} escalated to L3/l3-experts"
    assert where(store, printer) == ("L3", "l3-experts", None, "new")  # experts pick by hand
    row = ticket_row(store, printer)
    assert row.escalation_count == 1
    event = events_of(store, printer)[-1]
    assert (event.kind, event.body, event.public) == ("escalated", NOTE, False)
    assert event.changes == {
        "status": ["in_progress", "new"],
        "line": ["L2", "L3"],
        "group": ["l2-hardware", "l3-experts"],
        "assignee": ["lebedev", None],
        "escalation_count": [0, 1],
    }


def test_the_clocks_keep_running_through_an_escalation(store, actor_of, printer):
    before = ticket_row(store, printer)
    escalate(store, actor_of("lebedev"), printer, "l3-experts", NOTE, now=FRI_12)
    after = ticket_row(store, printer)
    assert (after.response_due, after.resolution_due, after.created_at) == (
        before.response_due,
        before.resolution_due,
        before.created_at,
    )


def test_the_former_assignee_can_no_longer_work_on_it_and_the_new_line_can(
    store, actor_of, printer
):
    escalate(store, actor_of("lebedev"), printer, "L3", NOTE)
    with pytest.raises(NotAllowed, match="l3-experts, which lebedev is not in"):
        act.note(store, actor_of("lebedev"), printer, "one more thing")
    assert act.take(store, actor_of("vasiliev"), printer).assignee == "vasiliev"


def test_escalating_again_counts_again(store, actor_of, printer):
    escalate(store, actor_of("lebedev"), printer, "L3", NOTE)
    escalate(store, actor_of("morozov"), printer, "vendor-atol", "Experts: the board is dead")
    assert where(store, printer)[:2] == ("L4", "vendor-atol")
    assert ticket_row(store, printer).escalation_count == 2


def test_de_escalation_goes_back_down_without_counting(store, actor_of, printer):
    escalate(store, actor_of("lebedev"), printer, "L3", NOTE)
    done = escalate(
        store,
        actor_of("vasiliev"),
        printer,
        "l2-hardware",
        "Firmware reflashed; now a plain hardware swap",
    )
    assert done.message == f"{printer} de-escalated to L2/l2-hardware"
    assert ticket_row(store, printer).escalation_count == 1
    assert events_of(store, printer)[-1].kind == "deescalated"


def test_the_new_group_may_offer_the_ticket_to_one_of_its_engineers(store, actor_of):
    key = new_ticket(store, actor_of("ivanova"), service="pos").key  # l2-software, petrov
    escalate(store, actor_of("petrov"), key, "L3", "Reinstalled the POS client, same crash")
    done = escalate(store, actor_of("vasiliev"), key, "l2-software", "Patched the database")
    # petrov and smirnov have the skill and no other work: ties go to the first login
    assert (done.assignee, done.status) == ("petrov", "assigned")
    mail = outbox(store, key, "assigned")[-1]
    assert mail.to_addr == "petrov@desk.example"
    assert "Patched the database" in mail.body


def test_a_move_to_another_group_of_the_same_line_is_not_a_de_escalation(store, actor_of, printer):
    done = escalate(
        store,
        actor_of("lebedev"),
        printer,
        "l2-network",
        "Printer is on the LAN; the switch port is dead",
    )
    assert done.message == f"{printer} moved to L2/l2-network"
    event = events_of(store, printer)[-1]
    assert event.kind == "escalated"
    assert ticket_row(store, printer).escalation_count == 0


def test_de_escalating_to_a_line_uses_the_routing_rules_of_the_ticket(store, actor_of):
    # a fiscal drive at a shop: the rules send it to the hardware engineers, not software
    key = new_ticket(store, actor_of("ivanova"), service="fiscal-drive").key
    assert where(store, key)[:2] == ("L2", "l2-hardware")
    escalate(store, actor_of("sokolova"), key, "L3", "Needs re-registration with the FNS")
    escalate(store, actor_of("pavlova"), key, "L2", "Registered; the shop needs a new FN kit")
    assert where(store, key)[:2] == ("L2", "l2-hardware")


@pytest.mark.parametrize(
    ("target", "note", "error", "message"),
    [
        ("L3", "", Invalid, "the note of what was tried is empty"),
        ("L3", "tried", Invalid, "at least 10 characters"),
        ("L3", "   tried    ", Invalid, "at least 10 characters"),
        ("l2-hardware", NOTE, Invalid, "already in l2-hardware"),
        ("L7", NOTE, NotFound, "unknown line 'L7'"),
    ],
)
def test_a_bad_escalation_is_refused_and_changes_nothing(
    store, actor_of, printer, target, note, error, message
):
    before, version = counts(store), ticket_row(store, printer).version
    with pytest.raises(error, match=message):
        escalate(store, actor_of("lebedev"), printer, target, note)
    assert counts(store) == before
    assert ticket_row(store, printer).version == version


def test_an_engineer_of_another_group_cannot_escalate_it(store, actor_of, printer):
    with pytest.raises(NotAllowed, match="which petrov is not in"):
        escalate(store, actor_of("petrov"), printer, "L3", NOTE)


def test_a_resolved_ticket_is_not_escalated(store, actor_of, printer):
    act.resolve(store, actor_of("lebedev"), printer, "Works now")
    with pytest.raises(NotAllowed, match="cannot escalate it"):
        escalate(store, actor_of("lebedev"), printer, "L3", NOTE)


# ------------------------------------------------------------------------ hierarchical


def test_telling_a_supervisor_mails_the_groups_supervisors_and_leaves_the_ticket(
    store, actor_of, printer
):
    before = ticket_row(store, printer)
    done = tell_supervisor(store, actor_of("lebedev"), printer, "Customer threatens to leave")
    assert done.message == f"morozov told about {printer}"
    [mail] = outbox(store, printer, "supervisor")
    assert mail.to_addr == "morozov@desk.example"
    assert "Customer threatens to leave" in mail.body
    assert printer in mail.subject
    after = ticket_row(store, printer)
    assert (after.group_id, after.assignee_id, after.status) == (
        before.group_id,
        before.assignee_id,
        before.status,
    )
    event = events_of(store, printer)[-1]
    assert (event.kind, event.changes, event.public) == ("supervisor", {}, False)


def test_a_dispatch_ticket_goes_to_the_line_1_supervisor(store, actor_of):
    key = new_ticket(store, actor_of("ivanova"), service="question").key
    tell_supervisor(store, actor_of("ivanova"), key, "Caller insists on talking to a boss")
    assert [o.to_addr for o in outbox(store, key, "supervisor")] == ["sokolova@desk.example"]


def test_telling_a_supervisor_needs_a_reason(store, actor_of, printer):
    before = counts(store)
    with pytest.raises(Invalid, match="reason is empty"):
        tell_supervisor(store, actor_of("lebedev"), printer, " ")
    assert counts(store) == before
