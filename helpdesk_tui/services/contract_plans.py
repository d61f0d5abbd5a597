"""The SLA plan a call gets from its customer's contracts (`domain.contracts` decides):
read by registration, the registration form's preview and the ticket pane alike."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from helpdesk_tui.domain.contracts import PlanChoice, Terms, choose_plan
from helpdesk_tui.services.catalog import Catalog, PlanInfo
from helpdesk_tui.store import models as m


def contracts_of(s: Session, customer: m.Customer | None) -> list[Terms]:
    """A customer's active contracts: one look-up on `ix_contract_customer`."""
    if customer is None:
        return []
    c = m.Contract
    rows = s.execute(  # plain columns: no ORM identity map on the registration path
        select(c.code, c.name, c.sla_plan_id, c.services, c.valid_from, c.valid_to).where(
            c.customer_id == customer.id, c.active
        )
    ).all()
    return [
        Terms(code, name, plan, tuple(svc), start, end)
        for code, name, plan, svc, start, end in rows
    ]


def terms_of(c: m.Contract) -> Terms:
    return Terms(c.code, c.name, c.sla_plan_id, tuple(c.services), c.valid_from, c.valid_to)


def plan_choice(
    cat: Catalog, customer: m.Customer | None, service: str, terms: list[Terms], at: datetime
) -> tuple[PlanInfo, PlanChoice]:
    """The plan a call gets, and the choice (with the reason when the default applies).
    The day is the call's day on the default plan's calendar (the desk's own)."""
    default = cat.plan_for(None)
    if customer is None:
        return default, PlanChoice(None, None, None)
    day = at.astimezone(ZoneInfo(cat.calendar_of(default).spec.timezone)).date()
    choice = choose_plan(terms, service, day, customer.sla_plan_id)
    if choice.plan_id is not None and choice.plan_id in cat.plans:
        return cat.plans[choice.plan_id], choice
    return default, choice
