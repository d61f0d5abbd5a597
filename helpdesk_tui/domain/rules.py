"""Automation rules: *when* an event happens, *if* a query matches the ticket, *then* act.

Defined in `data/rules.toml`, checked when the data is loaded (this module: the events,
the query's syntax, the actions and their values), run by `services.automation` in the
transaction of the change that triggered them, or by the SLA tick for `idle`.

This module is pure: parsing, checking, and deciding whether a rule reacts to an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from helpdesk_tui.domain import query as q
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.placeholders import problems
from helpdesk_tui.domain.vocab import EventKind, parse_priority
from helpdesk_tui.domain.workflow import RULE  # noqa: F401  (the actor a rule acts as)
from helpdesk_tui.i18n import _

EVENT_KIND = "rule"
"""The timeline event that records one firing: which rule, and what it did or why not."""

WHEN: dict[str, str] = {
    "created": "a ticket is registered",
    "updated": "any change by an agent, the customer or the system",
    "replied": "an agent's public reply",
    "customer_replied": "the customer wrote",
    "status_changed": "the status changed",
    "assigned": "the assignee changed",
    "escalated": "moved to another line or group",
    "sla_at_risk": "an SLA clock passed its at-risk threshold",
    "sla_breached": "an SLA clock passed its deadline",
    "vendor_promise_passed": "the date a vendor (line 4) promised passed (by the SLA tick)",
    "idle": "nobody changed the ticket for `after` (checked by the SLA tick)",
}

ACTIONS: dict[str, str] = {
    "assign": "a login, or none (back to the queue)",
    "group": "a group code of the ticket's line",
    "escalate": "a line or group code; needs `note`: why",
    "priority": "P1..P4",
    "notify": "supervisors, assignee, or a login",
    "note": "an internal note (placeholders filled from the ticket)",
    "macro": "a macro code (data/macros.toml)",
}

MAX_ACTIONS = 10

_BY_KIND: dict[str, frozenset[str]] = {
    EventKind.CREATED: frozenset({"created"}),
    EventKind.REPLY: frozenset({"replied"}),
    EventKind.CUSTOMER_REPLY: frozenset({"customer_replied"}),
    EventKind.SLA_AT_RISK: frozenset({"sla_at_risk"}),
    EventKind.SLA_BREACHED: frozenset({"sla_breached"}),
    EventKind.ESCALATED: frozenset({"escalated"}),
    EventKind.DEESCALATED: frozenset({"escalated"}),
    EventKind.VENDOR_LATE: frozenset({"vendor_promise_passed"}),
}
_NOT_UPDATES = frozenset(
    {EventKind.CREATED, EventKind.SLA_AT_RISK, EventKind.SLA_BREACHED, EventKind.VENDOR_LATE}
)


def events_of(kind: str, changed: Iterable[str]) -> frozenset[str]:
    """The rule events one ticket event is: `status` with a status change is both
    `updated` and `status_changed`; an SLA alert is only itself."""
    names = set(_BY_KIND.get(kind, ()))
    if kind in _NOT_UPDATES:
        return frozenset(names)  # a registration records every field: none "changed"
    fields = set(changed)
    names.add("updated")
    if "status" in fields:
        names.add("status_changed")
    if "assignee" in fields:
        names.add("assigned")
    if "line" in fields:
        names.add("escalated")
    return frozenset(names)


@dataclass(frozen=True)
class Action:
    action: str
    value: str
    note: str = ""  # escalate's reason

    def describe(self) -> str:
        if self.action == "note":
            return _("add a note")
        return f"{self.action} {self.value}"  # the rule file's own words (data/rules.toml)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    when: frozenset[str]
    query: str  # "" matches every ticket
    actions: tuple[Action, ...]
    after_s: int = 0  # idle: how long without a change
    enabled: bool = True
    order: int = 0  # the file's order: rules fire in it
    name_ru: str = field(default="", compare=False)

    def reacts_to(self, events: Iterable[str]) -> bool:
        return self.enabled and bool(self.when & set(events))

    @property
    def is_timed(self) -> bool:
        return "idle" in self.when

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "name_ru": self.name_ru,
            "when": sorted(self.when),
            "if": self.query,
            "after_s": self.after_s,
            "enabled": self.enabled,
            "order": self.order,
            "then": [{"action": a.action, "value": a.value, "note": a.note} for a in self.actions],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rule:
        return cls(
            code=data["code"],
            name=data["name"],
            when=frozenset(data["when"]),
            query=data.get("if", ""),
            actions=tuple(Action(a["action"], a["value"], a.get("note", "")) for a in data["then"]),
            after_s=data.get("after_s", 0),
            enabled=data.get("enabled", True),
            order=data.get("order", 0),
            name_ru=data.get("name_ru", ""),
        )


def parse_when(value: Any) -> frozenset[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise Invalid(
            _("`when` is an event or a list of events ({WHEN})").format(WHEN=", ".join(WHEN))
        )
    names = {v.strip().lower().replace("-", "_").replace(" ", "_") for v in items}
    unknown = sorted(names - set(WHEN))
    if unknown:
        raise Invalid(
            _("unknown event {unknown!r} in `when` ({WHEN})").format(
                unknown=unknown[0], WHEN=", ".join(WHEN)
            )
        )
    if "idle" in names and len(names) > 1:
        raise Invalid(_("`idle` is checked by the tick: give it a rule of its own"))
    return frozenset(names)


def check_query(text: Any) -> str:
    """The `if` query, parsed now so a typo is an error at load, not at the first firing.
    `assignee:me` means nothing to a rule (it acts for nobody)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise Invalid(_("`if` is a query like 'priority:P1 service:pos'"))
    value = " ".join(text.split())
    try:
        node = q.parse(value)
    except q.QueryError as exc:
        raise Invalid(_("`if`: {exc}").format(exc=exc)) from None
    if _names_me(node):
        raise Invalid(_("`if`: assignee:me means nobody in a rule; name the login"))
    return value


def _names_me(node: q.Node | None) -> bool:
    if isinstance(node, q.Term):
        return node.field == "assignee" and any(v.lower() == "me" for v in node.values)
    if isinstance(node, q.Not):
        return _names_me(node.item)
    if isinstance(node, q.And | q.Or):
        return any(_names_me(item) for item in node.items)
    return False


def parse_action(data: Any, number: int) -> Action:
    """One action from data: a table with one action (`{ priority = "P1" }`)."""
    where = f"action {number}"
    if not isinstance(data, Mapping):
        raise Invalid(
            _('{where}: an action is a table like {{ priority = "P1" }}').format(where=where)
        )
    extra = set(data) - set(ACTIONS)
    if extra:
        raise Invalid(
            _("{where}: unknown action {extra!r} ({ACTIONS})").format(
                where=where, extra=sorted(extra)[0], ACTIONS=", ".join(ACTIONS)
            )
        )
    escalating = "escalate" in data
    names = [k for k in data if not (escalating and k == "note")]
    if len(names) != 1:
        raise Invalid(
            _("{where}: one action per table, not {names}").format(where=where, names=len(names))
        )
    action = names[0]
    raw = data[action]
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid(
            _("{where}: {action} needs {ACTIONS}").format(
                where=where, action=action, ACTIONS=ACTIONS[action]
            )
        )
    value = " ".join(raw.split()) if action != "note" else raw.strip()
    note = data.get("note", "") if escalating else ""
    if not isinstance(note, str):
        raise Invalid(_("{where}: escalate's note is text").format(where=where))
    if action == "priority":
        value = f"P{parse_priority(value)}"
    elif action == "escalate" and len(note.strip()) < 10:
        raise Invalid(
            _("{where}: escalate needs a note (at least 10 characters): why").format(where=where)
        )
    elif action == "note" and (bad := problems(value)):
        raise Invalid(f"{where}: {bad[0]}")
    elif action == "assign" and value.lower() in ("none", "-"):
        value = "none"
    elif action == "assign" and value.lower() == "me":
        raise Invalid(_("{where}: a rule is nobody: assign to a login or none").format(where=where))
    return Action(action, value, note.strip())


def parse_rule(
    code: str,
    name: str,
    when: Any,
    query: Any,
    then: Any,
    *,
    after: Any = None,
    enabled: bool = True,
    order: int = 0,
    name_ru: str = "",
) -> Rule:
    """A rule from its file's fields, or `Invalid` naming the rule and what is wrong."""
    try:
        events = parse_when(when)
        text = check_query(query)
        if not isinstance(then, list) or not then:
            raise Invalid(_("`then` is a non-empty list of actions"))
        if len(then) > MAX_ACTIONS:
            raise Invalid(_("at most {MAX_ACTIONS} actions").format(MAX_ACTIONS=MAX_ACTIONS))
        actions = tuple(parse_action(a, i) for i, a in enumerate(then, 1))
        after_s = 0
        if "idle" in events:
            if not isinstance(after, str):
                raise Invalid(_('an idle rule needs `after`, a duration like "4h"'))
            try:
                after_s = q.duration_seconds(after)
            except ValueError as exc:
                raise Invalid(_("`after`: {exc}").format(exc=exc)) from None
            if after_s < 60:
                raise Invalid(_("`after` is at least 1m"))
        elif after is not None:
            raise Invalid(_('`after` is for `when = "idle"` only'))
    except Invalid as exc:
        raise Invalid(_("rule {code!r}: {exc}").format(code=code, exc=exc)) from None
    return Rule(code, name, events, text, actions, after_s, enabled, order, name_ru)
