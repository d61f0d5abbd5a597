"""One change on many tickets (`helpdesk ticket bulk`): each ticket its own audited change.

`--set priority=P2 --set assignee=petrov` on a list of keys runs the same service calls an
agent would make one by one (each a transaction and an event, each checked against the
actor's role); a ticket that refuses does not stop the others, and the report says what
happened to each and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlmodel import select

from helpdesk_tui.domain.errors import HelpdeskError, Invalid, NotFound
from helpdesk_tui.domain.priority import cells_for, parse_level
from helpdesk_tui.domain.text import clean_line
from helpdesk_tui.domain.vocab import parse_priority
from helpdesk_tui.domain.workflow import parse_status
from helpdesk_tui.i18n import _
from helpdesk_tui.services import batch, escalation, ticket_actions
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.ticket_core import normalize_key
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

FIELDS = {
    "priority": "P1..P4 (impact and urgency chosen to give it)",
    "impact": "1..3",
    "urgency": "1..3",
    "status": "a status the workflow allows (resolved/cancelled need --note)",
    "assignee": "a login, me, or none (back to the queue)",
    "group": "a group code of the ticket's line (assignment)",
    "escalate": "a line or group code (needs --note: what was tried)",
}


@dataclass(frozen=True)
class Setting:
    field: str
    value: str


@dataclass
class Outcome:
    key: str
    ok: bool
    message: str


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(not o.ok for o in self.outcomes)


def parse_settings(items: Iterable[str]) -> list[Setting]:
    """`priority=P2`, `assignee=none`, … checked before any ticket is touched."""
    out: list[Setting] = []
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip().lower(), clean_line(value).strip()
        if not sep or name not in FIELDS:
            known = ", ".join(FIELDS)
            raise Invalid(
                _("--set takes FIELD=VALUE with FIELD one of {known}, not {item!r}").format(
                    known=known, item=item
                )
            )
        if not value:
            raise Invalid(
                _("--set {name}= needs a value ({FIELDS})").format(name=name, FIELDS=FIELDS[name])
            )
        if name == "priority":
            parse_priority(value)
        elif name in ("impact", "urgency"):
            parse_level(value, name)
        elif name == "status":
            parse_status(value)
        out.append(Setting(name, value))
    if not out:
        raise Invalid(_("nothing to change: give at least one --set FIELD=VALUE"))
    names = [s.field for s in out]
    if len(set(names)) != len(names):
        raise Invalid(_("each field is set once"))
    return out


def parse_keys(lines: Iterable[str]) -> list[str]:
    """Keys, one per line or separated by spaces (what `ticket list --keys` prints); blank
    lines and `#` comments skipped, duplicates once, in the order given."""
    keys: list[str] = []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0]
        for word in text.split():
            try:
                key = normalize_key(word)
            except Invalid:
                raise Invalid(
                    _("line {number}: {word!r} is not a ticket key").format(
                        number=number, word=word[:40]
                    )
                ) from None
            if key not in keys:
                keys.append(key)
    if not keys:
        raise Invalid(_("no ticket keys given (one per line on standard input, or as arguments)"))
    return keys


def run(
    store: Store,
    actor: Actor,
    keys: list[str],
    settings: list[Setting],
    *,
    note: str = "",
    progress: Callable[[Outcome], None] | None = None,
    cancel: batch.CancelFlag | None = None,
) -> Report:
    """Apply `settings` to each ticket in turn (the shared runner, `services/batch.py`);
    one refusal never stops the rest."""
    report = Report()

    def record(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)

    def one(key: str) -> str:
        messages = []
        for setting in settings:
            try:
                message = apply_setting(store, actor, key, setting, note)
            except HelpdeskError as exc:
                record(Outcome(key, False, str(exc)))
                raise  # the ticket's later settings would act on a state nobody expected
            record(Outcome(key, True, message))
            messages.append(message)
        return "; ".join(messages)

    batch.run(keys, one, cancel=cancel)
    return report


def apply_setting(store: Store, actor: Actor, key: str, s: Setting, note: str = "") -> str:
    """One setting on one ticket, through the service an agent would use; its message."""
    if s.field in ("priority", "impact", "urgency"):
        impact, urgency = _levels(store, key)
        if s.field == "priority":
            impact, urgency = cells_for(
                catalog(store).matrix, parse_priority(s.value), impact, urgency
            )
        elif s.field == "impact":
            impact = parse_level(s.value, "impact")
        else:
            urgency = parse_level(s.value, "urgency")
        return ticket_actions.change_priority(
            store, actor, key, impact, urgency, reason=note
        ).message
    if s.field == "status":
        return ticket_actions.set_status(store, actor, key, s.value, note=note).message
    if s.field == "assignee":
        login = None if s.value.lower() in ("none", "-") else s.value
        login = actor.login if login == "me" else login
        return ticket_actions.assign(store, actor, key, login).message
    if s.field == "group":
        return ticket_actions.assign(store, actor, key, None, group=s.value).message
    return escalation.escalate(store, actor, key, s.value, note).message


def _levels(store: Store, key: str) -> tuple[int, int]:
    with store.read() as session:
        row = session.exec(
            select(m.Ticket.impact, m.Ticket.urgency).where(m.Ticket.key == key)
        ).first()
    if row is None:
        raise NotFound(_("no ticket {key}").format(key=key))
    return row[0], row[1]
