"""The words of the domain: roles, channels, ticket types, event and link kinds.

Stored as their string values; the CLI and the screens accept exactly these spellings.
People read them through `label(value)` (or `status_label`, `event_label`…): the word in
the language in force, `pgettext(<kind>, …)` of the tables below — one word in English may
be two in Russian (a status "resolved" is «решена», an event "resolved" is «решение»).
"""

from enum import StrEnum

from helpdesk_tui.i18n import NP_, _, pgettext


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    ENGINEER = "engineer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    WEB = "web"
    WALK_IN = "walk-in"
    MONITORING = "monitoring"


class TicketType(StrEnum):
    INCIDENT = "incident"
    REQUEST = "request"
    QUESTION = "question"
    COMPLAINT = "complaint"


class EventKind(StrEnum):
    CREATED = "created"
    TAKEN = "taken"
    ASSIGNED = "assigned"
    STATUS = "status"
    ESCALATED = "escalated"
    DEESCALATED = "deescalated"
    SUPERVISOR = "supervisor"  # hierarchical escalation: a supervisor was told
    REPLY = "reply"
    NOTE = "note"
    CUSTOMER_REPLY = "customer_reply"
    RESOLVED = "resolved"
    CONFIRMED = "confirmed"
    REOPENED = "reopened"
    CLOSED = "closed"
    PRIORITY = "priority"
    SLA_PLAN = "sla_plan"  # moved to another SLA plan
    FIELDS = "fields"
    LINKED = "linked"
    TIME = "time"
    SLA_AT_RISK = "sla_at_risk"
    SLA_BREACHED = "sla_breached"
    RATED = "rated"
    VENDOR_LATE = "vendor_late"  # a vendor's promised date passed (the case stays open)


class LinkKind(StrEnum):
    DUPLICATE = "duplicate"  # this ticket duplicates the other
    CHILD = "child"  # this ticket is a child of the other (a mass incident)
    RELATED = "related"


PRIORITIES = ("P1", "P2", "P3", "P4")


def priority_label(priority: int) -> str:
    return f"P{priority}"


def parse_priority(text: str) -> int:
    """`P2`, `p2` or `2` → 2."""
    from helpdesk_tui.domain.errors import Invalid

    value = text.strip().upper().removeprefix("P")
    if value not in {"1", "2", "3", "4"}:
        raise Invalid(_("unknown priority {text!r}: use P1, P2, P3 or P4").format(text=text))
    return int(value)


# -- the words as people read them ------------------------------------------------------------
# Keyed by the stored value, so a plain string from a row works as well as the enum. The
# status words are the queue's short forms ("wait customer"), the same in every screen.

STATUS_WORDS = {
    "new": NP_("status", "new"),
    "assigned": NP_("status", "assigned"),
    "in_progress": NP_("status", "in progress"),
    "waiting_customer": NP_("status", "wait customer"),
    "waiting_vendor": NP_("status", "wait vendor"),
    "resolved": NP_("status", "resolved"),
    "reopened": NP_("status", "reopened"),
    "closed": NP_("status", "closed"),
    "cancelled": NP_("status", "cancelled"),
}
CHANNEL_WORDS = {
    "phone": NP_("channel", "phone"),
    "email": NP_("channel", "email"),
    "chat": NP_("channel", "chat"),
    "web": NP_("channel", "web"),
    "walk-in": NP_("channel", "walk-in"),
    "monitoring": NP_("channel", "monitoring"),
}
TYPE_WORDS = {
    "incident": NP_("ticket type", "incident"),
    "request": NP_("ticket type", "request"),
    "question": NP_("ticket type", "question"),
    "complaint": NP_("ticket type", "complaint"),
}
ROLE_WORDS = {
    "dispatcher": NP_("role", "dispatcher"),
    "engineer": NP_("role", "engineer"),
    "supervisor": NP_("role", "supervisor"),
    "admin": NP_("role", "admin"),
    "customer": NP_("role", "customer"),
    "system": NP_("role", "system"),
    "rule": NP_("role", "rule"),
}
EVENT_WORDS = {
    "created": NP_("event", "created"),
    "taken": NP_("event", "taken"),
    "assigned": NP_("event", "assigned"),
    "status": NP_("event", "status"),
    "escalated": NP_("event", "escalated"),
    "deescalated": NP_("event", "deescalated"),
    "supervisor": NP_("event", "supervisor"),
    "reply": NP_("event", "reply"),
    "note": NP_("event", "note"),
    "customer_reply": NP_("event", "customer reply"),
    "resolved": NP_("event", "resolved"),
    "confirmed": NP_("event", "confirmed"),
    "reopened": NP_("event", "reopened"),
    "closed": NP_("event", "closed"),
    "priority": NP_("event", "priority"),
    "fields": NP_("event", "fields"),
    "linked": NP_("event", "linked"),
    "time": NP_("event", "time"),
    "sla_at_risk": NP_("event", "SLA at risk"),
    "sla_breached": NP_("event", "SLA breached"),
    "rated": NP_("event", "rated"),
    "vendor_late": NP_("event", "vendor late"),
    "rule": NP_("event", "rule"),
}
LINK_WORDS = {
    "duplicate": NP_("link", "duplicate"),
    "child": NP_("link", "child"),
    "related": NP_("link", "related"),
    # as seen from the other ticket (services/ticket_views.py names the incoming links)
    "duplicated by": NP_("link", "duplicated by"),
    "parent of": NP_("link", "parent of"),
}
_WORDS = {
    "status": STATUS_WORDS,
    "channel": CHANNEL_WORDS,
    "ticket type": TYPE_WORDS,
    "role": ROLE_WORDS,
    "event": EVENT_WORDS,
    "link": LINK_WORDS,
}
_KINDS = {
    "Status": "status",
    "Channel": "channel",
    "TicketType": "ticket type",
    "Role": "role",
    "EventKind": "event",
    "LinkKind": "link",
}


def word(kind: str, value: object) -> str:
    """The word for the stored `value` of `kind` ("status", "channel", "ticket type", "role",
    "event", "link") in the language in force; an unknown value is shown as it is."""
    text = str(value.value if isinstance(value, StrEnum) else value or "")
    english = _WORDS[kind].get(text)
    return pgettext(kind, english) if english else text


def label(value: StrEnum) -> str:
    """The word for an enum value of the domain: `label(Status.WAITING_CUSTOMER)` →
    "wait customer" / «ждёт клиента»; `label(Channel.PHONE)`, `label(Role.SUPERVISOR)`…"""
    return word(_KINDS[type(value).__name__], value)


def status_label(status: object) -> str:
    """`status_label("in_progress")` → "in progress" / «в работе» (a row's plain string too)."""
    return word("status", status).replace("_", " ")  # an unknown one readable too


# a role as the subject of a sentence: "an engineer may not …", «инженер не может …»
SUBJECT_WORDS = {
    "dispatcher": NP_("role as a subject", "a dispatcher"),
    "engineer": NP_("role as a subject", "an engineer"),
    "supervisor": NP_("role as a subject", "a supervisor"),
    "admin": NP_("role as a subject", "an admin"),
    "customer": NP_("role as a subject", "the customer"),
    "system": NP_("role as a subject", "the system"),
    "rule": NP_("role as a subject", "the rule"),
}


def role_subject(role: object) -> str:
    """`role_subject("engineer")` → "an engineer" / «инженер», for refusals."""
    text = str(role.value if isinstance(role, StrEnum) else role)
    known = SUBJECT_WORDS.get(text)
    return pgettext("role as a subject", known) if known else text


def channel_label(channel: object) -> str:
    return word("channel", channel)


def type_label(ticket_type: object) -> str:
    return word("ticket type", ticket_type)


def role_label(role: object) -> str:
    return word("role", role)


def event_label(kind: object) -> str:
    return word("event", kind)


def link_label(kind: object) -> str:
    return word("link", kind)
