"""Registration takes the SLA plan from the customer's valid contract covering the
service; otherwise the default plan applies and the dispatcher is told why — on the form
before saving, in the result, and on the ticket afterwards. Both stores."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from helpdesk_tui.services import ticket_views
from helpdesk_tui.services.registration import preview
from helpdesk_tui.store import models as m
from tests.services._helpers import BENNETT, FRI_10, msk, new_ticket, ticket_row

VORONTSOV = "k.vorontsov@techmart.example"  # techmart
MAR_2026 = msk(2026, 3, 13, 10)  # a Friday after TM-OFFICE ran out


def plan_of(store, key: str) -> str:
    with store.read() as s:
        return s.get(m.SlaPlan, ticket_row(store, key).sla_plan_id).code


def contracts(store, customer: str, *terms: tuple[str, str, list[str], date, date | None]):
    """Replace the customer's contracts by these (code, plan, services, from, to)."""
    with store.write() as s:
        c = s.exec(select(m.Customer).where(m.Customer.code == customer)).one()
        for row in s.exec(select(m.Contract).where(m.Contract.customer_id == c.id)):
            s.delete(row)
        s.flush()
        plans = {p.code: p.id for p in s.exec(select(m.SlaPlan))}
        for code, plan, services, start, end in terms:
            s.add(
                m.Contract(
                    code=code,
                    customer_id=c.id,
                    sla_plan_id=plans[plan],
                    services=services,
                    valid_from=start,
                    valid_to=end,
                )
            )


@pytest.fixture
def techmart(store):
    """Gold for the shops' equipment; the office on bronze until the end of 2025."""
    contracts(
        store,
        "techmart",
        ("TM-SHOPS", "gold", ["pos", "receipt-printer"], date(2024, 1, 1), None),
        ("TM-OFFICE", "bronze", ["workstation", "email"], date(2024, 1, 1), date(2025, 12, 31)),
    )


def test_the_contract_naming_the_service_gives_its_plan(store, actor_of, techmart):
    office = new_ticket(store, actor_of("ivanova"), contact=VORONTSOV, service="workstation")
    shop = new_ticket(store, actor_of("ivanova"), contact=VORONTSOV, service="pos")
    assert (plan_of(store, office.key), plan_of(store, shop.key)) == ("bronze", "gold")
    assert office.warnings == shop.warnings == ()
    assert ticket_views.show(store, office.key).plan_note == ""


def test_an_expired_contract_means_the_default_plan_and_a_warning_everywhere(
    store, actor_of, techmart
):
    p = preview(store, service="workstation", customer="techmart", now=MAR_2026)
    warning = (
        "ООО «ТехМаркет»: contract TM-OFFICE expired on 2025-12-31: the default plan silver applies"
    )
    assert p.warnings == (warning,)
    assert p.plan.endswith("(default plan)")
    done = new_ticket(
        store, actor_of("ivanova"), contact=VORONTSOV, service="workstation", now=MAR_2026
    )
    assert done.warnings == (warning,)
    assert plan_of(store, done.key) == "silver"
    detail = ticket_views.show(store, done.key)
    assert detail.plan_note == "default plan: contract TM-OFFICE expired on 2025-12-31"


def test_a_service_outside_every_contract_gets_the_default_plan(store, actor_of):
    contracts(store, "northwind", ("NW-DESKS", "bronze", ["workstation"], date(2024, 1, 1), None))
    done = new_ticket(store, actor_of("ivanova"), contact=BENNETT, service="receipt-printer")
    assert done.warnings == (
        "Northwind Trading LLC: receipt-printer is not covered by contract NW-DESKS: "
        "the default plan silver applies",
    )
    assert plan_of(store, done.key) == "silver"
    covered = new_ticket(store, actor_of("ivanova"), contact=BENNETT, service="workstation")
    assert plan_of(store, covered.key) == "bronze"
    p = preview(store, service="workstation", customer="northwind", now=FRI_10)
    assert p.plan == "Bronze (business hours)" and p.warnings == ()


def test_the_contracts_come_from_data_load(store):
    with store.read() as s:
        rows = {c.code: c for c in s.exec(select(m.Contract))}
    assert {"P24-2024", "TM-GOLD", "TM-2023", "NW-BRONZE"} <= set(rows)
    assert rows["TM-2023"].valid_to == date(2023, 12, 31)
    assert rows["TM-2023"].services == ["pos", "receipt-printer", "fiscal-drive"]
    assert rows["P24-2024"].services == []  # every service


def test_the_default_plan_warning_is_said_in_the_language_in_force(store, actor_of, techmart):
    from helpdesk_tui import i18n

    with i18n.using("ru"):
        p = preview(store, service="workstation", customer="techmart", now=MAR_2026)
    assert p.warnings == (
        "ООО «ТехМаркет»: срок договора TM-OFFICE истёк 2025-12-31; "
        "действует план по умолчанию silver",
    )
