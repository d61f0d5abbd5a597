"""Registering a call: priority, plan, calendar, deadlines, key, routing, the offer to an
agent, the `created` event, the acknowledgement — and bad input that leaves no trace."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.services.agents import set_on_shift
from helpdesk_tui.services.registration import NewContact
from helpdesk_tui.store import models as m
from tests.services._helpers import (
    BENNETT,
    FRI_10,
    KRAVCHENKO,
    Counts,
    counts,
    events_of,
    msk,
    new_ticket,
    outbox,
    ticket_row,
)

FRI_17 = msk(2025, 3, 14, 17)
VORONTSOV = "k.vorontsov@techmart.example"  # techmart: gold 24×7
MELNIKOVA = "y.melnikova@produkty24.example"  # produkty24, shop-005


@pytest.fixture
def ivanova(actor_of):
    return actor_of("ivanova")


def without_contract(store, code: str) -> None:
    """Take the customer's SLA plan away (the store fixture reloads the reference data)."""
    with store.write() as s:
        customer = s.exec(select(m.Customer).where(m.Customer.code == code)).one()
        customer.sla_plan_id = None
        s.add(customer)
        for contract in s.exec(select(m.Contract).where(m.Contract.customer_id == customer.id)):
            s.delete(contract)


# --------------------------------------------------------------------- priority and SLA


MATRIX = {(1, 1): 1, (1, 2): 2, (2, 1): 2, (2, 2): 3, (1, 3): 3, (3, 1): 3, (2, 3): 4, (3, 3): 4}


def test_priority_comes_from_the_impact_urgency_matrix(store, ivanova):
    for (impact, urgency), priority in MATRIX.items():
        done = new_ticket(store, ivanova, impact=impact, urgency=urgency)
        assert done.priority == priority, (impact, urgency)
        assert ticket_row(store, done.key).priority == priority


def test_the_service_defaults_give_the_priority_when_none_is_said(store, ivanova):
    assert new_ticket(store, ivanova, service="pos").priority == 2  # impact 2, urgency 1
    assert new_ticket(store, ivanova, service="tsd").priority == 4  # impact 3, urgency 3


def test_silver_on_business_hours_friday_evening_is_answered_monday_noon(store, ivanova):
    done = new_ticket(store, ivanova, impact=2, urgency=2, now=FRI_17)  # P3 silver
    assert done.response_due == msk(2025, 3, 17, 12)  # 1 h Friday + 3 h Monday
    assert done.resolution_due == msk(2025, 3, 21, 12)  # 40 business hours
    row = ticket_row(store, done.key)
    assert row.response_due == msk(2025, 3, 17, 12)
    assert row.response_risk_at == msk(2025, 3, 17, 11)
    assert row.due_at == row.response_due
    assert row.next_alert_at == row.response_risk_at
    assert (row.response_target_s, row.resolution_target_s) == (4 * 3600, 40 * 3600)


def test_a_gold_customer_is_served_around_the_clock(store, ivanova):
    done = new_ticket(store, ivanova, contact=VORONTSOV, impact=2, urgency=2, now=FRI_17)
    row = ticket_row(store, done.key)
    with store.read() as s:
        assert s.get(m.SlaPlan, row.sla_plan_id).code == "gold"
    assert done.response_due == msk(2025, 3, 14, 18)  # P3 gold: 1 h on a 24×7 calendar
    assert done.resolution_due == msk(2025, 3, 15, 17)  # 24 h, Saturday included


def test_a_customer_without_a_contract_gets_the_default_plan_and_a_warning(store, ivanova):
    without_contract(store, "northwind")  # bronze by contract
    done = new_ticket(store, ivanova, contact=BENNETT, impact=2, urgency=2, now=FRI_17)
    assert done.warnings == (
        "Northwind Trading LLC has no contract: the default plan silver applies",
    )
    assert done.response_due == msk(2025, 3, 17, 12)  # silver P3, not bronze's 8 h
    with store.read() as s:
        assert s.get(m.SlaPlan, ticket_row(store, done.key).sla_plan_id).code == "silver"


def test_a_backfilled_call_gets_deadlines_from_when_it_came_in(store, ivanova):
    done = new_ticket(
        store, ivanova, impact=2, urgency=2, created_at=FRI_17, now=msk(2025, 3, 17, 11)
    )
    row = ticket_row(store, done.key)
    assert row.created_at == FRI_17
    assert row.updated_at == msk(2025, 3, 17, 11)
    assert row.response_due == msk(2025, 3, 17, 12)
    assert events_of(store, done.key)[0].at == msk(2025, 3, 17, 11)


def test_a_call_from_the_future_is_refused(store, ivanova):
    with pytest.raises(Invalid, match="in the future"):
        new_ticket(store, ivanova, created_at=FRI_10 + timedelta(hours=1))
    assert counts(store).tickets == 0


# --------------------------------------------------------------------- keys


def test_keys_are_handed_out_in_order_from_hd_1001(store, ivanova):
    keys = [new_ticket(store, ivanova).key for _ in range(3)]
    assert keys == ["HD-1001", "HD-1002", "HD-1003"]
    assert [ticket_row(store, k).number for k in keys] == [1001, 1002, 1003]


def test_a_refused_registration_does_not_use_up_a_key(store, ivanova):
    assert new_ticket(store, ivanova).key == "HD-1001"
    with pytest.raises(NotFound):
        new_ticket(store, ivanova, template="no-such-template", resolution="Rebooted it")
    assert new_ticket(store, ivanova).key == "HD-1002"


# --------------------------------------------------------------------- routing and the offer


@pytest.mark.parametrize(
    ("fields", "group", "line"),
    [
        ({"service": "fiscal-drive", "category": "registration"}, "l3-experts", "L3"),
        ({"service": "fiscal-drive"}, "l2-hardware", "L2"),  # produkty24 is retail
        ({"service": "fiscal-drive", "contact": BENNETT}, "l3-experts", "L3"),  # an office
        ({"service": "network", "contact": MELNIKOVA}, "vendor-isp", "L4"),  # shop-005
        ({"service": "network"}, "l2-network", "L2"),
        ({"service": "access", "category": "password-reset"}, "dispatch", "L1"),
        ({"service": "erp", "category": "license"}, "l3-experts", "L3"),
    ],
)
def test_calls_are_routed_by_the_rules(store, ivanova, fields, group, line):
    done = new_ticket(store, ivanova, **fields)
    assert (done.group, done.line) == (group, line)


def test_the_least_loaded_engineer_with_the_skill_is_offered_each_new_ticket(store, ivanova):
    # receipt printers: volkov, lebedev and novikova have the skill; ties by login
    offered = [new_ticket(store, ivanova).assignee for _ in range(4)]
    assert offered == ["lebedev", "novikova", "volkov", "lebedev"]
    # fiscal: novikova lacks the skill
    fiscal = [new_ticket(store, ivanova, service="fiscal-drive").assignee for _ in range(2)]
    assert fiscal == ["volkov", "lebedev"]  # volkov and lebedev had 1 and 2


def test_an_offered_ticket_is_assigned_and_the_engineer_is_told(store, ivanova):
    done = new_ticket(store, ivanova)
    assert done.status == "assigned"
    mail = outbox(store, done.key, "assigned")
    assert [o.to_addr for o in mail] == ["lebedev@desk.example"]
    assert done.key in mail[0].subject


def test_an_engineer_off_shift_is_not_offered_tickets(store, ivanova):
    offered = {new_ticket(store, ivanova, service="network").assignee for _ in range(6)}
    assert offered == {"fedorov", "kozlov"}  # orlov is on vacation


def test_with_everybody_off_shift_the_ticket_waits_in_the_queue(store, ivanova, actor_of):
    admin = actor_of("admin")
    for login in ("fedorov", "kozlov"):
        set_on_shift(store, admin, login, False)
    done = new_ticket(store, ivanova, service="network")
    assert (done.group, done.assignee, done.status) == ("l2-network", None, "new")
    assert outbox(store, done.key, "assigned") == []


def test_a_group_that_does_not_hand_out_work_keeps_the_ticket_in_its_queue(store, ivanova):
    done = new_ticket(store, ivanova, service="erp", category="license")
    assert (done.group, done.assignee, done.status) == ("l3-experts", None, "new")


# --------------------------------------------------------------------- the event and the mail


def test_the_created_event_records_the_initial_fields(store, ivanova):
    done = new_ticket(store, ivanova, impact=2, urgency=2, tags=("Cash", "cash", " urgent "))
    [event] = events_of(store, done.key)
    assert (event.kind, event.version, event.public) == ("created", 1, False)
    ch = event.changes
    assert ch["status"] == [None, "assigned"]
    assert ch["priority"] == [None, 3]
    assert ch["service"] == [None, "receipt-printer"]
    assert ch["customer"] == [None, "produkty24"]
    assert ch["site"] == [None, "shop-001"]
    assert ch["group"] == [None, "l2-hardware"]
    assert ch["line"] == [None, "L2"]
    assert ch["assignee"] == [None, "lebedev"]
    assert ch["sla_plan"] == [None, "silver"]
    assert ch["tags"] == [None, ["cash", "urgent"]]
    assert ch["response_due"] == [None, done.response_due.astimezone(UTC).isoformat()]
    assert "resolved_at" not in ch
    with store.read() as s:
        assert s.get(m.Agent, event.actor_id).login == "ivanova"


def test_the_caller_is_sent_the_key_and_the_promised_resolution_time(store, ivanova):
    done = new_ticket(store, ivanova, now=FRI_17)
    [ack] = outbox(store, done.key, "ack")
    assert ack.to_addr == KRAVCHENKO
    assert f"[{done.key}]" in ack.subject
    assert done.key in ack.body
    promised = done.resolution_due.astimezone(msk(2025, 1, 1).tzinfo)
    assert promised.strftime("%d.%m.%Y %H:%M") in ack.body  # Russian caller, Moscow time
    assert ack.status == "pending"
    assert done.acknowledged


def test_an_english_caller_gets_the_english_acknowledgement(store, ivanova):
    done = new_ticket(store, ivanova, contact=BENNETT, service="workstation")
    [ack] = outbox(store, done.key, "ack")
    assert ack.to_addr == BENNETT
    assert ack.language == "en"
    assert ack.subject.startswith(f"[{done.key}] Request registered")


def test_solved_on_the_phone_the_ticket_is_resolved_at_once_and_counted(store, ivanova):
    done = new_ticket(store, ivanova, resolution="Reloaded the paper roll", now=FRI_17)
    assert done.status == "resolved"
    row = ticket_row(store, done.key)
    assert row.fcr is True
    assert row.is_open is False
    assert row.resolved_at == row.first_response_at == FRI_17
    assert row.resolution == "Reloaded the paper roll"
    assert row.due_at is None and row.next_alert_at is None
    assert row.auto_close_at == msk(2025, 3, 19, 17)  # 3 business days later
    assert row.assignee_id == ivanova.id  # the dispatcher who solved it: per-agent FCR
    assert [o.kind for o in outbox(store, done.key)] == ["resolved"]
    [resolved] = outbox(store, done.key)
    assert "Reloaded the paper roll" in resolved.body
    [event] = events_of(store, done.key)
    assert event.public and event.body == "Reloaded the paper roll"
    assert event.changes["fcr"] == [None, True]


def test_a_first_contact_resolution_needs_its_text(store, ivanova):
    with pytest.raises(Invalid, match="resolution text"):
        new_ticket(store, ivanova, resolution="   ")
    assert counts(store) == Counts(0, 0, 0, counts(store).contacts, 0)


def test_a_template_used_for_the_resolution_is_counted(store, ivanova):
    with store.read() as s:
        code = s.exec(select(m.Template.code).where(m.Template.kind != "notification")).first()
    new_ticket(store, ivanova, resolution="Done", template=code)
    with store.read() as s:
        assert s.exec(select(m.Template).where(m.Template.code == code)).one().use_count == 1


def test_a_new_caller_is_added_with_the_ticket(store, ivanova):
    before = counts(store)
    done = new_ticket(
        store,
        ivanova,
        contact=None,
        customer="produkty24",
        new_contact=NewContact("Пётр  Новиков", phone="8 (903) 111-22-33", site="shop-002"),
    )
    assert counts(store).contacts == before.contacts + 1
    row = ticket_row(store, done.key)
    with store.read() as s:
        contact = s.get(m.Contact, row.contact_id)
        site = s.get(m.Site, row.site_id)
    assert (contact.name, contact.phone_digits, contact.language) == (
        "Пётр Новиков",
        "79031112233",
        "ru",
    )
    assert site.code == "shop-002"
    assert not done.acknowledged  # no e-mail: told on the phone
    assert outbox(store, done.key, "ack") == []


def test_a_known_caller_is_found_by_phone_however_it_is_typed(store, ivanova):
    done = new_ticket(store, ivanova, contact="+7 (916) 555 12 34")  # Наталья Белова
    assert events_of(store, done.key)[0].changes["contact"] == [None, "Наталья Белова"]


def test_subjects_and_descriptions_are_stored_inert(store, ivanova):
    done = new_ticket(store, ivanova, subject="Printer\x1b[2J  dead\n", description="a\x07b\r\nc")
    row = ticket_row(store, done.key)
    assert row.subject == "Printer␛[2J dead"
    assert row.description == "a␇b\nc"


# --------------------------------------------------------------------- bad input, no trace


BAD = [
    ({"service": "teleportation"}, NotFound, "unknown service 'teleportation'"),
    ({"impact": 7}, Invalid, "impact and urgency must be 1..3"),
    ({"urgency": 0}, Invalid, "impact and urgency must be 1..3"),
    ({"subject": ""}, Invalid, "the subject is empty"),
    ({"subject": " \n\t "}, Invalid, "the subject is empty"),
    ({"subject": "x" * 301}, Invalid, "the subject is too long"),
    ({"description": "x" * 200_001}, Invalid, "the description is too long"),
    ({"customer": "acme"}, NotFound, "unknown customer 'acme'"),
    ({"contact": "nobody@nowhere.example"}, NotFound, "no contact with e-mail"),
    ({"contact": "+7 999 000-00-00"}, NotFound, "no contact with phone"),
    ({"contact_id": 999_999, "contact": None}, NotFound, "no contact #999999"),
    ({"asset": "NO-SUCH-TAG"}, NotFound, "unknown asset 'NO-SUCH-TAG'"),
    ({"asset": "TM-001-POS1-PRN"}, Invalid, "does not belong to"),
    ({"customer": "techmart"}, Invalid, "is not a contact of"),
    ({"category": "teleport"}, Invalid, "unknown category 'teleport'"),
    ({"channel": "pigeon"}, Invalid, "unknown channel 'pigeon'"),
    ({"type": "wish"}, Invalid, "unknown type 'wish'"),
    ({"template": "no-such-template"}, NotFound, "unknown template"),
    (
        {"contact": None, "new_contact": NewContact("Без Телефона")},
        Invalid,
        "needs a customer",
    ),
    (
        {"contact": None, "customer": "produkty24", "new_contact": NewContact("Без Телефона")},
        Invalid,
        "needs a phone or an e-mail",
    ),
    (
        {
            "contact": None,
            "customer": "produkty24",
            "new_contact": NewContact("Кто-то", phone="8 903 111 22 33", site="mars"),
        },
        NotFound,
        "unknown site 'mars'",
    ),
]


@pytest.mark.parametrize(("fields", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_refused_and_leaves_nothing_behind(store, ivanova, fields, error, message):
    new_ticket(store, ivanova)  # something to compare against
    before = counts(store)
    with pytest.raises(error, match=re.escape(message)):
        new_ticket(store, ivanova, **fields)
    assert counts(store) == before
    assert new_ticket(store, ivanova).key == "HD-1002"  # no key was used up
