"""The customer, contact and asset cards: who, what they have and bought, and every
ticket newest first, a page at a time, with counts and the SLA record. Both stores."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.services import cards
from helpdesk_tui.services.sla_tick import tick
from helpdesk_tui.store import models as m
from tests.services._helpers import FRI_10, KRAVCHENKO, new_ticket

PRINTER = "P24-001-POS1-PRN"
NOW = FRI_10 + timedelta(days=30)


@pytest.fixture
def history(store, actor_of) -> list[str]:
    """Five calls from produkty24 an hour apart, the first two about the receipt printer;
    the first solved on the phone, the second breaches its resolution deadline."""
    keys = []
    for i in range(5):
        done = new_ticket(
            store,
            actor_of("ivanova"),
            subject=f"Call {i}",
            asset=PRINTER if i < 2 else None,
            resolution="Reloaded the paper." if i == 0 else None,
            now=FRI_10 + timedelta(hours=i),
        )
        keys.append(done.key)
    tick(store, now=FRI_10 + timedelta(days=20))  # the open ones breach
    return keys


def test_the_customer_card(store, actor_of, history):
    card = cards.customer_card(store, actor_of("ivanova"), "produkty24", now=NOW)
    assert card.name == "ООО «Продукты 24»"
    assert [c.code for c in card.contracts] == ["P24-2024"]
    (contract,) = card.contracts
    assert (contract.plan, contract.services, contract.state) == ("silver", (), "valid")
    assert contract.valid_to == date(2027, 12, 31)
    assert any(c.email == KRAVCHENKO for c in card.contacts)
    assert card.contacts_total == len(card.contacts) and card.contacts_total > 5
    printer = next(a for a in card.assets if a.tag == PRINTER)
    assert printer.model and printer.serial and printer.site == "shop-001"
    assert printer.contract_end == date(2027, 12, 31)
    assert "shop-001" in [s.code for s in card.sites]
    assert [r.key for r in card.history.rows] == history[::-1]  # newest first
    assert card.history.next is None
    record = card.record
    assert (record.total, record.open, record.resolved, record.resolved_in_time) == (5, 4, 1, 1)
    assert record.breached == 4 and record.within_sla == 1.0
    assert all(r.breached for r in card.history.rows[:4])


def test_an_expired_contract_is_marked(store, actor_of):
    card = cards.customer_card(store, actor_of("ivanova"), "techmart", now=NOW.replace(year=2026))
    states = {c.code: c.state for c in card.contracts}
    assert states == {"TM-GOLD": "valid", "TM-2023": "expired"}


def test_the_history_comes_a_page_at_a_time(store, actor_of, history):
    ivanova = actor_of("ivanova")
    first = cards.customer_card(store, ivanova, "produkty24", page=2)
    seen = [r.key for r in first.history.rows]
    after = first.history.next
    while after is not None:
        page = cards.history(store, ivanova, "customer", first.id, after=after, page=2)
        assert len(page.rows) <= 2
        seen += [r.key for r in page.rows]
        after = page.next
    assert seen == history[::-1]


def test_the_asset_card_has_this_printers_incidents(store, actor_of, history):
    card = cards.asset_card(store, actor_of("volkov"), PRINTER, page=10)
    assert [r.key for r in card.history.rows] == history[1::-1]
    assert (card.record.total, card.customer) == (2, "produkty24")
    assert card.contract_end == date(2027, 12, 31)


def test_the_contact_card(store, actor_of, history):
    with store.read() as s:
        from sqlmodel import select

        contact = s.exec(select(m.Contact).where(m.Contact.email == KRAVCHENKO)).one()
    card = cards.contact_card(store, actor_of("ivanova"), contact.id)
    assert card.name == "Светлана Кравченко" and card.customer == "produkty24"
    assert [r.key for r in card.history.rows] == history[::-1]


def test_unknown_cards_are_one_line_errors(store, actor_of):
    with pytest.raises(NotFound, match="unknown customer 'nobody'"):
        cards.customer_card(store, actor_of("ivanova"), "nobody")
    with pytest.raises(NotFound, match="unknown asset"):
        cards.asset_card(store, actor_of("ivanova"), "NO-SUCH-TAG")


def test_customers_are_found_by_name_or_code(store):
    assert ("techmart", "ООО «ТехМаркет»") in cards.find_customers(store, "техмар")
    assert [code for code, _ in cards.find_customers(store, "NORTH")] == ["northwind"]
