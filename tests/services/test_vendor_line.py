"""The vendor line: escalating to a line-4 vendor records their case, promise and contact
and makes the ticket wait for them while our SLA keeps counting; a promise that passes is
an event once, on the board and on the vendor's card. Both stores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services import ticket_views, vendors
from helpdesk_tui.services.escalation import escalate
from helpdesk_tui.services.sla_tick import tick
from helpdesk_tui.services.vendor_cases import VendorTerms
from helpdesk_tui.store import models as m
from tests.services._helpers import events_of, msk, new_ticket, ticket_row

NOTE = "Replaced the paper and the cable; the board does not power up"
FRI_11, FRI_12 = msk(2025, 3, 14, 11), msk(2025, 3, 14, 12)
PROMISE = msk(2025, 3, 18, 18)


@pytest.fixture
def printer(store, actor_of) -> str:
    key = new_ticket(store, actor_of("ivanova")).key
    act.set_status(store, actor_of("lebedev"), key, "in_progress", now=FRI_11)
    return key


def to_vendor(store, actor_of, key, **terms) -> None:
    terms.setdefault("case", "ATOL-55812")
    terms.setdefault("promised", PROMISE)
    terms.setdefault("contact", "Сервис АТОЛ, +7 495 730-72-20")
    escalate(
        store,
        actor_of("lebedev"),
        key,
        "vendor-atol",
        NOTE,
        vendor=VendorTerms(**terms),
        now=FRI_12,
    )


def test_escalating_to_a_vendor_records_the_case_and_waits_for_them(store, actor_of, printer):
    before = ticket_row(store, printer)
    to_vendor(store, actor_of, printer)
    row = ticket_row(store, printer)
    assert row.status == "waiting_vendor" and row.paused_at is None  # our clock runs on
    assert row.resolution_due == before.resolution_due
    with store.read() as s:
        assert s.get(m.SupportGroup, row.group_id).code == "vendor-atol"
    (event,) = [e for e in events_of(store, printer) if e.kind == "escalated"]
    assert event.changes["vendor"] == [None, "vendor-atol"]
    assert event.changes["vendor_case"] == [None, "ATOL-55812"]
    assert event.changes["vendor_contact"] == [None, "Сервис АТОЛ, +7 495 730-72-20"]
    detail = ticket_views.show(store, printer)
    assert detail.vendor.case == "ATOL-55812"
    assert detail.vendor.promised_at == PROMISE and detail.vendor.closed_at is None


def test_a_day_as_the_promise_means_the_end_of_that_day_at_the_desk(store, actor_of, printer):
    to_vendor(store, actor_of, printer, promised="2025-03-18")
    assert ticket_views.show(store, printer).vendor.promised_at == msk(2025, 3, 19, 0)


@pytest.mark.parametrize(
    "terms, message",
    [
        ({"case": "  "}, "case number is empty"),
        ({"promised": msk(2025, 3, 14, 9)}, "already passed"),
        ({"promised": "next week"}, "not a date"),
    ],
)
def test_bad_vendor_terms_change_nothing(store, actor_of, printer, terms, message):
    version = ticket_row(store, printer).version
    with pytest.raises(Invalid, match=message):
        to_vendor(store, actor_of, printer, **terms)
    assert ticket_row(store, printer).version == version


def test_vendor_terms_only_go_to_a_vendor(store, actor_of, printer):
    with pytest.raises(Invalid, match="not a vendor"):
        escalate(
            store, actor_of("lebedev"), printer, "L3", NOTE, vendor=VendorTerms("X-1"), now=FRI_12
        )


def test_a_passed_promise_is_an_event_once_and_on_the_board(store, actor_of, printer):
    to_vendor(store, actor_of, printer)
    morozov = actor_of("morozov")
    assert tick(store, now=PROMISE - timedelta(minutes=1)).vendor_late == 0
    assert vendors.late_promises(store, morozov, now=PROMISE - timedelta(minutes=1)).total == 0
    after = PROMISE + timedelta(hours=2)
    assert tick(store, now=after).vendor_late == 1
    assert tick(store, now=after + timedelta(hours=1)).vendor_late == 0  # once
    late = [e for e in events_of(store, printer) if e.kind == "vendor_late"]
    assert len(late) == 1 and late[0].actor_kind == "system"
    assert "ATOL-55812" in late[0].body
    board = vendors.late_promises(store, morozov, now=after)
    assert board.total == 1
    (row,) = board.rows
    assert (row.key, row.vendor, row.case) == (printer, "vendor-atol", "ATOL-55812")
    assert row.resolution_due == ticket_row(store, printer).resolution_due  # ours, beside


def test_the_vendors_card_shows_cases_and_late_promises(store, actor_of, printer):
    to_vendor(store, actor_of, printer)
    other = new_ticket(store, actor_of("ivanova"), subject="Fiscal drive full").key
    act.set_status(store, actor_of("lebedev"), other, "in_progress", now=FRI_11)
    to_vendor(store, actor_of, other, case="ATOL-55900", promised=PROMISE + timedelta(days=7))
    card = vendors.vendor_card(
        store, actor_of("ivanova"), "vendor-atol", now=PROMISE + timedelta(hours=1)
    )
    assert (card.cases_total, card.cases_open, card.late_total) == (2, 2, 1)
    assert [c.case for c in card.cases] == ["ATOL-55900", "ATOL-55812"]  # newest first
    assert [c.late for c in card.cases] == [False, True]
    assert [p.case for p in card.late] == ["ATOL-55812"]
    first = vendors.vendor_card(store, actor_of("ivanova"), "vendor-atol", page=1)
    rest = vendors.vendor_card(store, actor_of("ivanova"), "vendor-atol", after=first.next)
    assert [c.case for c in first.cases + rest.cases] == ["ATOL-55900", "ATOL-55812"]
    assert rest.next is None


def test_leaving_the_vendor_closes_the_case_and_its_reminder(store, actor_of, printer):
    to_vendor(store, actor_of, printer)
    escalate(store, actor_of("morozov"), printer, "l3-experts", "ATOL sent it back repaired")
    detail = ticket_views.show(store, printer)
    assert detail.vendor.closed_at is not None
    assert tick(store, now=PROMISE + timedelta(days=1)).vendor_late == 0
    assert (
        vendors.late_promises(store, actor_of("morozov"), now=PROMISE + timedelta(days=1)).total
        == 0
    )
