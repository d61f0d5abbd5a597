"""Drafts: text an agent is writing, saved as they type, back after a crash.

Writing them is `draft.save` in the permission table: an inactive agent keeps none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from helpdesk_tui.domain.text import clean
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import normalize_key, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

# one draft per kind of text and ticket: a half-written internal note must not turn up as
# the reason for reopening or the message to a supervisor (nor be discarded by them)
KINDS = (
    "reply",
    "note",
    "resolution",
    "escalation",
    "supervisor",
    "reopen",
    "cancel",
    "registration",
)


@dataclass(frozen=True)
class DraftView:
    kind: str
    ticket: str | None
    body: str
    data: dict[str, Any]
    updated_at: datetime


def _ticket_id(session, key: str | None) -> int | None:
    if key is None:
        return None
    row = session.exec(select(m.Ticket.id).where(m.Ticket.key == normalize_key(key))).first()
    return row


@guarded("draft.save")
def save(
    store: Store,
    actor: Actor,
    kind: str,
    ticket: str | None,
    body: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Create or replace the agent's draft of `kind` for `ticket` (None: a new call)."""
    if kind not in KINDS:
        raise ValueError(kind)
    with store.write() as s:
        tid = _ticket_id(s, ticket)
        row = s.exec(
            select(m.Draft).where(
                m.Draft.agent_id == actor.id,
                m.Draft.kind == kind,
                m.Draft.ticket_id.is_(None) if tid is None else m.Draft.ticket_id == tid,
            )
        ).first()
        if row is None:
            row = m.Draft(agent_id=actor.id, ticket_id=tid, kind=kind, updated_at=utcnow())
        row.body = clean(body)
        row.data = data or {}
        row.updated_at = utcnow()
        s.add(row)


@guarded("draft.save")
def append(store: Store, actor: Actor, kind: str, ticket: str | None, body: str) -> None:
    """Add `body` after the draft's text (text typed before the draft could be shown must
    not replace it)."""
    with store.write() as s:
        append_in(s, actor, kind, _ticket_id(s, ticket), body)


def append_in(s, actor: Actor, kind: str, ticket_id: int | None, body: str) -> None:
    """`append` within a transaction the caller holds (a change that also writes a draft)."""
    row = s.exec(
        select(m.Draft).where(
            m.Draft.agent_id == actor.id,
            m.Draft.kind == kind,
            m.Draft.ticket_id.is_(None) if ticket_id is None else m.Draft.ticket_id == ticket_id,
        )
    ).first()
    if row is None:
        row = m.Draft(agent_id=actor.id, ticket_id=ticket_id, kind=kind, body="", data={})
    row.body = clean(row.body + "\n" + body if row.body.strip() else body)
    row.updated_at = utcnow()
    s.add(row)


def load(store: Store, actor: Actor, kind: str, ticket: str | None) -> DraftView | None:
    with store.read() as s:
        tid = _ticket_id(s, ticket)
        row = s.exec(
            select(m.Draft).where(
                m.Draft.agent_id == actor.id,
                m.Draft.kind == kind,
                m.Draft.ticket_id.is_(None) if tid is None else m.Draft.ticket_id == tid,
            )
        ).first()
        if row is None or not (row.body.strip() or row.data):
            return None
        return DraftView(kind, ticket, row.body, dict(row.data), row.updated_at)


@guarded("draft.save")
def discard(store: Store, actor: Actor, kind: str, ticket: str | None) -> None:
    with store.write() as s:
        tid = _ticket_id(s, ticket)
        for row in s.exec(
            select(m.Draft).where(
                m.Draft.agent_id == actor.id,
                m.Draft.kind == kind,
                m.Draft.ticket_id.is_(None) if tid is None else m.Draft.ticket_id == tid,
            )
        ).all():
            s.delete(row)


def mine(store: Store, actor: Actor) -> list[DraftView]:
    """The agent's drafts, newest first (shown after a restart)."""
    with store.read() as s:
        rows = s.exec(
            select(m.Draft, m.Ticket.key)
            .join(m.Ticket, m.Ticket.id == m.Draft.ticket_id, isouter=True)
            .where(m.Draft.agent_id == actor.id)
            .order_by(m.Draft.updated_at.desc())
        ).all()
        return [
            DraftView(d.kind, key, d.body, dict(d.data), d.updated_at)
            for d, key in rows
            if d.body.strip() or d.data
        ]
