"""Running the automation rules (domain/rules.py) on ticket events.

*In the same transaction.* Every ticket event written by an agent, the customer or the
system is queued on its session (`ticket_core.record_event` → `queue`); just before that
transaction commits (`Store.write` runs the hook), each rule whose `when` the event is,
and whose `if` query matches the ticket as it now stands, fires. The query is checked in
SQL, `compiled query AND ticket.id = :id`, so it means exactly what it means in the queue.
The rule's actions are the services an agent would call, on a store joined to the open
transaction: if the change that set the rule off rolls back, so does the rule's work.

*Never looping.* A rule acts as the actor `rule` (login `rule:CODE`); events written by
rules are not queued, so no rule reacts to a rule. Each rule fires at most once per ticket
per transaction, and at most `MAX_FIRINGS` rules fire in one transaction.

*Failing alone.* A rule's actions run in a savepoint: one refused (a role the rule does
not have, an agent who left, a group on another line) undoes the rule's earlier actions
and nothing else. The agent's change stands; the firing is recorded with the reason, so
the desk sees the broken rule in the ticket's timeline instead of losing the agent's work.

*Recorded.* Each firing is one `rule` event, before its actions' own events, naming the
rule and what it did (or why it did nothing).

*Idle.* `idle` rules are checked by the SLA tick (`idle_tick`): the tickets whose last
change crossed the rule's `after` since the previous tick, a range of the open tickets'
`updated_at` index, so each idle stretch fires once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, select

from helpdesk_tui.domain import query as q
from helpdesk_tui.domain.errors import HelpdeskError, Invalid, NotFound
from helpdesk_tui.domain.rules import EVENT_KIND, RULE, Action, Rule, events_of
from helpdesk_tui.domain.vocab import priority_label
from helpdesk_tui.i18n import _, localized
from helpdesk_tui.services import bulk, escalation, macros, notify, ticket_actions
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.query import compile_where
from helpdesk_tui.services.ticket_core import load_for_update, normalize_key, record_event, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import JoinedStore, Store, before_commit
from helpdesk_tui.store.queries import T

log = logging.getLogger(__name__)

SETTING = "rules"
IDLE_SETTING = "rules.idle_checked"
MAX_FIRINGS = 50
"""Rules fired in one transaction at most (a bulk import's transaction may touch many
tickets); past it the rest are skipped and logged."""
IDLE_BATCH = 500

_QUEUE = "helpdesk_rule_events"


def rule_actor(rule: Rule) -> Actor:
    return Actor(None, f"rule:{rule.code}"[:64], rule.name, RULE)


# -- the rules in force -----------------------------------------------------------------------


def rules_in(session: Session) -> list[Rule]:
    row = session.get(m.DeskSetting, SETTING)
    data = row.value.get("rules", []) if row is not None else []
    return sorted((Rule.from_json(d) for d in data), key=lambda r: r.order)


def list_rules(store: Store) -> list[Rule]:
    with store.read() as s:
        return rules_in(s)


def find(store: Store, code: str) -> Rule:
    rules = list_rules(store)
    for rule in rules:
        if rule.code == code.strip():
            return rule
    known = ", ".join(r.code for r in rules) or "none: see data/rules.toml"
    raise NotFound(_("no rule {code!r} (known: {known})").format(code=code, known=known))


def problem(store: Store, rule: Rule) -> str:
    """Why the rule's query cannot run against this store ('' when it can): a code the
    data does not have, say. `helpdesk rule list` shows it."""
    try:
        compile_where(store, rule.query)
    except q.QueryError as exc:
        return str(exc)
    return ""


# -- firing in the transaction of the change --------------------------------------------------


def queue(
    session: Session, ticket_id: int, kind: str, changes: dict[str, Any], now: datetime
) -> None:
    """Remember an event for the rules to look at before the transaction commits; they
    fire at the event's instant (a change dated by its caller keeps its date)."""
    session.info.setdefault(_QUEUE, []).append((ticket_id, kind, frozenset(changes), now))
    before_commit(session, "automation", _run_queued)


def _run_queued(store: Store, session: Session) -> None:
    pending = session.info.pop(_QUEUE, [])
    if not pending:
        return
    rules = [r for r in rules_in(session) if r.enabled and not r.is_timed]
    if not rules:
        return
    joined = JoinedStore(store, session)
    done: set[tuple[str, int]] = set()
    for ticket_id, kind, changed, now in pending:
        events = events_of(kind, changed)
        for rule in rules:
            if (rule.code, ticket_id) in done or not rule.reacts_to(events):
                continue
            if len(done) >= MAX_FIRINGS:
                log.warning("more than %d rules in one transaction: the rest skipped", MAX_FIRINGS)
                return
            done.add((rule.code, ticket_id))
            fire(joined, session, rule, ticket_id, now=now)


@dataclass
class Firing:
    rule: str
    key: str
    matched: bool
    ok: bool = True
    done: list[str] = field(default_factory=list)
    error: str = ""

    def describe(self) -> str:
        if not self.matched:
            if self.error:
                return _("{key} does not match rule {rule}: {error}").format(
                    key=self.key, rule=self.rule, error=self.error
                )
            return _("{key} does not match rule {rule}").format(key=self.key, rule=self.rule)
        text = "; ".join(self.done) or _("nothing to do")
        if not self.ok:
            text = _("failed: {error} (nothing it did was kept)").format(error=self.error)
        return text


def matches(store: Store, session: Session, rule: Rule, ticket_id: int, now: datetime) -> bool:
    """Whether the rule's query holds for the ticket now: the queue's own SQL condition."""
    return _matching_key(store, session, rule, ticket_id, now) is not None


def _matching_key(
    store: Store, session: Session, rule: Rule, ticket_id: int, now: datetime
) -> str | None:
    """The ticket's key if the rule's query holds for it now (one indexed read)."""
    compiled = compile_where(store, rule.query, now=now)
    query = select(T.key).where(T.id == ticket_id)
    if compiled is not None:
        query = query.where(compiled.condition)
    return session.exec(query).first()


def fire(
    store: Store, session: Session, rule: Rule, ticket_id: int, *, now: datetime
) -> Firing | None:
    """Fire `rule` on the ticket if its query matches; the firing is recorded on the
    ticket. `store` is joined to `session`'s transaction. None when it does not match."""
    actor = rule_actor(rule)
    error = ""
    try:
        key = _matching_key(store, session, rule, ticket_id, now)
        if key is None:
            return None
    except q.QueryError as exc:
        key = session.exec(select(m.Ticket.key).where(m.Ticket.id == ticket_id)).one()
        error = _("its query cannot run: {exc}").format(exc=exc)
    firing = Firing(rule.code, key, True, ok=not error, error=error)
    ticket = load_for_update(session, key)
    event = record_event(session, actor, ticket, EVENT_KIND, {}, now=now, body="")
    if firing.ok:
        _act_all(store, session, actor, rule, key, firing, now)
    # the timeline's record, in the language in force when the rule fired
    event.body = f"{rule.code}: {localized(rule)}\n{firing.describe()}"
    session.add(event)
    session.flush()
    return firing


def _act_all(
    store: Store,
    session: Session,
    actor: Actor,
    rule: Rule,
    key: str,
    firing: Firing,
    now: datetime,
) -> None:
    action = rule.actions[0]
    try:
        with session.begin_nested():
            for action in rule.actions:
                firing.done.append(act(store, session, actor, rule, key, action, now))
    except (HelpdeskError, SQLAlchemyError) as exc:
        reason = str(exc) if isinstance(exc, HelpdeskError) else _("a database error")
        firing.ok, firing.error = (
            False,
            _("{action}: {reason}").format(action=action.describe(), reason=reason),
        )
        firing.done.clear()
        log.info("rule %s on %s failed: %s", rule.code, key, firing.error)


def act(
    store: Store,
    session: Session,
    actor: Actor,
    rule: Rule,
    key: str,
    action: Action,
    now: datetime,
) -> str:
    """One action, through the service an agent would use; what it did, in words."""
    value = action.value
    if action.action in ("assign", "group"):
        if already := _already(store, session, key, action):
            return already
        if action.action == "group":
            return ticket_actions.assign(store, actor, key, None, group=value, now=now).message
        login = None if value == "none" else value
        return ticket_actions.assign(store, actor, key, login, now=now).message
    if action.action == "escalate":
        return escalation.escalate(store, actor, key, value, action.note, now=now).message
    if action.action == "priority":
        current = session.exec(select(m.Ticket.priority).where(m.Ticket.key == key)).one()
        if priority_label(current) == value:
            return _("{key} is already {priority}").format(key=key, priority=value)
        setting = bulk.Setting("priority", value)
        return bulk.apply_setting(store, actor, key, setting, f"rule {rule.code}")
    if action.action == "note":
        text = macros.filled(store, actor, key, value)
        return ticket_actions.note(store, actor, key, text, now=now).message
    if action.action == "macro":
        macro = macros.find(store, value)
        steps = macros.run_steps(store, actor, macro, key)
        return _("macro {code}: {steps}").format(code=macro.code, steps=", ".join(steps))
    if action.action == "notify":
        return _notify(store, session, rule, key, value, now)
    raise Invalid(
        _("unknown action {action!r}").format(action=action.action)
    )  # parse_action keeps this out


def _already(store: Store, session: Session, key: str, action: Action) -> str:
    """'' unless the ticket already is where the action would put it (a rule that fires on
    every update must not fail on the tickets it already routed)."""
    t = session.exec(select(m.Ticket).where(m.Ticket.key == key)).one()
    if action.action == "group":
        code = catalog(store, session).groups[t.group_id].code
        if code != action.value:
            return ""
        return _("{key} is already in {code}").format(key=key, code=code)
    login = session.get(m.Agent, t.assignee_id).login if t.assignee_id else "none"
    if login != action.value:
        return ""
    return _("{key} is already with {login}").format(key=key, login=login)


def _notify(store: Store, session: Session, rule: Rule, key: str, who: str, now: datetime) -> str:
    ticket = session.exec(select(m.Ticket).where(m.Ticket.key == key)).one()
    cat = catalog(store, session)
    if who == "supervisors":
        agents = notify.supervisors_of(session, ticket.group_id)
        if not agents:
            raise Invalid(_("there is no active supervisor to tell"))
    elif who == "assignee":
        if ticket.assignee_id is None:
            return _("nobody holds it: nobody told")
        agents = [session.get(m.Agent, ticket.assignee_id)]
    else:
        agent = session.exec(select(m.Agent).where(m.Agent.login == who)).first()
        if agent is None:
            raise NotFound(_("no agent with login {who!r}").format(who=who))
        if not agent.active:
            raise Invalid(_("agent {who} is inactive").format(who=who))
        agents = [agent]
    for agent in agents:
        notify.notify_agent(session, cat, ticket, agent, "rule", now=now, body=rule.name)
    return _("told {logins}").format(logins=", ".join(a.login for a in agents))


# -- time: nobody touched it for a while ------------------------------------------------------


def idle_tick(store: Store, now: datetime | None = None) -> int:
    """Fire the `idle` rules on the tickets whose last change crossed `after` since the
    previous check; the first check only notes the time. The window is claimed under the
    setting's lock, so two ticks at once never fire one stretch twice. Returns the firings."""
    now = now or utcnow()
    with store.read() as s:
        rules = [r for r in rules_in(s) if r.enabled and r.is_timed]
    if not rules:
        return 0
    try:
        with store.write() as s:
            row = s.exec(
                select(m.DeskSetting).where(m.DeskSetting.key == IDLE_SETTING).with_for_update()
            ).first()
            if row is None:
                s.add(m.DeskSetting(key=IDLE_SETTING, value={"at": now.isoformat()}))
                return 0
            previous = datetime.fromisoformat(row.value["at"])
            if previous >= now:
                return 0
            row.value = {"at": now.isoformat()}
            s.add(row)
    except IntegrityError:
        return 0  # another tick noted the first time at the same moment
    fired = 0
    for rule in rules:
        after = timedelta(seconds=rule.after_s)
        fired += _idle_rule(store, rule, previous - after, now - after, now)
    return fired


def _idle_rule(store: Store, rule: Rule, lo: datetime, hi: datetime, now: datetime) -> int:
    """Fire `rule` on each open ticket last changed in (lo, hi], in batches by the index."""
    fired = 0
    cursor: tuple[datetime, int] | None = None
    while True:
        with store.read() as s:
            query = (
                select(T.updated_at, T.id)
                .where(T.is_open.is_(True), T.updated_at > lo, T.updated_at <= hi)
                .order_by(T.updated_at, T.id)
                .limit(IDLE_BATCH)
            )
            if cursor is not None:
                query = query.where(
                    (T.updated_at > cursor[0]) | ((T.updated_at == cursor[0]) & (T.id > cursor[1]))
                )
            batch = s.exec(query).all()
        if not batch:
            return fired
        cursor = (batch[-1][0], batch[-1][1])
        for _at, ticket_id in batch:
            with store.write() as s:
                key = s.exec(select(m.Ticket.key).where(m.Ticket.id == ticket_id)).one()
                t = load_for_update(s, key)
                if not t.is_open or not lo < t.updated_at <= hi:
                    continue  # somebody changed it meanwhile: no longer idle
                if fire(JoinedStore(store, s), s, rule, ticket_id, now=now) is not None:
                    fired += 1
        if len(batch) < IDLE_BATCH:
            return fired


# -- a dry run --------------------------------------------------------------------------------


class _DryRun(Exception):
    def __init__(self, firing: Firing):
        self.firing = firing


def test(store: Store, code: str, key: str, *, now: datetime | None = None) -> Firing:
    """Would rule `code` match ticket `key` now, and what would it do? Its actions are run
    in a transaction that is then rolled back: the answer is what firing would really do,
    refusals included, and nothing is written."""
    rule = find(store, code)
    key = normalize_key(key)
    now = now or utcnow()
    try:
        with store.write() as s:
            joined = JoinedStore(store, s)
            t = s.exec(select(m.Ticket).where(m.Ticket.key == key)).first()
            if t is None:
                raise NotFound(_("no ticket {key}").format(key=key))
            firing = Firing(rule.code, key, False)
            try:
                firing.matched = matches(joined, s, rule, t.id, now)
            except q.QueryError as exc:
                firing.error = _("its query cannot run: {exc}").format(exc=exc)
            if firing.matched:
                _act_all(joined, s, rule_actor(rule), rule, key, firing, now)
            raise _DryRun(firing)
    except _DryRun as done:
        return done.firing
