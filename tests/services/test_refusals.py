"""The guard every action passes: one cheap read, one audit row per refusal (however
deep the refused call), the record surviving the refused change's rollback; and the
promise that internal notes never reach the customer's mail."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from helpdesk_tui.domain.errors import Invalid, NotAllowed
from helpdesk_tui.services import agents, escalation, refusals
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.agents import CUSTOMER_ACTOR, SYSTEM_ACTOR
from tests.services._helpers import FRI_10, KRAVCHENKO, Statements, new_ticket, outbox
from tests.services.snapshot import refusal_count


@pytest.mark.parametrize("key", [True, False], ids=["on a ticket", "no ticket"])
def test_the_check_is_one_query(store, actor_of, key):
    """Registration and taking are benchmarked: the guard adds one read, not several."""
    volkov = actor_of("volkov")
    ticket = new_ticket(store, actor_of("ivanova")).key
    with Statements(store) as seen:
        refusals.check(store, volkov, "ticket.take", key=ticket if key else None)
    assert len(seen.sql) == 1, seen.sql
    assert seen.sql[0].lstrip().upper().startswith("SELECT")


def test_on_postgresql_the_check_reads_outside_a_transaction(store, actor_of):
    """Its one statement needs no BEGIN and ROLLBACK: two round trips fewer for every
    change, a thousand times over in a bulk run."""
    if store.dialect != "postgresql":
        pytest.skip("SQLite's BEGIN is no round trip")
    from psycopg import pq

    statuses = []

    def after(conn, cursor, statement, parameters, context, executemany):
        statuses.append(cursor.connection.info.transaction_status)

    ticket = new_ticket(store, actor_of("ivanova")).key
    volkov = actor_of("volkov")
    event.listen(store.engine, "after_cursor_execute", after)
    try:
        refusals.check(store, volkov, "ticket.take", key=ticket)
    finally:
        event.remove(store.engine, "after_cursor_execute", after)
    assert statuses == [pq.TransactionStatus.IDLE]


def test_the_check_refuses_with_the_same_single_query(store, actor_of):
    petrov = actor_of("petrov")  # l2-software; the printer ticket is l2-hardware's
    ticket = new_ticket(store, actor_of("ivanova")).key
    with Statements(store) as seen, pytest.raises(NotAllowed, match="l2-hardware"):
        refusals.check(store, petrov, "ticket.take", key=ticket)
    assert len(seen.sql) == 1
    assert refusal_count(store) == 0  # `check` only says; `require` and the guard record


def test_a_refusal_deep_in_nested_actions_is_recorded_once_under_its_own_action(store, actor_of):
    """set_status → cancel: the engineer passes `ticket.status`, the workflow refuses the
    cancel; one row, naming the action refused and the move."""
    lebedev = actor_of("lebedev")
    key = new_ticket(store, actor_of("ivanova")).key
    with pytest.raises(NotAllowed, match="from assigned to cancelled"):
        act.set_status(store, lebedev, key, "cancelled")
    (row,) = refusals.recent(store)
    assert (row.login, row.action, row.ticket) == ("lebedev", "ticket.cancel", key)
    assert "assigned to cancelled" in row.reason


def test_refusals_inside_the_action_are_audited_too(store, actor_of):
    """Not only the table's cell: the action's own rules (a closed ticket) refuse too."""
    ivanova = actor_of("ivanova")
    key = new_ticket(store, ivanova).key
    act.resolve(store, ivanova, key, "Restarted it.")
    act.confirm(store, ivanova, key)
    with pytest.raises(NotAllowed, match="reopen it to reply"):
        act.reply(store, ivanova, key, "One more thing")
    (row,) = refusals.recent(store)
    assert (row.action, row.ticket) == ("ticket.reply", key)


def test_bad_input_is_not_a_refusal(store, actor_of):
    with pytest.raises(Invalid):
        act.note(store, actor_of("ivanova"), "HD-oops", "text")
    assert refusal_count(store) == 0


def test_the_customer_and_the_system_are_checked_but_not_recorded(store, actor_of):
    key = new_ticket(store, actor_of("ivanova")).key
    with pytest.raises(NotAllowed, match="the customer may not add an internal note"):
        act.note(store, CUSTOMER_ACTOR, key, "let me in")
    with pytest.raises(NotAllowed, match="the system may not"):
        act.assign(store, SYSTEM_ACTOR, key, None)
    assert refusal_count(store) == 0


def test_refusals_are_listed_newest_first_for_supervisors_only(store, actor_of):
    petrov, morozov = actor_of("petrov"), actor_of("morozov")
    for _ in range(2):  # the same refusal twice within a minute: recorded once
        with pytest.raises(NotAllowed):
            refusals.list_refusals(store, petrov)
    with pytest.raises(NotAllowed):
        agents.set_on_shift(store, petrov, "morozov", False)
    with pytest.raises(NotAllowed):
        agents.set_active(store, morozov, "petrov", False)
    rows = refusals.list_refusals(store, morozov)
    assert [(r.login, r.action) for r in rows] == [
        ("morozov", "agent.activate"),
        ("petrov", "agent.shift"),
        ("petrov", "audit.view"),
    ]
    assert [r.login for r in refusals.list_refusals(store, morozov, who="petrov")] == [
        "petrov",
        "petrov",
    ]
    assert refusals.list_refusals(store, morozov, since=rows[0].at) == rows[:1]


def test_changes_to_agents_are_audited_with_who_made_them(store, actor_of):
    admin, morozov = actor_of("admin"), actor_of("morozov")
    agents.set_on_shift(store, morozov, "petrov", False)
    agents.set_active(store, admin, "petrov", False)
    agents.set_active(store, admin, "petrov", True)
    rows = agents.list_changes(store, morozov, who="petrov")
    assert [(r.by, r.kind, r.detail) for r in rows] == [
        ("admin", "active", "activated"),
        ("admin", "active", "deactivated"),
        ("morozov", "shift", "off shift"),
    ]
    with pytest.raises(NotAllowed):
        agents.list_changes(store, actor_of("petrov"))


def test_an_admin_does_not_lock_themself_out(store, actor_of):
    with pytest.raises(Invalid, match="does not deactivate themself"):
        agents.set_active(store, actor_of("admin"), "admin", False)


def test_reloading_the_reference_data_does_not_reactivate_anybody(store, actor_of):
    from helpdesk_tui.services import setup

    agents.set_active(store, actor_of("admin"), "petrov", False)
    setup.load_data(store, setup.reference_dir())
    assert not next(a for a in agents.list_agents(store) if a.login == "petrov").active


def test_internal_words_never_reach_the_customers_mail(store, actor_of):
    """Notes, escalation notes, supervisor alerts, status and priority reasons and time
    notes stay inside; the customer gets the acknowledgement, replies, the resolution and
    the closing notice."""
    ivanova, lebedev = actor_of("ivanova"), actor_of("lebedev")
    key = new_ticket(store, ivanova, now=FRI_10).key
    secret = "INTERNAL-{}: the customer's boss is difficult"
    act.note(store, lebedev, key, secret.format(1), now=FRI_10)
    act.set_status(store, lebedev, key, "in_progress", note=secret.format(2), now=FRI_10)
    act.change_priority(store, lebedev, key, 1, 2, reason=secret.format(3), now=FRI_10)
    act.log_time(store, lebedev, key, 20, note=secret.format(4), now=FRI_10)
    escalation.tell_supervisor(store, lebedev, key, secret.format(5), now=FRI_10)
    act.reply(store, lebedev, key, "We are sending an engineer.", now=FRI_10)
    escalation.escalate(store, lebedev, key, "l3-experts", secret.format(6), now=FRI_10)
    pavlova = actor_of("pavlova")
    act.note(store, pavlova, key, secret.format(7), now=FRI_10)
    act.resolve(store, pavlova, key, "Replaced the print head.", now=FRI_10)
    act.close(store, pavlova, key, now=FRI_10)

    mail = outbox(store, key)
    to_customer = [o for o in mail if o.to_addr == KRAVCHENKO]
    assert {o.kind for o in to_customer} >= {"ack", "reply", "resolved", "closed"}
    assert any("We are sending an engineer." in o.body for o in to_customer)
    assert any("Replaced the print head." in o.body for o in to_customer)
    for o in to_customer:
        assert "INTERNAL-" not in o.subject + o.body, (o.kind, o.body)
    to_agents = [o for o in mail if o.to_addr != KRAVCHENKO]
    assert any("INTERNAL-5" in o.body for o in to_agents)  # the supervisor was told
