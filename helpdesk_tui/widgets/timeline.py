"""A ticket's timeline: replies, notes, status changes, escalations — each kind visibly
different, newest last. Text from people is shown as plain `Text`, never markup."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from helpdesk_tui.domain.text import visible, visible_line
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_, _, format_duration
from helpdesk_tui.services.ticket_views import EventView

# an event's kind as the timeline says it (marked `N_`, shown with `_`)
LABELS = {
    "created": N_("Registered"),
    "taken": N_("Taken"),
    "assigned": N_("Assigned"),
    "status": N_("Status changed"),
    "escalated": N_("Escalated"),
    "deescalated": N_("De-escalated"),
    "supervisor": N_("Supervisor told"),
    "reply": N_("Reply to the customer"),
    "note": N_("Internal note"),
    "customer_reply": N_("The customer wrote"),
    "resolved": N_("Resolved"),
    "confirmed": N_("Confirmed by the customer"),
    "reopened": N_("Reopened"),
    "closed": N_("Closed"),
    "priority": N_("Priority changed"),
    "sla_plan": N_("SLA plan changed"),
    "fields": N_("Fields changed"),
    "linked": N_("Linked"),
    "time": N_("Time logged"),
    "sla_at_risk": N_("SLA at risk"),
    "sla_breached": N_("SLA breached"),
    "rated": N_("Rated"),
    "rule": N_("Automation rule fired"),
    "vendor_late": N_("Vendor's promise passed"),
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


# recorded field names as people say them (marked `N_`, shown with `_`)
FIELD_LABELS = {
    "service": N_("service"),
    "priority": N_("priority"),
    "group": N_("group"),
    "line": N_("line"),
    "assignee": N_("assignee"),
    "channel": N_("channel"),
    "status": N_("status"),
    "impact": N_("impact"),
    "urgency": N_("urgency"),
    "category": N_("category"),
    "asset": N_("asset"),
    "subject": N_("subject"),
    "type": N_("type"),
    "time_spent_s": N_("time spent"),
    "escalation_count": N_("escalations"),
    "reopen_count": N_("reopened"),
    "fcr": N_("solved on first contact"),
    "satisfaction": N_("rating"),
    "vendor_case": N_("vendor case"),
    "vendor_promised": N_("promised by"),
    "vendor_contact": N_("vendor contact"),
    "vendor_late": N_("late case"),
}


def _label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return _(label) if label else name


def _field(name: str, value: Any) -> str:
    if name == "priority" and isinstance(value, int):
        return f"P{value}"
    if name == "status" and isinstance(value, str) and value:
        return status_label(value)
    if name == "time_spent_s" and isinstance(value, int | float):
        return format_duration(value)
    if name == "fcr" and isinstance(value, bool):
        return _("yes") if value else _("no")
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
                parts.append(f"{_label(name)}: {_field(name, after)}")
            continue
        parts.append(f"{_label(name)}: {_field(name, before)} → {_field(name, after)}")
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

    def show(self, event: EventView) -> None:
        """Show `event` instead (another ticket's timeline reuses the block)."""
        if event == self.event:
            return
        self.event = event
        self.set_classes(KIND_CLASS.get(event.kind, ""))
        self.update(self._render_event(event))

    @staticmethod
    def _render_event(event: EventView) -> Text:
        when = event.at.astimezone().strftime("%d.%m %H:%M")
        label = _(LABELS[event.kind]) if event.kind in LABELS else event.kind
        if event.kind in ("sla_at_risk", "sla_breached") and event.body:
            label = f"{label}: {event.body}"
        text = Text()
        text.append(when, style="dim")
        text.append("  ")
        text.append(visible_line(event.actor_name), style="bold")
        text.append("  ")
        text.append(label, style="italic")
        if event.kind == "note":
            text.append("  " + _("(not shown to the customer)"), style="dim")
        changes = summary(event)
        if changes:
            text.append("\n")
            text.append(changes, style="dim")
        if event.body and event.kind not in ("sla_at_risk", "sla_breached"):
            text.append("\n")
            text.append(visible(event.body))
        return text


class Timeline(Vertical):
    """Events, oldest first; new events are appended without rebuilding the rest, and
    another ticket's events are shown in the blocks already there (more are mounted, the
    surplus removed): a removed widget is work for Textual and for the cycle collector
    (widgets/styles_cache.py), and the pane changes ticket with every move of the cursor."""

    DEFAULT_CSS = """
    Timeline { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._ids: list[int] = []
        self._blocks: list[EventBlock] = []  # shown, in order (not those being removed)

    def show(self, events: tuple[EventView, ...] | list[EventView]) -> None:
        ids = [e.id for e in events]
        if ids[: len(self._ids)] == self._ids and self._ids:
            new = events[len(self._ids) :]
        else:
            blocks = self._blocks
            for block, event in zip(blocks, events, strict=False):
                block.show(event)
            if len(blocks) > len(events):  # removed later, but no longer ours at once
                self.remove_children(blocks[len(events) :])
                del blocks[len(events) :]
            new = list(events[len(blocks) :])
        self._ids = ids
        if new:
            added = [EventBlock(e) for e in new]
            self._blocks.extend(added)
            self.mount_all(added)
