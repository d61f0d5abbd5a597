"""What agents (and customers, and the clock) do to a ticket: one transaction, one event each.

Every function takes the store, the acting `Actor`, the ticket key and, from a screen,
the version the person was looking at (`expected_version`): a save over a newer version
is refused with a conflict naming who changed what. Each is `@guarded` by its action in
`domain/permissions.py`: the actor's standing and role are checked before anything is
read, and every refusal is audited (`services/refusals.py`).

Languages: the messages returned and raised are in the language in force (`_()`), for the
person reading them now. Words written into the timeline (a pause's reason, "Resumed
after 2h 05m…") are recorded in the language in force when written and stay so: the
timeline is a record, like the agents' own notes; the screens translate only the words
they add around it (the event's kind, its status, its time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.pauses import describe as describe_pause
from helpdesk_tui.domain.pauses import parse_reason
from helpdesk_tui.domain.placeholders import fill
from helpdesk_tui.domain.priority import priority_of
from helpdesk_tui.domain.text import clean
from helpdesk_tui.domain.vocab import EventKind, LinkKind, Role, link_label, status_label
from helpdesk_tui.domain.workflow import PAUSED, Status, check_transition, parse_status
from helpdesk_tui.i18n import _, format_duration
from helpdesk_tui.services import notify
from helpdesk_tui.services.agents import CUSTOMER_ACTOR, Actor
from helpdesk_tui.services.catalog import Catalog, catalog
from helpdesk_tui.services.pauses import pause_reasons
from helpdesk_tui.services.refusals import guarded, require
from helpdesk_tui.services.ticket_core import (
    apply,
    check_scope,
    count_template_use,
    load_for_update,
    normalize_key,
    require_open,
    require_text,
    utcnow,
)
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store, held, store_cache


@dataclass(frozen=True)
class Changed:
    """The outcome of an action, for the screen to update itself without a re-read."""

    key: str
    version: int
    status: str
    assignee: str | None
    event_id: int
    message: str


@contextmanager
def editing(
    store: Store, actor: Actor, key: str, expected_version: int | None
) -> Iterator[tuple[Session, Catalog, m.Ticket]]:
    with store.write() as s:
        cat = catalog(store, s)
        ticket = load_for_update(s, key, expected_version)
        check_scope(actor, ticket, cat.groups[ticket.group_id].code)
        yield s, cat, ticket


def changed_result(s: Session, ticket: m.Ticket, event: m.TicketEvent, message: str) -> Changed:
    login = _login(s, ticket.assignee_id) if ticket.assignee_id is not None else None
    return Changed(ticket.key, ticket.version, ticket.status, login, event.id, message)


def _login(s: Session, agent_id: int) -> str:
    """An agent's login. Agents are never removed nor renamed, so a login once read is kept
    for the store: a run over a thousand tickets asks for the same few, one query each."""
    logins = store_cache(s).setdefault("agent_logins", {})
    if agent_id not in logins:
        logins[agent_id] = s.exec(select(m.Agent.login).where(m.Agent.id == agent_id)).one()
    return logins[agent_id]


# -- the SLA side of a change -------------------------------------------------------------


def clock_values(cat: Catalog, t: m.Ticket, now: datetime, **facts: Any) -> dict[str, Any]:
    """The ticket's SLA fields after `facts` (paused_s, paused_at, first_response_at,
    resolved_at, priority targets, sla_plan_id) change. A clock that was already met keeps
    its deadline."""
    plan = cat.plan_for(facts.get("sla_plan_id", t.sla_plan_id))
    cal = cat.calendar_of(plan)
    get = lambda name: facts.get(name, getattr(t, name))  # noqa: E731
    update_s = get("update_target_s")
    update_from, update_base = get("update_from"), get("update_paused_base_s")
    started: dict[str, Any] = {}
    if update_s and update_from is None:
        # a ticket from before the update clock (or its plan had none): it starts now
        update_from = now
        update_base = clocks.paused_until(cal, get("paused_s"), get("paused_at"), now)
        started = {"update_from": update_from, "update_paused_base_s": update_base}
    clk = clocks.compute(
        cal,
        clocks.ClockInput(
            created_at=t.created_at,
            response_s=get("response_target_s"),
            resolution_s=get("resolution_target_s"),
            at_risk=plan.at_risk,
            paused_s=get("paused_s"),
            paused_at=get("paused_at"),
            first_response_at=get("first_response_at"),
            resolved_at=get("resolved_at"),
            alerts=t.alerts,
            update_s=update_s,
            update_from=update_from,
            update_paused_base_s=update_base,
        ),
        now,
    )
    values: dict[str, Any] = {
        "resolution_due": clk.resolution_due,
        "resolution_risk_at": clk.resolution_risk_at,
        "due_at": clk.due_at,
        "next_alert_at": clk.next_alert_at,
        "alerts": clk.alerts,
        "update_due": clk.update_due,
        "update_risk_at": clk.update_risk_at,
    }
    values.update(started)
    if t.first_response_at is None:
        values.update(response_due=clk.response_due, response_risk_at=clk.response_risk_at)
    if t.resolved_at is not None and get("resolved_at") is not None:
        # resolved and staying resolved: the resolution clock is history
        values.pop("resolution_due")
        values.pop("resolution_risk_at")
    return values


def _durations(
    cal, t: m.Ticket, at: datetime, paused_s: int, *, response: bool, resolution: bool
) -> dict[str, Any]:
    """What the first response and/or the resolution took, for the reports."""
    business, wall = clocks.took(cal, t.created_at, at, paused_s)
    out: dict[str, Any] = {}
    if response:
        out.update(response_business_s=business, response_wall_s=wall)
    if resolution:
        out.update(resolution_business_s=business, resolution_wall_s=wall)
    return out


def update_restart(
    cat: Catalog,
    t: m.Ticket,
    now: datetime,
    paused_s: int | None = None,
    paused_at: datetime | None = None,
) -> dict[str, Any]:
    """A public message to the customer: the update clock is answered (counted on time or
    late, for the KPI) and starts again from `now`."""
    cal = cat.calendar_of(cat.plan_for(t.sla_plan_id))
    paused_s = t.paused_s if paused_s is None else paused_s
    values: dict[str, Any] = {
        "update_from": now,
        "update_paused_base_s": clocks.paused_until(cal, paused_s, paused_at, now),
    }
    if t.update_due is not None and t.update_target_s:
        # a paused clock was not running out: judged where it stood when the pause began
        judged_at = t.paused_at if t.paused_at is not None and t.paused_at < now else now
        if judged_at <= t.update_due:
            values["updates_on_time"] = t.updates_on_time + 1
        else:
            values["updates_late"] = t.updates_late + 1
    return values


def _record_pause(
    s: Session,
    cat: Catalog,
    t: m.Ticket,
    actor: Actor,
    values: dict[str, Any],
    now: datetime,
    reason: tuple[str, str] | None,
) -> str:
    """Open or close the ticket's pause row as the change pauses or resumes the clocks; the
    words for the event ("" when nothing paused or resumed)."""
    before, after = t.paused_at, values.get("paused_at", t.paused_at)
    if before is None and after is not None:
        code, words = reason or ("unspecified", "")
        s.add(
            m.TicketPause(
                ticket_id=t.id,
                reason=code,
                note=words,
                started_at=after,
                started_by_id=actor.id,
            )
        )
        return _("Paused: {why}").format(why=describe_pause(code, words, pause_reasons(s)))
    if before is not None and after is None:
        cal = cat.calendar_of(cat.plan_for(t.sla_plan_id))
        row = s.exec(
            select(m.TicketPause)
            .where(m.TicketPause.ticket_id == t.id, m.TicketPause.ended_at.is_(None))
            .order_by(m.TicketPause.id.desc())
        ).first()
        business = round(cal.between(before, now))
        wall = max(0, round((now - before).total_seconds()))
        if row is not None:
            row.ended_at, row.ended_by_id = now, actor.id
            row.business_s, row.wall_s = business, wall
            s.add(row)
        return _("Resumed after {business} business ({wall} wall)").format(
            business=format_duration(business), wall=format_duration(wall)
        )
    return ""


def moved_message(key: str, new: Status) -> str:
    """What a status change tells the agent: "HD-1 is in progress", "HD-1 waits for the
    customer"."""
    if new == Status.WAITING_CUSTOMER:
        return _("{key} waits for the customer").format(key=key)
    if new == Status.WAITING_VENDOR:
        return _("{key} waits for the vendor").format(key=key)
    return _("{key} is {status}").format(key=key, status=status_label(new))


def _with_words(body: str, words: str) -> str:
    return "\n".join(x for x in (words, body) if x)


def _status_values(cat: Catalog, t: m.Ticket, new: Status, now: datetime) -> dict[str, Any]:
    """Status plus what it does to the clocks: waiting for the customer pauses them."""
    values: dict[str, Any] = {"status": new.value}
    paused_at, paused_s = t.paused_at, t.paused_s
    if paused_at is not None and new not in PAUSED:
        cal = cat.calendar_of(cat.plan_for(t.sla_plan_id))
        paused_s += round(cal.between(paused_at, now))
        paused_at = None
    elif paused_at is None and new in PAUSED:
        paused_at = now
    values.update(paused_at=paused_at, paused_s=paused_s)
    values.update(clock_values(cat, t, now, paused_at=paused_at, paused_s=paused_s))
    return values


# -- taking and assigning -----------------------------------------------------------------


@guarded("ticket.take")
def take(
    store: Store,
    actor: Actor,
    key: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Take an unassigned ticket. Of two agents racing, one wins; the other is told who."""
    now = now or utcnow()
    with editing(store, actor, key, None) as (s, cat, t):
        require_open(t, _("take it"))
        if t.assignee_id is not None:
            holder = s.get(m.Agent, t.assignee_id)
            if holder.id == actor.id:
                raise Conflict(_("{key} is already yours").format(key=t.key))
            raise Conflict(
                _("{key} is already taken by {login} ({name})").format(
                    key=t.key, login=holder.login, name=holder.name
                )
            )
        if expected_version is not None and t.version != expected_version:
            load_for_update(s, key, expected_version)  # raises the conflict with details
        if actor.role == Role.ENGINEER and t.group_id not in actor.group_ids:
            raise NotAllowed(
                _("{key} is in group {code}, which {login} is not in").format(
                    key=t.key, code=cat.groups[t.group_id].code, login=actor.login
                )
            )
        values: dict[str, Any] = {"assignee_id": actor.id}
        if t.status in (Status.NEW, Status.REOPENED):
            check_transition(t.status, Status.ASSIGNED, actor.role)
            values["status"] = Status.ASSIGNED.value
        event = apply(s, actor, t, EventKind.TAKEN, values, now=now)
        return changed_result(s, t, event, _("{key} is yours").format(key=t.key))


@guarded("ticket.assign")
def assign(
    store: Store,
    actor: Actor,
    key: str,
    login: str | None,
    *,
    group: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Give the ticket to an agent of its group (or to nobody: back to the queue), or move
    it to another group of the same line. Engineers hand over only within their group."""
    now = now or utcnow()
    with editing(store, actor, key, expected_version) as (s, cat, t):
        require_open(t, _("assign it"))
        values: dict[str, Any] = {}
        target_group = cat.groups[t.group_id]
        if group is not None:
            target_group = cat.group(group)
            if target_group.id != t.group_id:
                if actor.role == Role.ENGINEER:
                    raise NotAllowed(_("an engineer moves tickets between groups by escalating"))
                if target_group.line_id != t.line_id:
                    raise Invalid(
                        _("{code} is on line {line_code}: use escalate to change lines").format(
                            code=target_group.code, line_code=target_group.line_code
                        )
                    )
                values["group_id"] = target_group.id
        agent = None
        if login:
            agent = s.exec(select(m.Agent).where(m.Agent.login == login)).first()
            if agent is None:
                raise NotFound(_("no agent with login {login!r}").format(login=login))
            if not agent.active:
                raise Invalid(_("agent {login} is inactive").format(login=login))
            member = s.exec(
                select(m.Membership).where(
                    m.Membership.agent_id == agent.id, m.Membership.group_id == target_group.id
                )
            ).first()
            if member is None:
                raise Invalid(
                    _("{login} is not in group {code}").format(login=login, code=target_group.code)
                )
        if actor.role == Role.ENGINEER and t.group_id not in actor.group_ids:
            raise NotAllowed(
                _("{login} is not in group {code}").format(
                    login=actor.login, code=target_group.code
                )
            )
        values["assignee_id"] = agent.id if agent else None
        if agent and t.status in (Status.NEW, Status.REOPENED):
            check_transition(t.status, Status.ASSIGNED, actor.role)
            values["status"] = Status.ASSIGNED.value
        if agent is None and t.status in (Status.ASSIGNED, Status.IN_PROGRESS):
            check_transition(t.status, Status.NEW, actor.role)
            values["status"] = Status.NEW.value
        if all(getattr(t, k) == v for k, v in values.items()):
            already = (
                _("{key} is already with {login}") if login else _("{key} is already unassigned")
            )
            raise Invalid(already.format(key=t.key, login=login))
        event = apply(s, actor, t, EventKind.ASSIGNED, values, now=now)
        if agent is not None and agent.id != actor.id:
            notify.notify_agent(s, cat, t, agent, "assigned", now=now)
        went = _("{key} → {login}") if login else _("{key} → queue {group}")
        return changed_result(
            s, t, event, went.format(key=t.key, login=login, group=target_group.code)
        )


@guarded("ticket.reassign")
def reassign_to_agent(
    store: Store,
    actor: Actor,
    key: str,
    login: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """A supervisor moves a ticket to an agent: within the ticket's group if the agent is in
    it, else to the agent's group on the same line (another line needs an escalation)."""
    cat = catalog(store)
    with store.read() as s:
        agent = s.exec(select(m.Agent).where(m.Agent.login == login)).first()
        if agent is None:
            raise NotFound(_("no agent with login {login!r}").format(login=login))
        groups = set(
            s.exec(select(m.Membership.group_id).where(m.Membership.agent_id == agent.id)).all()
        )
        ticket = s.exec(select(m.Ticket).where(m.Ticket.key == normalize_key(key))).first()
        if ticket is None:
            raise NotFound(_("no ticket {key}").format(key=normalize_key(key)))
    if ticket.group_id in groups:
        return assign(store, actor, key, login, expected_version=expected_version, now=now)
    same_line = [g for g in groups if g in cat.groups and cat.groups[g].line_id == ticket.line_id]
    if not same_line:
        raise Invalid(
            _("{login} works on another line: escalate {key} instead").format(
                login=login, key=ticket.key
            )
        )
    return assign(
        store,
        actor,
        key,
        login,
        group=cat.groups[min(same_line)].code,
        expected_version=expected_version,
        now=now,
    )


# -- status ---------------------------------------------------------------------------------


@guarded("ticket.status")
def set_status(
    store: Store,
    actor: Actor,
    key: str,
    status: str,
    *,
    note: str = "",
    reason: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Move through the workflow. Resolving, closing and reopening have their own actions
    (they need a resolution, a confirmation, a reason). Waiting for the customer records
    why (`reason`: a code of data/sla.toml's pause reasons, `code: words`, or words)."""
    new = parse_status(status)
    if new == Status.RESOLVED:
        return resolve(store, actor, key, note, expected_version=expected_version, now=now)
    if new == Status.CLOSED:
        return close(store, actor, key, expected_version=expected_version, now=now)
    if new == Status.REOPENED:
        return reopen(store, actor, key, note, expected_version=expected_version, now=now)
    if new == Status.CANCELLED:
        return cancel(store, actor, key, note, expected_version=expected_version, now=now)
    return _move(store, actor, key, new, note, expected_version, now, reason)


@guarded("ticket.cancel")
def cancel(
    store: Store,
    actor: Actor,
    key: str,
    reason: str = "",
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Cancel an open ticket: a duplicate, a mistake, a withdrawn call."""
    return _move(store, actor, key, Status.CANCELLED, reason, expected_version, now)


def _move(
    store: Store,
    actor: Actor,
    key: str,
    new: Status,
    note: str,
    expected_version: int | None,
    now: datetime | None,
    reason: str | None = None,
) -> Changed:
    now = now or utcnow()
    with editing(store, actor, key, expected_version) as (s, cat, t):
        if t.status == new:
            raise Invalid(
                _("{key} is already {status}").format(key=t.key, status=status_label(new))
            )
        check_transition(t.status, new, actor.role)
        why = None
        if reason is not None and new in PAUSED:
            why = parse_reason(reason, [r.code for r in pause_reasons(s)])
        values = _status_values(cat, t, new, now)
        queued = t.assignee_id is None and actor.is_agent
        if new in (Status.ASSIGNED, Status.IN_PROGRESS) and queued:
            values["assignee_id"] = actor.id  # claiming or starting work on a queued ticket
        if new == Status.NEW:
            values["assignee_id"] = None  # handed back to the queue
        if new == Status.CANCELLED:
            values.update(due_at=None, next_alert_at=None, closed_at=now)
        body = require_text(note, _("the note")) if note.strip() else ""
        body = _with_words(body, _record_pause(s, cat, t, actor, values, now, why))
        event = apply(s, actor, t, EventKind.STATUS, values, now=now, body=body)
        return changed_result(s, t, event, moved_message(t.key, new))


@guarded("ticket.resolve")
def resolve(
    store: Store,
    actor: Actor,
    key: str,
    resolution: str,
    *,
    template: str | None = None,
    fill_in: bool = False,
    cascade: bool = True,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Resolve with a resolution text; the customer is asked to confirm. `fill_in`: the
    text's `{{…}}` placeholders are filled for this ticket (one text for many tickets).
    A mass incident's open children are resolved with it unless `cascade` is False (the
    caller then runs `mass_incident.cascade` itself, with a progress bar)."""
    now = now or utcnow()
    text = require_text(resolution, _("the resolution"))
    with editing(store, actor, key, expected_version) as (s, cat, t):
        check_transition(t.status, Status.RESOLVED, actor.role)
        if fill_in:
            text = _filled(s, cat, t, actor, text)
        plan = cat.plan_for(t.sla_plan_id)
        cal = cat.calendar_of(plan)
        values = _status_values(cat, t, Status.RESOLVED, now)
        first = t.first_response_at or now
        values.update(
            resolved_at=now,
            first_response_at=first,
            resolution=text,
            auto_close_at=cal.add_business_days(now, plan.auto_close_days),
            assignee_id=t.assignee_id or (actor.id if actor.is_agent else None),
        )
        values.update(
            clock_values(
                cat,
                t,
                now,
                resolved_at=now,
                first_response_at=first,
                paused_at=values["paused_at"],
                paused_s=values["paused_s"],
            )
        )
        values.update(update_restart(cat, t, now, values["paused_s"]))
        values.update(due_at=None, next_alert_at=None, update_due=None, update_risk_at=None)
        _record_pause(s, cat, t, actor, values, now, None)
        values.update(
            _durations(
                cal,
                t,
                now,
                values["paused_s"],
                response=t.first_response_at is None,
                resolution=True,
            )
        )
        event = apply(s, actor, t, EventKind.RESOLVED, values, now=now, body=text, public=True)
        if template:
            count_template_use(s, template)
        notify.notify_customer(s, cat, t, "resolved", now=now, body=text, agent_name=actor.name)
        result = changed_result(
            s, t, event, _("{key} resolved; the customer is asked to confirm").format(key=t.key)
        )
        parent = cascade and _has_children(s, t.id)
    if parent:  # a mass incident: its open children go with it, each its own change
        from helpdesk_tui.services import mass_incident

        went = mass_incident.cascade(store, actor, result.key, text, now=now)
        result = replace(
            result,
            message=_("{done}; {cascade}").format(done=result.message, cascade=went.describe()),
        )
    return result


def _filled(s: Session, cat: Catalog, t: m.Ticket, actor: Actor, text: str) -> str:
    """`text` with its placeholders filled for `t` in its contact's language, read in the
    change's own transaction (the notice to the customer then finds the same rows)."""
    notify.hold_parties(s, t)
    contact = held(s, m.Contact, t.contact_id)
    values = notify.placeholder_values(
        s, cat, t, language=contact.language if contact else "en", agent_name=actor.name
    )
    return fill(text, values)


def _has_children(s: Session, ticket_id: int) -> bool:
    return (
        s.exec(select(m.Ticket.id).where(m.Ticket.parent_id == ticket_id).limit(1)).first()
        is not None
    )


@guarded("ticket.confirm")
def confirm(
    store: Store,
    actor: Actor,
    key: str,
    *,
    rating: int | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """The customer confirms the resolution (by mail, or an agent on their behalf): closed."""
    now = now or utcnow()
    if rating is not None and not 1 <= rating <= 5:
        raise Invalid(_("a rating is 1 to 5"))
    if rating is not None:
        require(store, actor, "ticket.rate", key=key)  # a rating is the customer's word
    with editing(store, actor, key, expected_version) as (s, cat, t):
        if t.status != Status.RESOLVED:
            raise NotAllowed(
                _("{key} is {status}: only a resolved ticket can be confirmed").format(
                    key=t.key, status=status_label(t.status)
                )
            )
        check_transition(t.status, Status.CLOSED, actor.role)
        values: dict[str, Any] = {
            "status": Status.CLOSED.value,
            "closed_at": now,
            "auto_close_at": None,
        }
        if rating is not None:
            values["satisfaction"] = rating
        event = apply(s, actor, t, EventKind.CONFIRMED, values, now=now)
        notify.notify_customer(s, cat, t, "closed", now=now)
        return changed_result(s, t, event, _("{key} confirmed and closed").format(key=t.key))


@guarded("ticket.rate")
def rate(
    store: Store,
    actor: Actor,
    key: str,
    rating: int,
    *,
    now: datetime | None = None,
) -> Changed:
    """A satisfaction rating that arrives after the ticket closed (by itself, or on a
    confirmation without one): recorded, not lost. A resolved ticket is confirmed instead."""
    if not 1 <= rating <= 5:
        raise Invalid(_("a rating is 1 to 5"))
    now = now or utcnow()
    with editing(store, actor, key, None) as (s, _cat, t):
        if t.status == Status.RESOLVED:
            pass
        elif t.status != Status.CLOSED:
            raise NotAllowed(
                _("{key} is {status}: ratings are for closed tickets").format(
                    key=t.key, status=status_label(t.status)
                )
            )
        else:
            event = apply(s, actor, t, EventKind.RATED, {"satisfaction": rating}, now=now)
            return changed_result(
                s, t, event, _("{key} rated {rating}").format(key=t.key, rating=rating)
            )
    return confirm(store, actor, key, rating=rating, now=now)


@guarded("ticket.close")
def close(
    store: Store,
    actor: Actor,
    key: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
    kind: str = EventKind.CLOSED,
) -> Changed:
    """Close a resolved ticket without the customer's word (an agent, or the clock)."""
    now = now or utcnow()
    with editing(store, actor, key, expected_version) as (s, cat, t):
        if t.status != Status.RESOLVED:
            raise NotAllowed(
                _("{key} is {status}: resolve it first (or cancel it)").format(
                    key=t.key, status=status_label(t.status)
                )
            )
        check_transition(t.status, Status.CLOSED, actor.role)
        event = apply(
            s,
            actor,
            t,
            kind,
            {"status": Status.CLOSED.value, "closed_at": now, "auto_close_at": None},
            now=now,
        )
        notify.notify_customer(s, cat, t, "closed", now=now)
        return changed_result(s, t, event, _("{key} closed").format(key=t.key))


@guarded("ticket.reopen")
def reopen(
    store: Store,
    actor: Actor,
    key: str,
    reason: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Reopen a resolved ticket (counted). The time it spent resolved does not count
    against the resolution clock."""
    now = now or utcnow()
    text = require_text(reason, _("the reason for reopening"))
    with editing(store, actor, key, expected_version) as (s, cat, t):
        return _reopen(s, cat, t, actor, text, now)


def _reopen(
    s: Session, cat: Catalog, t: m.Ticket, actor: Actor, text: str, now: datetime
) -> Changed:
    check_transition(t.status, Status.REOPENED, actor.role)
    plan = cat.plan_for(t.sla_plan_id)
    cal = cat.calendar_of(plan)
    since = t.resolved_at or t.closed_at or now
    paused_s = t.paused_s + round(cal.between(since, now))
    values: dict[str, Any] = {
        "status": Status.REOPENED.value,
        "resolved_at": None,
        "closed_at": None,
        "auto_close_at": None,
        "reopen_count": t.reopen_count + 1,
        "paused_s": paused_s,
        "paused_at": None,
        "fcr": False,
        "resolution_business_s": None,
        "resolution_wall_s": None,
        "resolution_due": clocks.deadline(cal, t.created_at, t.resolution_target_s, paused_s),
        "resolution_risk_at": clocks.deadline(
            cal, t.created_at, t.resolution_target_s * plan.at_risk, paused_s
        ),
        "update_from": now,  # the customer has just been heard: a new update cycle
        "update_paused_base_s": paused_s,
    }
    values.update(
        clock_values(
            cat,
            t,
            now,
            resolved_at=None,
            paused_s=paused_s,
            paused_at=None,
            update_from=now,
            update_paused_base_s=paused_s,
        )
    )
    event = apply(
        s, actor, t, EventKind.REOPENED, values, now=now, body=text, public=actor.kind == "customer"
    )
    return changed_result(s, t, event, _("{key} reopened").format(key=t.key))


# -- words ------------------------------------------------------------------------------------


@guarded("ticket.reply")
def reply(
    store: Store,
    actor: Actor,
    key: str,
    body: str,
    *,
    template: str | None = None,
    fill_in: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """A public reply to the customer: mailed, and the first one answers the response clock.
    `fill_in`: the body's `{{…}}` placeholders are filled for this ticket."""
    now = now or utcnow()
    text = require_text(body, _("the reply"))
    with editing(store, actor, key, expected_version) as (s, cat, t):
        if t.status in (Status.CLOSED, Status.CANCELLED):
            raise NotAllowed(
                _("{key} is {status}: reopen it to reply").format(
                    key=t.key, status=status_label(t.status)
                )
            )
        if fill_in:
            text = _filled(s, cat, t, actor, text)
        values: dict[str, Any] = {}
        if t.first_response_at is None:
            values["first_response_at"] = now
            cal = cat.calendar_of(cat.plan_for(t.sla_plan_id))
            values.update(_durations(cal, t, now, t.paused_s, response=True, resolution=False))
        if t.resolved_at is None:
            values.update(update_restart(cat, t, now, paused_at=t.paused_at))
            facts = {
                k: values[k]
                for k in ("first_response_at", "update_from", "update_paused_base_s")
                if k in values
            }
            values.update(clock_values(cat, t, now, **facts))
        event = apply(s, actor, t, EventKind.REPLY, values, now=now, body=text, public=True)
        if template:
            count_template_use(s, template)
        notify.notify_customer(s, cat, t, "reply", now=now, body=text, agent_name=actor.name)
        return changed_result(s, t, event, _("reply sent on {key}").format(key=t.key))


@guarded("ticket.note")
def note(
    store: Store,
    actor: Actor,
    key: str,
    body: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """An internal note: never mailed, never shown to the customer."""
    now = now or utcnow()
    text = require_text(body, _("the note"))
    with editing(store, actor, key, expected_version) as (s, _cat, t):
        event = apply(s, actor, t, EventKind.NOTE, {}, now=now, body=text, public=False)
        return changed_result(s, t, event, _("note added to {key}").format(key=t.key))


def customer_reply(store: Store, key: str, body: str, *, now: datetime | None = None) -> Changed:
    """The customer wrote: a resolved ticket reopens (counted), a waiting one resumes."""
    now = now or utcnow()
    text = require_text(body, _("the customer's message"))
    actor = CUSTOMER_ACTOR
    with editing(store, actor, key, None) as (s, cat, t):
        if t.status == Status.RESOLVED:
            return _reopen(s, cat, t, actor, text, now)
        if t.status in (Status.CLOSED, Status.CANCELLED):
            raise NotAllowed(
                _("{key} is {status}").format(key=t.key, status=status_label(t.status))
            )
        values: dict[str, Any] = {}
        if t.status == Status.WAITING_CUSTOMER:
            values = _status_values(cat, t, Status.IN_PROGRESS, now)
            _record_pause(s, cat, t, actor, values, now, None)
        event = apply(
            s, actor, t, EventKind.CUSTOMER_REPLY, values, now=now, body=text, public=True
        )
        return changed_result(s, t, event, _("customer replied on {key}").format(key=t.key))


# -- priority, time, links ----------------------------------------------------------------------


@guarded("ticket.priority")
def change_priority(
    store: Store,
    actor: Actor,
    key: str,
    impact: int,
    urgency: int,
    *,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """New impact/urgency → new priority → deadlines recomputed from the time already used."""
    now = now or utcnow()
    with editing(store, actor, key, expected_version) as (s, cat, t):
        require_open(t, _("change its priority"))
        priority = priority_of(cat.matrix, impact, urgency)
        if (impact, urgency) == (t.impact, t.urgency):
            raise Invalid(
                _("{key} already has impact {impact} and urgency {urgency}").format(
                    key=t.key, impact=impact, urgency=urgency
                )
            )
        plan = cat.plan_for(t.sla_plan_id)
        response_s, resolution_s = plan.targets[priority]
        update_s = plan.update_target(priority)
        values: dict[str, Any] = {
            "impact": impact,
            "urgency": urgency,
            "priority": priority,
            "response_target_s": response_s,
            "resolution_target_s": resolution_s,
            "update_target_s": update_s,
        }
        values.update(
            clock_values(
                cat,
                t,
                now,
                response_target_s=response_s,
                resolution_target_s=resolution_s,
                update_target_s=update_s,
            )
        )
        body = require_text(reason, _("the reason")) if reason.strip() else ""
        event = apply(s, actor, t, EventKind.PRIORITY, values, now=now, body=body)
        return changed_result(
            s, t, event, _("{key} is P{priority}").format(key=t.key, priority=priority)
        )


@guarded("ticket.time")
def log_time(
    store: Store,
    actor: Actor,
    key: str,
    minutes: int,
    *,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    now = now or utcnow()
    if not 1 <= minutes <= 24 * 60:
        raise Invalid(_("time spent is 1 to 1440 minutes at a time"))
    with editing(store, actor, key, expected_version) as (s, _cat, t):
        event = apply(
            s,
            actor,
            t,
            EventKind.TIME,
            {"time_spent_s": t.time_spent_s + minutes * 60},
            now=now,
            body=clean(note).strip(),
        )
        return changed_result(
            s, t, event, _("{minutes} min logged on {key}").format(minutes=minutes, key=t.key)
        )


@guarded("ticket.link")
def link(
    store: Store,
    actor: Actor,
    key: str,
    other: str,
    kind: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Link two tickets: `duplicate` (of other), `child` (of the parent other), `related`."""
    now = now or utcnow()
    try:
        link_kind = LinkKind(kind.strip().lower())
    except ValueError:
        raise Invalid(
            _("unknown link {kind!r}: use duplicate, child or related").format(kind=kind)
        ) from None
    other_key = normalize_key(other)
    with editing(store, actor, key, expected_version) as (s, _cat, t):
        if other_key == t.key:
            raise Invalid(_("a ticket cannot be linked to itself"))
        target = s.exec(select(m.Ticket).where(m.Ticket.key == other_key)).first()
        if target is None:
            raise NotFound(_("no ticket {other_key}").format(other_key=other_key))
        exists = s.exec(
            select(m.TicketLink).where(
                m.TicketLink.ticket_id == t.id,
                m.TicketLink.other_id == target.id,
                m.TicketLink.kind == link_kind,
            )
        ).first()
        if exists:
            raise Invalid(
                _("{key} is already linked to {other_key} as {kind}").format(
                    key=t.key, other_key=other_key, kind=link_label(link_kind)
                )
            )
        values: dict[str, Any] = {}
        if link_kind == LinkKind.CHILD:
            if target.parent_id is not None:
                raise Invalid(
                    _("{other_key} is itself a child; link to its parent").format(
                        other_key=other_key
                    )
                )
            values["parent_id"] = target.id
        s.add(
            m.TicketLink(
                ticket_id=t.id,
                other_id=target.id,
                kind=link_kind,
                created_at=now,
                created_by_id=actor.id,
            )
        )
        event = apply(
            s, actor, t, EventKind.LINKED, values, now=now, body=f"{link_kind.value} {other_key}"
        )
        return changed_result(
            s,
            t,
            event,
            _("{key} linked to {other_key} ({kind})").format(
                key=t.key, other_key=other_key, kind=link_label(link_kind)
            ),
        )
