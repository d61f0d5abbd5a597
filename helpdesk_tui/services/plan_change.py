"""Moving an open ticket to another SLA plan (a contract changed, a call filed under the
wrong customer's plan): one transaction, one event.

The point is what happens to the clocks: like a priority change, the new deadlines count
the business time already used, pauses excluded, not a fresh start. Under a plan on
another calendar that time is carried over as it was used (`clocks.rebase_pauses`), then
the new plan's targets and calendar give the deadlines (`ticket_actions.clock_values`, the
priority change's own recomputation). Pause rows stay as they were recorded; a pause under
way goes on, and its length is measured in the new calendar when it ends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.text import clean_line
from helpdesk_tui.domain.vocab import EventKind
from helpdesk_tui.i18n import _, localized
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, PlanInfo, catalog
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_actions import Changed, changed_result, clock_values, editing
from helpdesk_tui.services.ticket_core import apply, require_open, require_text, utcnow
from helpdesk_tui.store.db import Store


def find_plan(cat: Catalog, code: str) -> PlanInfo:
    wanted = clean_line(code).lower()
    for plan in cat.plans.values():
        if plan.code == wanted:
            return plan
    known = ", ".join(sorted(p.code for p in cat.plans.values()))
    raise NotFound(_("no SLA plan {code!r} (known: {known})").format(code=wanted, known=known))


def plans(store: Store) -> list[tuple[str, str]]:
    """The plans a ticket may move to, as (code, name in the language in force)."""
    return sorted((p.code, localized(p)) for p in catalog(store).plans.values())


@guarded("ticket.plan")
def change_plan(
    store: Store,
    actor: Actor,
    key: str,
    plan: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Put the ticket on the SLA plan `plan` (its code): targets, calendar and at-risk share
    of the new plan, from the business time already used."""
    now = now or utcnow()
    with editing(store, actor, key, expected_version) as (s, cat, t):
        require_open(t, _("change its SLA plan"))
        new = find_plan(cat, plan)
        old = cat.plan_for(t.sla_plan_id)
        if new.id == t.sla_plan_id:
            raise Invalid(_("{key} is on the plan {plan} already").format(key=t.key, plan=new.code))
        if t.priority not in new.targets:
            raise Invalid(
                _("the plan {plan} has no targets for P{priority}").format(
                    plan=new.code, priority=t.priority
                )
            )
        response_s, resolution_s = new.targets[t.priority]
        update_s = new.update_target(t.priority)
        paused_s, update_base = clocks.rebase_pauses(
            cat.calendar_of(old),
            cat.calendar_of(new),
            t.created_at,
            t.paused_s,
            t.paused_at,
            now,
            t.update_from,
            t.update_paused_base_s,
        )
        values: dict[str, Any] = {
            "sla_plan_id": new.id,
            "response_target_s": response_s,
            "resolution_target_s": resolution_s,
            "update_target_s": update_s,
            "paused_s": paused_s,
            "update_paused_base_s": update_base,
        }
        values.update(clock_values(cat, t, now, **values))
        body = require_text(reason, "the reason") if reason.strip() else ""
        event = apply(s, actor, t, EventKind.SLA_PLAN, values, now=now, body=body)
        return changed_result(
            s,
            t,
            event,
            _("{key} is on the SLA plan {plan}").format(key=t.key, plan=localized(new)),
        )
