"""How every ticket change is written: lock, check, update with a version guard, one event.

A writer reads the ticket `FOR UPDATE` (PostgreSQL) or inside `BEGIN IMMEDIATE` (SQLite),
so two writers queue instead of racing. A caller that shows the ticket to a person passes
the version it showed: if somebody saved in between, the change is refused with a
`TicketConflict` that says who changed what, and nothing is written. The UPDATE itself
also carries `WHERE version = …`, so even a writer that skipped the lock cannot lose an
update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.text import is_number
from helpdesk_tui.domain.vocab import Role, event_label
from helpdesk_tui.domain.workflow import OPEN, RULE, Status
from helpdesk_tui.i18n import _
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.store import models as m
from helpdesk_tui.store.changes import announce
from helpdesk_tui.store.db import held
from helpdesk_tui.store.keys import PREFIX


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalize_key(key: str) -> str:
    """`hd-1042`, `HD-1042` and `1042` all name HD-1042."""
    value = key.strip().upper()
    if is_number(value):
        return f"{PREFIX}-{value}"
    if not value.startswith(PREFIX + "-") or not is_number(value[len(PREFIX) + 1 :]):
        raise Invalid(
            _("not a ticket key: {key!r} (like {PREFIX}-1042)").format(key=key, PREFIX=PREFIX)
        )
    return value


@dataclass(frozen=True)
class ChangeSeen:
    """One change somebody else saved: shown when a save is refused."""

    version: int
    at: datetime
    actor: str
    kind: str
    changes: dict[str, list[Any]]


class TicketConflict(Conflict):
    def __init__(self, key: str, seen: list[ChangeSeen]):
        self.key = key
        self.seen = seen
        super().__init__(describe_conflict(key, seen))


def describe_conflict(key: str, seen: list[ChangeSeen]) -> str:
    if not seen:
        return _(
            "{key} was changed by somebody else meanwhile; reload it. Nothing was saved."
        ).format(key=key)
    parts = []
    for change in seen:
        fields = ", ".join(
            f"{name}: {_short(before)} → {_short(after)}"
            for name, (before, after) in list(change.changes.items())[:3]
        )
        kind = event_label(change.kind)
        what = f"{kind} ({fields})" if fields else kind
        at = f"{change.at.astimezone():%H:%M}"  # local time
        parts.append(_("{who} at {time}: {what}").format(who=change.actor, time=at, what=what))
    return _("{key} was changed meanwhile by {changes}. Nothing was saved; reload it.").format(
        key=key, changes="; ".join(parts)
    )


def _short(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


# -- loading -------------------------------------------------------------------------


def load_for_update(session: Session, key: str, expected_version: int | None = None) -> m.Ticket:
    """The ticket, locked for this transaction and detached from the session.

    Detached, so setting attributes on it never flushes: `apply` writes it explicitly.
    """
    key = normalize_key(key)
    ticket = session.exec(select(m.Ticket).where(m.Ticket.key == key).with_for_update()).first()
    if ticket is None:
        raise NotFound(_("no ticket {key}").format(key=key))
    session.expunge(ticket)
    if expected_version is not None and ticket.version != expected_version:
        raise TicketConflict(key, changes_since(session, ticket.id, expected_version))
    return ticket


def changes_since(session: Session, ticket_id: int, version: int) -> list[ChangeSeen]:
    rows = session.exec(
        select(m.TicketEvent, m.Agent.login)
        .join(m.Agent, m.Agent.id == m.TicketEvent.actor_id, isouter=True)
        .where(m.TicketEvent.ticket_id == ticket_id, m.TicketEvent.version > version)
        .order_by(m.TicketEvent.id)
    ).all()
    return [
        ChangeSeen(e.version, e.at, login or e.actor_kind, e.kind, e.changes) for e, login in rows
    ]


# -- permissions ------------------------------------------------------------------------


def check_scope(actor: Actor, ticket: m.Ticket, group_code: str) -> None:
    """Engineers act on their groups' tickets and on tickets they hold; dispatchers,
    supervisors and admins on any ticket."""
    if not actor.is_agent or actor.role in (Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN):
        return
    if ticket.assignee_id == actor.id or ticket.group_id in actor.group_ids:
        return
    raise NotAllowed(
        _("{key} is in group {group_code}, which {login} is not in").format(
            key=ticket.key, group_code=group_code, login=actor.login
        )
    )


def require_open(ticket: m.Ticket, doing: str) -> None:
    if ticket.status not in OPEN:
        raise NotAllowed(
            _("{key} is {status}: cannot {doing}").format(
                key=ticket.key, status=ticket.status, doing=doing
            )
        )


# -- writing ----------------------------------------------------------------------------

# Ticket attributes recorded in events, and the name each is recorded under. Reference
# ids are recorded as the codes/logins/keys people know, so the timeline reads well and
# a ticket can be rebuilt from its events.
LOGGED: dict[str, str] = {
    "subject": "subject",
    "description": "description",
    "channel": "channel",
    "type": "type",
    "service_id": "service",
    "category_id": "category",
    "customer_id": "customer",
    "contact_id": "contact",
    "site_id": "site",
    "asset_id": "asset",
    "impact": "impact",
    "urgency": "urgency",
    "priority": "priority",
    "status": "status",
    "line_id": "line",
    "group_id": "group",
    "assignee_id": "assignee",
    "sla_plan_id": "sla_plan",
    "response_due": "response_due",
    "resolution_due": "resolution_due",
    "first_response_at": "first_response_at",
    "resolved_at": "resolved_at",
    "closed_at": "closed_at",
    "paused_at": "paused_at",
    "paused_s": "paused_s",
    "reopen_count": "reopen_count",
    "escalation_count": "escalation_count",
    "fcr": "fcr",
    "satisfaction": "satisfaction",
    "time_spent_s": "time_spent_s",
    "resolution": "resolution",
    "checklist": "checklist",
    "tags": "tags",
    "parent_id": "parent",
    "exclude_from_parent": "excluded_from_parent",
}

_REFS: dict[str, tuple[type, str]] = {
    "service_id": (m.Service, "code"),
    "category_id": (m.Category, "code"),
    "customer_id": (m.Customer, "code"),
    "contact_id": (m.Contact, "name"),
    "site_id": (m.Site, "code"),
    "asset_id": (m.Asset, "tag"),
    "line_id": (m.Line, "code"),
    "group_id": (m.SupportGroup, "code"),
    "assignee_id": (m.Agent, "login"),
    "sla_plan_id": (m.SlaPlan, "code"),
    "parent_id": (m.Ticket, "key"),
}


def _category_code(cat: Any, category_id: int) -> str | None:
    for service in cat.services.values():
        for category in service.categories:
            if category.id == category_id:
                return category.code
    return None


_FROM_CATALOG = {
    "service_id": lambda cat, v: cat.services[v].code if v in cat.services else None,
    "line_id": lambda cat, v: cat.lines[v].code if v in cat.lines else None,
    "group_id": lambda cat, v: cat.groups[v].code if v in cat.groups else None,
    "sla_plan_id": lambda cat, v: cat.plans[v].code if v in cat.plans else None,
    "category_id": _category_code,
}


def recorded(session: Session, attr: str, value: Any, cat: Any = None) -> Any:
    """A value as an event records it: codes for references, ISO text for instants.

    With the catalog at hand, codes of lines, groups, services and plans come from memory
    rather than one SELECT each (registration records a dozen references).
    """
    if value is None:
        return None
    if cat is not None and attr in _FROM_CATALOG:
        code = _FROM_CATALOG[attr](cat, value)
        if code is not None:
            return code
    if attr in _REFS:
        model, column = _REFS[attr]
        # reference rows are held for the transaction; a ticket (a parent) is not: the
        # change may load and update it next, and a held copy would go stale
        row = session.get(model, value) if model is m.Ticket else held(session, model, value)
        return getattr(row, column) if row is not None else value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


# One UPDATE statement for every change: the columns set are the parameters given. Built
# once, on the table rather than the ORM entity: the ticket is detached, so the session
# has nothing to synchronise, and building a statement per change (and the ORM's bulk
# update path) cost more than the UPDATE itself in a run over a thousand tickets.
_TABLE = m.Ticket.__table__
_COLUMNS = frozenset(_TABLE.c.keys())
_UPDATE = update(_TABLE).where(
    _TABLE.c.id == bindparam("_id"), _TABLE.c.version == bindparam("_version")
)


def apply(
    session: Session,
    actor: Actor,
    ticket: m.Ticket,
    kind: str,
    values: dict[str, Any],
    *,
    now: datetime,
    body: str = "",
    public: bool = False,
) -> m.TicketEvent:
    """Write `values` onto the (locked, detached) ticket and record one event.

    Fields that do not change are left out of the event; an event with no field change
    (a reply, a note) still bumps the version, so concurrent editors see it.
    """
    changes = {}
    for attr, after in values.items():
        before = getattr(ticket, attr)
        if before != after and attr in LOGGED:
            changes[LOGGED[attr]] = [
                recorded(session, attr, before),
                recorded(session, attr, after),
            ]
    status = values.get("status", ticket.status)
    full = {
        **values,
        "updated_at": now,
        "version": ticket.version + 1,
        "is_open": Status(status) in OPEN,
    }
    unknown = full.keys() - _COLUMNS
    if unknown:
        raise ValueError(f"not ticket columns: {', '.join(sorted(unknown))}")
    result = session.execute(_UPDATE, {**full, "_id": ticket.id, "_version": ticket.version})
    if result.rowcount != 1:
        raise TicketConflict(ticket.key, changes_since(session, ticket.id, ticket.version))
    for attr, value in full.items():
        setattr(ticket, attr, value)
    return record_event(session, actor, ticket, kind, changes, now=now, body=body, public=public)


def record_event(
    session: Session,
    actor: Actor,
    ticket: m.Ticket,
    kind: str,
    changes: dict[str, list[Any]],
    *,
    now: datetime,
    body: str = "",
    public: bool = False,
) -> m.TicketEvent:
    event = m.TicketEvent(
        ticket_id=ticket.id,
        at=now,
        actor_id=actor.id,
        actor_kind=actor.kind,
        kind=kind,
        changes=changes,
        body=body,
        public=public,
        version=ticket.version,
    )
    session.add(event)
    session.flush()
    announce(session, ticket.id, kind)
    if actor.kind != RULE:  # a rule never reacts to what rules did: no loops
        from helpdesk_tui.services import automation

        automation.queue(session, ticket.id, kind, changes, now)
    return event


def require_text(text: str | None, what: str, *, limit: int = 100_000) -> str:
    from helpdesk_tui.domain.text import clean

    value = clean(text or "")
    if not value.strip():
        raise Invalid(_("{what} is empty").format(what=what))
    if len(value) > limit:
        raise Invalid(
            _("{what} is too long ({value:,} characters; the limit is {limit:,})").format(
                what=what, value=len(value), limit=limit
            )
        )
    return value


def count_template_use(session: Session, code: str) -> None:
    """Count one use of a template (the picker ranks by use)."""
    row = session.exec(select(m.Template).where(m.Template.code == code)).first()
    if row is None:
        raise NotFound(_("unknown template {code!r}").format(code=code))
    row.use_count += 1
    session.add(row)
