"""What agents and customers do to a ticket, and what it does to the clocks and the mail.

The ticket under test is mostly a P3 receipt-printer call from produkty24 (silver plan,
Moscow business hours) registered Friday 14 March 2025 10:00 and offered to lebedev:
response due Fri 14:00, resolution due Thu 20 March 14:00.
"""

from __future__ import annotations

from datetime import UTC

import pytest

from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.agents import set_on_shift
from tests.services._helpers import (
    FRI_10,
    KRAVCHENKO,
    H,
    counts,
    events_of,
    login_of,
    msk,
    new_ticket,
    outbox,
    ticket_row,
)

FRI_11, FRI_12, FRI_15, FRI_16 = (msk(2025, 3, 14, h) for h in (11, 12, 15, 16))
MON = lambda hour, minute=0: msk(2025, 3, 17, hour, minute)  # noqa: E731
RESPONSE_DUE = msk(2025, 3, 14, 14)
RESOLUTION_DUE = msk(2025, 3, 20, 14)


@pytest.fixture
def agents(actor_of):
    return actor_of


@pytest.fixture
def p3(store, agents) -> str:
    """The P3 printer call, assigned to lebedev."""
    done = new_ticket(store, agents("ivanova"), impact=2, urgency=2)
    assert (done.assignee, done.response_due, done.resolution_due) == (
        "lebedev",
        RESPONSE_DUE,
        RESOLUTION_DUE,
    )
    return done.key


@pytest.fixture
def queued(store, agents) -> str:
    """An unassigned ticket in l2-hardware's queue (everybody there off shift)."""
    admin = agents("admin")
    for login in ("volkov", "lebedev", "novikova"):
        set_on_shift(store, admin, login, False)
    done = new_ticket(store, agents("ivanova"))
    assert done.assignee is None
    for login in ("volkov", "lebedev", "novikova"):
        set_on_shift(store, admin, login, True)
    return done.key


def mails(store, key: str) -> list[tuple[str, str]]:
    return [(o.kind, o.to_addr) for o in outbox(store, key)]


# --------------------------------------------------------------------------- pausing


def test_waiting_for_the_customer_over_a_weekend_moves_the_deadline_by_the_business_time_paused(
    store, agents, p3
):
    lebedev = agents("lebedev")
    act.set_status(store, lebedev, p3, "in_progress", now=FRI_10)
    act.reply(store, lebedev, p3, "Which cash desk is it?", now=FRI_11)
    act.set_status(store, lebedev, p3, "waiting_customer", now=FRI_16)
    paused = ticket_row(store, p3)
    assert paused.paused_at == FRI_16
    assert paused.next_alert_at is None  # nothing to warn about while we wait
    assert paused.resolution_due == RESOLUTION_DUE

    act.customer_reply(store, p3, "Cash desk 3", now=MON(11))
    row = ticket_row(store, p3)
    assert row.status == "in_progress"
    assert row.paused_at is None
    assert row.paused_s == 4 * H  # Fri 16-18 and Mon 09-11; the weekend is not counted
    assert row.resolution_due == msk(2025, 3, 20, 18)  # Thu 14:00 + 4 business hours
    # the update clock (from the registration, Fri 10:00; 9 business hours less the pause)
    # is nearer than the resolution's
    assert row.next_alert_at == min(row.resolution_risk_at, row.update_risk_at)
    changes = events_of(store, p3)[-1].changes
    assert changes["status"] == ["waiting_customer", "in_progress"]
    assert changes["paused_s"] == [0, 4 * H]


def test_a_pause_before_the_first_answer_moves_the_response_deadline_too(store, agents, p3):
    lebedev = agents("lebedev")
    act.set_status(store, lebedev, p3, "waiting_customer", now=FRI_12)
    act.set_status(store, lebedev, p3, "in_progress", now=MON(10))
    row = ticket_row(store, p3)
    assert row.paused_s == 7 * H
    assert row.response_due == MON(12)  # Fri 14:00 + 7 h: Fri 14-18, Mon 09-12
    assert row.resolution_due == msk(2025, 3, 21, 12)


def test_a_pause_outside_working_hours_changes_no_deadline(store, agents, p3):
    lebedev = agents("lebedev")
    act.reply(store, lebedev, p3, "Looking", now=FRI_11)
    act.set_status(store, lebedev, p3, "waiting_customer", now=MON(19))
    act.set_status(store, lebedev, p3, "in_progress", now=msk(2025, 3, 18, 8, 30))
    row = ticket_row(store, p3)
    assert row.paused_s == 0
    assert row.resolution_due == RESOLUTION_DUE


def test_waiting_for_a_vendor_does_not_stop_the_clock(store, agents, p3):
    lebedev = agents("lebedev")
    act.set_status(store, lebedev, p3, "waiting_vendor", now=FRI_12)
    act.set_status(store, lebedev, p3, "in_progress", now=MON(10))
    row = ticket_row(store, p3)
    assert (row.paused_s, row.paused_at) == (0, None)
    assert row.resolution_due == RESOLUTION_DUE


def test_a_customer_reply_resumes_a_ticket_waiting_for_them(store, agents, p3):
    act.set_status(store, agents("lebedev"), p3, "waiting_customer", now=FRI_12)
    act.customer_reply(store, p3, "Here is the photo", now=FRI_15)
    row = ticket_row(store, p3)
    assert row.status == "in_progress"
    assert row.paused_s == 3 * H
    event = events_of(store, p3)[-1]
    assert (event.kind, event.public, event.actor_kind) == ("customer_reply", True, "customer")


def test_a_customer_reply_to_a_working_ticket_changes_only_the_timeline(store, agents, p3):
    before = ticket_row(store, p3)
    act.customer_reply(store, p3, "Any news?", now=FRI_12)
    after = ticket_row(store, p3)
    assert after.status == before.status == "assigned"
    assert after.version == before.version + 1
    assert events_of(store, p3)[-1].changes == {}


# --------------------------------------------------------------------------- replying


def test_the_first_reply_answers_the_response_clock_once(store, agents, p3):
    lebedev = agents("lebedev")
    act.reply(store, lebedev, p3, "We are on it", now=FRI_11)
    act.reply(store, lebedev, p3, "Still on it", now=FRI_12)
    row = ticket_row(store, p3)
    assert row.first_response_at == FRI_11
    assert row.response_due == RESPONSE_DUE
    # the queue now sorts by the nearer of the resolution and the next update (each reply
    # restarts the update clock: 9 business hours from the last one, Fri 12:00)
    assert row.update_due == msk(2025, 3, 17, 12)  # Fri 12-18, Mon 09-12
    assert (row.updates_on_time, row.updates_late) == (2, 0)
    assert row.due_at == min(RESOLUTION_DUE, row.update_due) == row.update_due
    first, second = events_of(store, p3)[-2:]
    assert first.changes["first_response_at"] == [None, FRI_11.astimezone(UTC).isoformat()]
    assert "first_response_at" not in second.changes
    replies = outbox(store, p3, "reply")
    assert [(o.to_addr, o.body) for o in replies] == [
        (KRAVCHENKO, "We are on it"),
        (KRAVCHENKO, "Still on it"),
    ]
    assert all(f"[{p3}]" in o.subject for o in replies)


def test_an_internal_note_is_never_mailed(store, agents, p3):
    mail_before = counts(store).outbox
    act.note(store, agents("lebedev"), p3, "Customer was rude; the printer is fine")
    act.note(store, agents("ivanova"), p3, "Called back, no answer")
    assert counts(store).outbox == mail_before
    notes = [e for e in events_of(store, p3) if e.kind == "note"]
    assert [n.public for n in notes] == [False, False]
    assert ticket_row(store, p3).first_response_at is None  # a note is not an answer


def test_empty_words_are_refused(store, agents, p3):
    before = counts(store)
    for action in (act.reply, act.note, act.resolve):
        with pytest.raises(Invalid, match="empty"):
            action(store, agents("lebedev"), p3, " \n ")
    with pytest.raises(Invalid, match="empty"):
        act.customer_reply(store, p3, "")
    assert counts(store) == before


# --------------------------------------------------------------------------- resolving


def test_resolving_starts_the_auto_close_countdown_and_asks_the_customer(store, agents, p3):
    act.resolve(store, agents("lebedev"), p3, "Replaced the print head", now=FRI_15)
    row = ticket_row(store, p3)
    assert row.status == "resolved"
    assert row.is_open is False
    assert row.resolved_at == FRI_15
    assert row.first_response_at == FRI_15  # resolving answers too
    assert row.auto_close_at == msk(2025, 3, 19, 15)  # silver: 3 business days
    assert row.due_at is None and row.next_alert_at is None
    assert row.resolution == "Replaced the print head"
    [notice] = outbox(store, p3, "resolved")
    assert notice.to_addr == KRAVCHENKO
    assert "Replaced the print head" in notice.body
    assert f"[{p3}]" in notice.subject


def test_a_bronze_customer_gets_five_business_days_to_answer(store, agents):
    done = new_ticket(store, agents("ivanova"), contact="laura.bennett@northwind.example")
    act.resolve(store, agents("ivanova"), done.key, "Done", now=FRI_15)
    assert ticket_row(store, done.key).auto_close_at == msk(2025, 3, 21, 15)


def test_resolving_a_ticket_waiting_for_the_customer_counts_the_pause(store, agents, p3):
    act.set_status(store, agents("lebedev"), p3, "waiting_customer", now=FRI_12)
    act.resolve(store, agents("lebedev"), p3, "They fixed it themselves", now=MON(10))
    row = ticket_row(store, p3)
    assert (row.paused_s, row.paused_at) == (7 * H, None)
    assert row.resolution_due == msk(2025, 3, 21, 12)


def test_the_customer_confirms_with_a_rating_and_the_ticket_closes(store, agents, p3):
    act.resolve(store, agents("lebedev"), p3, "Replaced the print head", now=FRI_15)
    act.confirm(store, agents("ivanova"), p3, rating=5, now=MON(9))
    row = ticket_row(store, p3)
    assert (row.status, row.satisfaction, row.closed_at) == ("closed", 5, MON(9))
    assert row.auto_close_at is None
    assert [kind for kind, _ in mails(store, p3)][-1] == "closed"


def test_a_rating_that_arrives_after_the_ticket_closed_is_recorded(store, agents, p3):
    act.resolve(store, agents("lebedev"), p3, "Replaced the print head", now=FRI_15)
    act.close(store, agents("morozov"), p3, now=MON(9))
    act.rate(store, agents("ivanova"), p3, 4, now=MON(11))
    row = ticket_row(store, p3)
    assert (row.status, row.satisfaction) == ("closed", 4)
    assert events_of(store, p3)[-1].kind == "rated"


def test_a_rating_for_a_resolved_ticket_confirms_it(store, agents, p3):
    act.resolve(store, agents("lebedev"), p3, "Replaced the print head", now=FRI_15)
    act.rate(store, agents("ivanova"), p3, 5, now=MON(9))
    row = ticket_row(store, p3)
    assert (row.status, row.satisfaction, row.closed_at) == ("closed", 5, MON(9))


def test_an_open_ticket_cannot_be_rated(store, agents, p3):
    with pytest.raises(NotAllowed, match="ratings are for closed tickets"):
        act.rate(store, agents("ivanova"), p3, 5)


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_one_to_five_is_refused(store, agents, p3, rating):
    act.resolve(store, agents("lebedev"), p3, "Done", now=FRI_15)
    before = counts(store)
    with pytest.raises(Invalid, match="1 to 5"):
        act.confirm(store, agents("ivanova"), p3, rating=rating)
    assert counts(store) == before
    assert ticket_row(store, p3).status == "resolved"


def test_only_a_resolved_ticket_can_be_confirmed_or_closed(store, agents, p3):
    with pytest.raises(NotAllowed, match="only a resolved ticket"):
        act.confirm(store, agents("ivanova"), p3, rating=4)
    with pytest.raises(NotAllowed, match="resolve it first"):
        act.close(store, agents("ivanova"), p3)
    assert ticket_row(store, p3).version == 1


def test_a_customer_reply_to_a_resolved_ticket_reopens_it_and_counts(store, agents, p3):
    lebedev = agents("lebedev")
    act.resolve(store, lebedev, p3, "Replaced the print head", now=FRI_15)
    act.customer_reply(store, p3, "It is broken again", now=MON(10))
    row = ticket_row(store, p3)
    assert row.status == "reopened"
    assert row.is_open is True
    assert row.reopen_count == 1
    assert row.resolved_at is None and row.auto_close_at is None
    assert row.assignee_id is not None and login_of(store, row.assignee_id) == "lebedev"
    # the 4 business hours it sat resolved (Fri 15-18, Mon 09-10) do not count against us
    assert row.paused_s == 4 * H
    assert row.resolution_due == msk(2025, 3, 20, 18)
    assert row.update_from == MON(10)  # the customer was just heard: a new update cycle
    assert row.due_at == min(row.resolution_due, row.update_due)
    event = events_of(store, p3)[-1]
    assert (event.kind, event.public, event.body) == ("reopened", True, "It is broken again")

    act.resolve(store, lebedev, p3, "Replaced the cable too", now=MON(12))
    act.customer_reply(store, p3, "Still broken", now=MON(13))
    assert ticket_row(store, p3).reopen_count == 2


def test_a_first_contact_resolution_that_comes_back_no_longer_counts_as_one(store, agents):
    key = new_ticket(store, agents("ivanova"), resolution="Restarted the POS", now=FRI_10).key
    assert ticket_row(store, key).fcr is True
    act.customer_reply(store, key, "It froze again", now=FRI_12)
    row = ticket_row(store, key)
    assert (row.status, row.fcr, row.reopen_count) == ("reopened", False, 1)


def test_a_customer_cannot_write_into_a_closed_ticket(store, agents, p3):
    act.resolve(store, agents("lebedev"), p3, "Done", now=FRI_15)
    act.close(store, agents("lebedev"), p3, now=FRI_16)
    with pytest.raises(NotAllowed, match="closed"):
        act.customer_reply(store, p3, "Thanks!")


def test_reopening_a_closed_ticket_is_a_supervisors_decision(store, agents, p3):
    act.resolve(store, agents("lebedev"), p3, "Done", now=FRI_15)
    act.confirm(store, agents("ivanova"), p3, rating=2, now=FRI_16)
    before = counts(store)
    with pytest.raises(NotAllowed, match="dispatcher may not"):
        act.reopen(store, agents("ivanova"), p3, "Customer called: still broken")
    with pytest.raises(NotAllowed, match="engineer may not"):
        act.reopen(store, agents("lebedev"), p3, "Customer called: still broken")
    assert counts(store) == before
    act.reopen(store, agents("sokolova"), p3, "Customer called: still broken", now=MON(10))
    row = ticket_row(store, p3)
    assert (row.status, row.closed_at, row.reopen_count) == ("reopened", None, 1)


def test_reopening_needs_a_reason(store, agents, p3):
    act.resolve(store, agents("lebedev"), p3, "Done", now=FRI_15)
    with pytest.raises(Invalid, match="reason for reopening is empty"):
        act.reopen(store, agents("lebedev"), p3, "")


def test_set_status_resolved_goes_through_resolve_and_needs_the_text(store, agents, p3):
    with pytest.raises(Invalid, match="resolution is empty"):
        act.set_status(store, agents("lebedev"), p3, "resolved")
    act.set_status(store, agents("lebedev"), p3, "resolved", note="Cleaned it", now=FRI_15)
    assert ticket_row(store, p3).auto_close_at == msk(2025, 3, 19, 15)


# --------------------------------------------------------------------------- cancelling


def test_a_dispatcher_cancels_a_duplicate_and_it_leaves_every_queue(store, agents, p3):
    act.set_status(
        store, agents("ivanova"), p3, "cancelled", note="Duplicate of HD-1000", now=FRI_12
    )
    row = ticket_row(store, p3)
    assert (row.status, row.is_open, row.closed_at, row.due_at) == (
        "cancelled",
        False,
        FRI_12,
        None,
    )
    assert events_of(store, p3)[-1].body == "Duplicate of HD-1000"


def test_an_engineer_may_not_cancel_and_nothing_changes(store, agents, p3):
    before, row = counts(store), ticket_row(store, p3)
    with pytest.raises(
        NotAllowed, match="engineer may not move a ticket from assigned to cancelled"
    ):
        act.set_status(store, agents("lebedev"), p3, "cancelled", note="Not our problem")
    assert counts(store) == before
    after = ticket_row(store, p3)
    assert (after.status, after.version) == (row.status, row.version)


def test_a_cancelled_ticket_cannot_be_worked_on(store, agents, p3):
    act.set_status(store, agents("ivanova"), p3, "cancelled", note="Withdrawn")
    for status in ("in_progress", "new", "waiting_customer"):
        with pytest.raises(NotAllowed, match="cannot go from cancelled"):
            act.set_status(store, agents("sokolova"), p3, status)
    with pytest.raises(NotAllowed):
        act.reply(store, agents("lebedev"), p3, "Hello?")


def test_moving_to_the_status_it_already_has_is_refused(store, agents, p3):
    with pytest.raises(Invalid, match="already assigned"):
        act.set_status(store, agents("lebedev"), p3, "assigned")


def test_a_ticket_marked_assigned_always_has_somebody(store, agents, queued):
    act.set_status(store, agents("volkov"), queued, "assigned", now=FRI_11)
    row = ticket_row(store, queued)
    assert (row.status, login_of(store, row.assignee_id)) == ("assigned", "volkov")


def test_handing_a_ticket_back_to_new_leaves_it_unassigned(store, agents, p3):
    act.set_status(store, agents("lebedev"), p3, "new", now=FRI_11)
    row = ticket_row(store, p3)
    assert (row.status, row.assignee_id) == ("new", None)


def test_starting_work_on_a_queued_ticket_takes_it(store, agents, queued):
    act.set_status(store, agents("novikova"), queued, "in_progress", now=FRI_11)
    row = ticket_row(store, queued)
    assert (row.status, login_of(store, row.assignee_id)) == ("in_progress", "novikova")


# --------------------------------------------------------------------------- priority


def test_raising_the_priority_recomputes_deadlines_from_the_time_already_used(store, agents):
    key = new_ticket(store, agents("ivanova"), impact=3, urgency=2).key  # P4: 8 h / 80 h
    assert ticket_row(store, key).response_due == msk(2025, 3, 14, 18)
    act.change_priority(store, agents("sokolova"), key, 1, 2, reason="Whole shop", now=FRI_12)
    row = ticket_row(store, key)
    assert row.priority == 2  # P2: 1 h / 16 h from the same start
    assert row.response_due == FRI_11  # already overdue: two hours were used
    assert row.resolution_due == MON(17)
    assert row.next_alert_at <= FRI_12  # the tick will report the breach at once
    event = events_of(store, key)[-1]
    assert event.kind == "priority"
    assert event.changes["priority"] == [4, 2]
    assert event.body == "Whole shop"


def test_lowering_the_priority_again_restores_the_deadlines(store, agents):
    key = new_ticket(store, agents("ivanova"), impact=3, urgency=2).key
    original = ticket_row(store, key)
    act.change_priority(store, agents("sokolova"), key, 1, 1, now=FRI_11)
    act.change_priority(store, agents("sokolova"), key, 3, 2, now=FRI_12)
    row = ticket_row(store, key)
    assert (row.response_due, row.resolution_due) == (
        original.response_due,
        original.resolution_due,
    )


def test_a_priority_change_after_the_first_answer_keeps_the_met_response_deadline(
    store, agents, p3
):
    act.reply(store, agents("lebedev"), p3, "On it", now=FRI_11)
    act.change_priority(store, agents("lebedev"), p3, 3, 3, now=FRI_12)  # P4
    row = ticket_row(store, p3)
    assert row.response_due == RESPONSE_DUE
    assert row.resolution_due == msk(2025, 3, 26, 18)  # 80 h from Fri 10:00


def test_a_priority_change_needs_a_real_change_and_an_open_ticket(store, agents, p3):
    with pytest.raises(Invalid, match="already has impact 2 and urgency 2"):
        act.change_priority(store, agents("lebedev"), p3, 2, 2)
    with pytest.raises(Invalid, match=r"impact and urgency must be 1\.\.3"):
        act.change_priority(store, agents("lebedev"), p3, 7, 2)
    act.resolve(store, agents("lebedev"), p3, "Done")
    with pytest.raises(NotAllowed, match="cannot change its priority"):
        act.change_priority(store, agents("lebedev"), p3, 1, 1)


# --------------------------------------------------------------------------- taking


def test_taking_a_queued_ticket_makes_it_yours(store, agents, queued):
    done = act.take(store, agents("volkov"), queued, now=FRI_11)
    assert (done.status, done.assignee, done.message) == (
        "assigned",
        "volkov",
        f"{queued} is yours",
    )
    event = events_of(store, queued)[-1]
    assert event.kind == "taken"
    assert event.changes == {"status": ["new", "assigned"], "assignee": [None, "volkov"]}


def test_a_taken_ticket_cannot_be_taken_again(store, agents, queued):
    act.take(store, agents("volkov"), queued)
    before = counts(store)
    with pytest.raises(Conflict, match="already taken by volkov"):
        act.take(store, agents("novikova"), queued)
    with pytest.raises(Conflict, match="already yours"):
        act.take(store, agents("volkov"), queued)
    assert counts(store) == before


def test_an_engineer_cannot_take_tickets_of_a_group_they_are_not_in(store, agents, queued):
    before = counts(store)
    with pytest.raises(NotAllowed, match="l2-hardware, which petrov is not in"):
        act.take(store, agents("petrov"), queued)
    assert counts(store) == before
    assert ticket_row(store, queued).assignee_id is None


def test_a_dispatcher_or_supervisor_may_take_any_ticket(store, agents, queued):
    assert act.take(store, agents("ivanova"), queued).assignee == "ivanova"


def test_a_stale_take_is_refused_with_what_changed(store, agents, queued):
    version = ticket_row(store, queued).version
    act.note(store, agents("sokolova"), queued, "Customer is a VIP", now=FRI_11)
    with pytest.raises(Conflict, match="sokolova"):
        act.take(store, agents("volkov"), queued, expected_version=version)


# --------------------------------------------------------------------------- assigning


def test_assigning_to_a_group_member_tells_them(store, agents, queued):
    done = act.assign(store, agents("ivanova"), queued, "novikova", now=FRI_11)
    assert (done.status, done.assignee) == ("assigned", "novikova")
    assert ("assigned", "novikova@desk.example") in mails(store, queued)


def test_assigning_to_nobody_puts_the_ticket_back_in_the_queue(store, agents, p3):
    act.set_status(store, agents("lebedev"), p3, "in_progress", now=FRI_11)
    done = act.assign(store, agents("lebedev"), p3, None, now=FRI_12)
    assert (done.status, done.assignee) == ("new", None)


@pytest.mark.parametrize(
    ("login", "fields", "error", "message"),
    [
        ("petrov", {}, Invalid, "petrov is not in group l2-hardware"),
        ("ghost", {}, NotFound, "no agent with login 'ghost'"),
        ("lebedev", {}, Invalid, "already with lebedev"),
        (None, {"group": "l3-experts"}, Invalid, "use escalate to change lines"),
        (None, {"group": "l9-nowhere"}, NotFound, "unknown group"),
    ],
)
def test_bad_assignments_are_refused_and_change_nothing(
    store, agents, p3, login, fields, error, message
):
    before = counts(store)
    with pytest.raises(error, match=message):
        act.assign(store, agents("sokolova"), p3, login, **fields)
    assert counts(store) == before


def test_an_engineer_hands_over_within_the_group_but_not_across_groups(store, agents, p3):
    lebedev = agents("lebedev")
    with pytest.raises(NotAllowed, match="by escalating"):
        act.assign(store, lebedev, p3, None, group="l2-software")
    assert act.assign(store, lebedev, p3, "volkov").assignee == "volkov"


def test_a_supervisor_moves_a_ticket_to_another_group_of_the_line(store, agents, p3):
    done = act.assign(store, agents("morozov"), p3, "petrov", group="l2-software", now=FRI_11)
    assert (done.status, done.assignee) == ("assigned", "petrov")
    changes = events_of(store, p3)[-1].changes
    assert changes["group"] == ["l2-hardware", "l2-software"]
    assert changes["assignee"] == ["lebedev", "petrov"]
    assert "line" not in changes


# --------------------------------------------------------------------------- time and links


def test_time_spent_adds_up_within_limits(store, agents, p3):
    act.log_time(store, agents("lebedev"), p3, 30, note="Diagnostics")
    act.log_time(store, agents("lebedev"), p3, 45)
    assert ticket_row(store, p3).time_spent_s == 75 * 60
    for minutes in (0, 24 * 60 + 1):
        with pytest.raises(Invalid, match="1 to 1440 minutes"):
            act.log_time(store, agents("lebedev"), p3, minutes)


def test_a_time_note_is_stored_inert(store, agents, p3):
    act.log_time(store, agents("lebedev"), p3, 5, note="fixed \x1b[31mit\x07")
    assert events_of(store, p3)[-1].body == "fixed ␛[31mit␇"


def test_a_child_ticket_points_at_its_parent_mass_incident(store, agents, p3):
    ivanova = agents("ivanova")
    other = new_ticket(store, ivanova).key
    act.link(store, ivanova, other, p3, "child")
    assert ticket_row(store, other).parent_id == ticket_row(store, p3).id
    assert events_of(store, other)[-1].changes == {"parent": [None, p3]}
    assert events_of(store, other)[-1].body == f"child {p3}"


def test_bad_links_are_refused(store, agents, p3):
    ivanova = agents("ivanova")
    other = new_ticket(store, ivanova).key
    act.link(store, ivanova, other, p3, "duplicate")
    before = counts(store)
    with pytest.raises(Invalid, match="already linked"):
        act.link(store, ivanova, other, p3, "duplicate")
    with pytest.raises(Invalid, match="to itself"):
        act.link(store, ivanova, p3, p3.lower(), "related")
    with pytest.raises(NotFound, match="no ticket HD-9999"):
        act.link(store, ivanova, p3, "9999", "related")
    with pytest.raises(Invalid, match="unknown link 'sibling'"):
        act.link(store, ivanova, p3, other, "sibling")
    act.link(store, ivanova, other, p3, "child")
    third = new_ticket(store, ivanova).key
    with pytest.raises(Invalid, match="itself a child"):
        act.link(store, ivanova, third, other, "child")
    assert counts(store).links == before.links + 1


# --------------------------------------------------------------------------- unknown tickets


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [("HD-9999", NotFound, "no ticket HD-9999"), ("XY-12", Invalid, "not a ticket key")],
)
def test_an_unknown_ticket_is_named_in_the_error(store, agents, key, error, message):
    for action in (
        lambda: act.take(store, agents("ivanova"), key),
        lambda: act.note(store, agents("ivanova"), key, "hello"),
        lambda: act.set_status(store, agents("ivanova"), key, "in_progress"),
        lambda: act.customer_reply(store, key, "hello"),
    ):
        with pytest.raises(error, match=message):
            action()
    assert counts(store).events == 0
