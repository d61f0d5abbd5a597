"""Which SLA plan a call gets from its customer's contracts, and why not when it does not.

A contract names a plan for some services (none listed: every service) from one day to
another, both inclusive (no end: open-ended). A call gets the plan of a contract valid on
its day that covers its service — one that names the service beats one that covers
everything, then the most recent. Otherwise the default plan applies and the reason is
said: the contract expired, has not started, or does not cover the service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from helpdesk_tui.i18n import _


@dataclass(frozen=True)
class Terms:
    code: str
    name: str
    plan_id: int
    services: tuple[str, ...]  # empty: every service
    valid_from: date
    valid_to: date | None = None

    def covers(self, service: str) -> bool:
        return not self.services or service in self.services

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def expired_on(self, day: date) -> bool:
        return self.valid_to is not None and self.valid_to < day


@dataclass(frozen=True)
class PlanChoice:
    plan_id: int | None  # None: the default plan
    contract: str | None  # the code of the contract that gave the plan
    reason: str | None  # why the default plan applies, said to the dispatcher
    why: str | None = None  # what the reason is: none | expired | future | not_covered


def choose_plan(
    contracts: Iterable[Terms], service: str, day: date, fallback_plan_id: int | None = None
) -> PlanChoice:
    """The plan for a call on `service` on `day`. `fallback_plan_id` is the plan named on a
    customer that has no contract records at all (the older way of naming one)."""
    contracts = list(contracts)
    if not contracts:
        if fallback_plan_id is not None:
            return PlanChoice(fallback_plan_id, None, None)
        return PlanChoice(None, None, _("has no contract"), "none")
    valid = [c for c in contracts if c.valid_on(day) and c.covers(service)]
    if valid:
        best = max(valid, key=lambda c: (bool(c.services), c.valid_from, c.code))
        return PlanChoice(best.plan_id, best.code, None)
    covering = [c for c in contracts if c.covers(service)]
    expired = [c for c in covering if c.expired_on(day)]
    if expired:
        last = max(expired, key=lambda c: c.valid_to or day)
        reason = _("contract {code} expired on {day}").format(code=last.code, day=last.valid_to)
        return PlanChoice(None, None, reason, "expired")
    if covering:
        first = min(covering, key=lambda c: c.valid_from)
        reason = _("contract {code} starts on {day}").format(code=first.code, day=first.valid_from)
        return PlanChoice(None, None, reason, "future")
    current = [c for c in contracts if c.valid_on(day)] or contracts
    codes = ", ".join(sorted(c.code for c in current))
    reason = _("{service} is not covered by contract {codes}").format(service=service, codes=codes)
    return PlanChoice(None, None, reason, "not_covered")


def state_on(terms: Terms, day: date) -> str:
    """`valid`, `expired` or `future`: how a card shows a contract."""
    if terms.expired_on(day):
        return "expired"
    if terms.valid_from > day:
        return "future"
    return "valid"
