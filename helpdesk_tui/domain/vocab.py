"""The words of the domain: roles, channels, ticket types, event and link kinds.

Stored as their string values; the CLI and the screens accept exactly these spellings.
"""

from enum import StrEnum


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
        raise Invalid(f"unknown priority {text!r}: use P1, P2, P3 or P4")
    return int(value)
