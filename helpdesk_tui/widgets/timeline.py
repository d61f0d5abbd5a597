"""A ticket's timeline: replies, notes, status changes, escalations — each kind visibly
different, newest last. Text from people is shown as plain `Text`, never markup."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from helpdesk_tui.domain.sla import format_duration
from helpdesk_tui.domain.text import visible, visible_line
from helpdesk_tui.services.ticket_views import EventView

LABELS = {
    "created": "Registered",
    "taken": "Taken",
    "assigned": "Assigned",
    "status": "Status changed",
    "escalated": "Escalated",
    "deescalated": "De-escalated",
    "supervisor": "Supervisor told",
    "reply": "Reply to the customer",
    "note": "Internal note",
    "customer_reply": "The customer wrote",
    "resolved": "Resolved",
    "confirmed": "Confirmed by the customer",
    "reopened": "Reopened",
    "closed": "Closed",
    "priority": "Priority changed",
    "sla_plan": "SLA plan changed",
    "fields": "Fields changed",
    "linked": "Linked",
    "time": "Time logged",
    "sla_at_risk": "SLA at risk",
    "sla_breached": "SLA breached",
    "rated": "Rated",
    "rule": "Automation rule fired",
    "vendor_late": "Vendor's promise passed",
}

KIND_CLASS = {
    "reply": "-public",
    "customer_reply": "-customer",
    "resolved": "-public",
    "note": "-internal",
    "escalated": "-escalation",
    "deescalated": "-escalation",
    "supervisor": "-escalation",
    "sla_at_risk": "-sla",
    "sla_breached": "-sla",
    "rule": "-rule",
    "vendor_late": "-sla",
}

HIDDEN_FIELDS = {
    "description",
    "paused_s",
    "sla_plan",
    "response_due",
    "resolution_due",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "paused_at",
    "resolution",
}


def _value(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return datetime.fromisoformat(value).astimezone().strftime("%d.%m %H:%M")
        except ValueError:
            pass
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return (
        str(value).replace("_", " ")
        if isinstance(value, str) and " " not in str(value)
        else str(value)
    )


# recorded field names as people say them
FIELD_LABELS = {
    "time_spent_s": "time spent",
    "escalation_count": "escalations",
    "reopen_count": "reopened",
    "fcr": "solved on first contact",
    "satisfaction": "rating",
    "vendor_case": "vendor case",
    "vendor_promised": "promised by",
    "vendor_contact": "vendor contact",
    "vendor_late": "late case",
}


def _field(name: str, value: Any) -> str:
    if name == "priority" and isinstance(value, int):
        return f"P{value}"
    if name == "time_spent_s" and isinstance(value, int | float):
        return format_duration(value)
    if name == "fcr" and isinstance(value, bool):
        return "yes" if value else "no"
    return _value(value)


def summary(event: EventView) -> str:
    """The field changes of an event in one line (`status: new → assigned`)."""
    parts = []
    for name, (before, after) in event.changes.items():
        shown_here = event.kind == "sla_plan" and name in ("sla_plan", "resolution_due")
        if name in HIDDEN_FIELDS and event.kind != "created" and not shown_here:
            continue
        if event.kind == "created":
            if name in ("service", "priority", "group", "assignee", "channel") and after:
                parts.append(f"{name}: {_field(name, after)}")
            continue
        label = FIELD_LABELS.get(name, name)
        parts.append(f"{label}: {_field(name, before)} → {_field(name, after)}")
    return visible_line("; ".join(parts))


class EventBlock(Static):
    """One event of the timeline."""

    DEFAULT_CSS = """
    EventBlock { padding: 0 1; margin: 0 0 1 0; border-left: outer $panel-lighten-2; }
    EventBlock.-public { border-left: outer $success; }
    EventBlock.-customer { border-left: outer $primary; }
    EventBlock.-internal { border-left: outer $warning; background: $warning 8%; }
    EventBlock.-escalation { border-left: outer $accent; }
    EventBlock.-sla { border-left: outer $error; color: $error; }
    EventBlock.-rule { border-left: outer $secondary; }
    """

    def __init__(self, event: EventView) -> None:
        self.event = event
        super().__init__(self._render_event(event), classes=KIND_CLASS.get(event.kind, ""))

    @staticmethod
    def _render_event(event: EventView) -> Text:
        when = event.at.astimezone().strftime("%d.%m %H:%M")
        label = LABELS.get(event.kind, event.kind)
        if event.kind in ("sla_at_risk", "sla_breached") and event.body:
            label = f"{label}: {event.body}"
        text = Text()
        text.append(when, style="dim")
        text.append("  ")
        text.append(visible_line(event.actor_name), style="bold")
        text.append("  ")
        text.append(label, style="italic")
        if event.kind == "note":
            text.append("  (not shown to the customer)", style="dim")
        changes = summary(event)
        if changes:
            text.append("\n")
            text.append(changes, style="dim")
        if event.body and event.kind not in ("sla_at_risk", "sla_breached"):
            text.append("\n")
            text.append(visible(event.body))
        return text


class Timeline(Vertical):
    """Events, oldest first; new events are appended without rebuilding the rest."""

    DEFAULT_CSS = """
    Timeline { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._ids: list[int] = []

    def show(self, events: tuple[EventView, ...] | list[EventView]) -> None:
        ids = [e.id for e in events]
        if ids[: len(self._ids)] == self._ids and self._ids:
            new = events[len(self._ids) :]
        else:
            self.remove_children()
            new = list(events)
        self._ids = ids
        if new:
            self.mount_all(EventBlock(e) for e in new)
