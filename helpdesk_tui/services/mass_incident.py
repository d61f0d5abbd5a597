"""Mass incidents: one ticket (the parent) stands for an outage many callers report.

Calls are attached to it as its children (`ticket.parent_id`, a `child` link and an event
on each child): from the queue (`M` on a ticket, with the marked tickets), from the
registration form (F8 on a similar open ticket) or one by one (`l`). Resolving the parent
resolves its open children, each in its own transaction with its own event, with the
parent's resolution filled for the child (`{{contact.name}}`, `{{ticket.key}}`, …) and
sent to each customer by the `resolved-*` notification template; a child marked
*excluded* is left alone (its problem may be different). The parent's timeline then
notes how many children went with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, and_, case, func, select

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.vocab import EventKind, status_label
from helpdesk_tui.domain.workflow import OPEN, Status
from helpdesk_tui.i18n import _, n_
from helpdesk_tui.services import batch, ticket_actions
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.refusals import each_alone, guarded, require
from helpdesk_tui.services.ticket_actions import Changed, changed_result, editing
from helpdesk_tui.services.ticket_core import apply, load_for_update, normalize_key, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

T = m.Ticket
CHILDREN_SHOWN = 200  # a pane lists at most this many children (the counts are exact)


@dataclass(frozen=True)
class Child:
    key: str
    subject: str
    status: str
    is_open: bool
    excluded: bool
    version: int


@dataclass(frozen=True)
class Children:
    parent: str
    total: int
    open: int
    excluded: int
    shown: tuple[Child, ...]


@dataclass(frozen=True)
class Cascade:
    """What resolving a parent did to its children."""

    result: batch.BatchResult
    excluded: int  # open children left alone

    def describe(self) -> str:
        r = self.result
        text = n_(
            "{n} child ticket resolved with it", "{n} child tickets resolved with it", r.done
        ).format(n=r.done)
        if self.excluded:
            text += n_(", {n} excluded", ", {n} excluded", self.excluded).format(n=self.excluded)
        if r.failed:
            text += n_(", {n} refused", ", {n} refused", len(r.failed)).format(n=len(r.failed))
        return text


@dataclass(frozen=True)
class MassIncident:
    key: str
    subject: str
    status: str
    children: int
    open_children: int
    excluded: int = 0  # open children left out of the resolution


# -- attaching ---------------------------------------------------------------------------------


def _check_parent(store: Store, key: str) -> str:
    with store.read() as s:
        parent = s.scalars(select(T).where(T.key == key)).first()
        if parent is None:
            raise NotFound(_("no ticket {key}").format(key=key))
        if parent.status not in OPEN:
            raise Invalid(
                _("{key} is {status}: a mass incident must be open").format(
                    key=key, status=parent.status
                )
            )
        if parent.parent_id is not None:
            grand = s.get(T, parent.parent_id)
            raise Invalid(
                _("{key} is itself part of {key2}: attach to that one").format(
                    key=key, key2=grand.key
                )
            )
        return parent.key


def attach(
    store: Store,
    actor: Actor,
    key: str,
    children: list[str],
    *,
    cancel: batch.CancelFlag | None = None,
    progress: Callable[[int, int, batch.Outcome], None] | None = None,
) -> batch.BatchResult:
    """Make `key` a mass incident and attach `children` to it, each its own change (and
    each refusal recorded: the run is not inside one guarded call)."""
    require(store, actor, "ticket.make_parent", key=key)
    parent = _check_parent(store, normalize_key(key))
    wanted = [k for k in dict.fromkeys(normalize_key(k) for k in children) if k != parent]
    if not wanted:
        raise Invalid(
            _("nothing to attach to {parent}: mark the calls that belong to it").format(
                parent=parent
            )
        )

    def one(child: str) -> str:
        with store.read() as s:
            row = s.execute(select(T.id, T.parent_id).where(T.key == child)).first()
            if row is None:
                raise NotFound(_("no ticket {child}").format(child=child))
            has = s.execute(select(T.id).where(T.parent_id == row.id).limit(1)).first()
            current = s.get(T, row.parent_id).key if row.parent_id else None
        if has is not None:
            raise Invalid(
                _("{child} is a mass incident itself: resolve or detach its children").format(
                    child=child
                )
            )
        if current == parent:
            raise Invalid(
                _("{child} is already part of {parent}").format(child=child, parent=parent)
            )
        return ticket_actions.link(store, actor, child, parent, "child").message

    return batch.run(wanted, one, cancel=cancel, progress=progress)


@guarded("ticket.exclude_child")
def set_excluded(
    store: Store,
    actor: Actor,
    key: str,
    excluded: bool,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Changed:
    """Leave a child out of its parent's resolution (or take it back in)."""
    now = now or utcnow()
    with editing(store, actor, key, expected_version) as (s, _cat, t):
        if t.parent_id is None:
            raise Invalid(_("{key} is not part of a mass incident").format(key=t.key))
        parent = s.get(T, t.parent_id).key
        if t.exclude_from_parent == excluded:
            already = (
                _("{key} is already excluded from the resolution of {parent}")
                if excluded
                else _("{key} is already included in the resolution of {parent}")
            )
            raise Invalid(already.format(key=t.key, parent=parent))
        # the timeline's words: in the language in force when written (a record)
        body = (
            _("left out of the resolution of {parent}")
            if excluded
            else _("resolved again with {parent}")
        ).format(parent=parent)
        event = apply(
            s, actor, t, EventKind.FIELDS, {"exclude_from_parent": excluded}, now=now, body=body
        )
        return changed_result(s, t, event, _("{key} {change}").format(key=t.key, change=body))


# -- reading -----------------------------------------------------------------------------------


def children(store: Store, key: str, *, limit: int = CHILDREN_SHOWN) -> Children:
    """A parent's children: counts, and the first `limit` (open ones first)."""
    key = normalize_key(key)
    with store.read() as s:
        parent_id = s.execute(select(T.id).where(T.key == key)).scalar()
        if parent_id is None:
            raise NotFound(_("no ticket {key}").format(key=key))
        total, open_, excluded = s.execute(
            select(
                func.count(),
                func.coalesce(func.sum(func.cast(T.is_open, Integer)), 0),
                func.coalesce(func.sum(func.cast(T.exclude_from_parent, Integer)), 0),
            ).where(T.parent_id == parent_id)
        ).one()
        rows = s.execute(
            select(T.key, T.subject, T.status, T.is_open, T.exclude_from_parent, T.version)
            .where(T.parent_id == parent_id)
            .order_by(T.is_open.desc(), T.number)
            .limit(limit)
        ).all()
    return Children(
        key,
        int(total),
        int(open_),
        int(excluded),
        tuple(
            Child(r.key, r.subject, r.status, bool(r.is_open), bool(r[4]), r.version) for r in rows
        ),
    )


@dataclass(frozen=True)
class Exclusions:
    """The children a key `x` offers: a parent's own, or a child's siblings and itself."""

    parent: str
    children: tuple[Child, ...]


def exclusions(store: Store, key: str) -> Exclusions:
    key = normalize_key(key)
    with store.read() as s:
        row = s.execute(select(T.id, T.parent_id).where(T.key == key)).first()
        if row is None:
            raise NotFound(_("no ticket {key}").format(key=key))
        parent = key
        if row.parent_id is not None:
            parent = s.execute(select(T.key).where(T.id == row.parent_id)).scalar_one()
    found = children(store, parent)
    return Exclusions(parent, found.shown)


def open_incidents(store: Store, *, limit: int = 8) -> list[MassIncident]:
    """Open tickets with children, most children first: the board's panel. Read from the
    parent index (`ix_ticket_parent`): only tickets that have a parent are counted."""
    p = T.__table__.alias("p")
    c = T.__table__.alias("c")
    counted = (
        select(
            c.c.parent_id.label("parent_id"),
            func.count().label("n"),
            func.sum(func.cast(c.c.is_open, Integer)).label("open_n"),
            func.sum(
                case((and_(c.c.is_open.is_(True), c.c.exclude_from_parent.is_(True)), 1), else_=0)
            ).label("excluded_n"),
        )
        .where(c.c.parent_id.is_not(None))
        .group_by(c.c.parent_id)
        .subquery("counted")
    )
    q = (
        select(
            p.c.key,
            p.c.subject,
            p.c.status,
            counted.c.n,
            counted.c.open_n,
            counted.c.excluded_n,
        )
        .select_from(counted)
        .join(p, p.c.id == counted.c.parent_id)
        .where(p.c.is_open.is_(True))
        .order_by(counted.c.open_n.desc(), counted.c.n.desc(), p.c.id)
        .limit(limit)
    )
    with store.read() as s:
        rows = s.execute(q).all()
    return [
        MassIncident(
            r.key, r.subject, r.status, int(r.n), int(r.open_n or 0), int(r.excluded_n or 0)
        )
        for r in rows
    ]


# -- resolving ---------------------------------------------------------------------------------

NOTE_FAILURES = 20  # the parent's note names at most this many refused children (and why)


@dataclass(frozen=True)
class Pending:
    """What a parent's resolution has to do: its open children that go with it, in order,
    and how many open ones are excluded (they stay open)."""

    parent: str
    keys: tuple[str, ...]
    excluded: int


def pending(store: Store, key: str) -> Pending:
    """The open, not excluded children of `key` (none for a ticket that is no parent)."""
    key = normalize_key(key)
    with store.read() as s:
        parent_id = s.execute(select(T.id).where(T.key == key)).scalar()
        if parent_id is None:
            raise NotFound(_("no ticket {key}").format(key=key))
        keys = tuple(
            s.execute(
                select(T.key)
                .where(T.parent_id == parent_id, T.is_open.is_(True), ~T.exclude_from_parent)
                .order_by(T.number)
            ).scalars()
        )
        excluded = s.execute(
            select(func.count()).where(
                T.parent_id == parent_id, T.is_open.is_(True), T.exclude_from_parent
            )
        ).scalar_one()
    return Pending(key, keys, int(excluded))


def cascade(
    store: Store,
    actor: Actor,
    key: str,
    resolution: str | None = None,
    *,
    now: datetime | None = None,
    cancel: batch.CancelFlag | None = None,
    progress: Callable[[int, int, batch.Outcome], None] | None = None,
) -> Cascade:
    """Resolve the open, not excluded children of the resolved parent `key`, one after
    another, each with the parent's resolution filled for it; then note on the parent how
    it went.

    Each child is resolved as if alone: its own transaction, event and permission check,
    and a refusal is audited on that child (`refusals.each_alone`), even when this runs
    inside the parent's guarded resolution. A refused child does not stop the others; a
    cancel stops between children. Without `resolution`, the parent's own is used: the
    rest of a cancelled run, on a parent already resolved."""
    now = now or utcnow()
    key = normalize_key(key)
    resuming = resolution is None
    if resolution is None:
        require(store, actor, "ticket.resolve", key=key)
        resolution = _resolution_of(store, key)
    todo = pending(store, key)
    if resuming and not todo.keys:
        raise Invalid(_("{key} has no open children left to resolve with it").format(key=key))
    coda = _("(Resolved with the mass incident {key}.)").format(key=key)
    text = f"{resolution}\n\n{coda}"

    def one(child: str) -> str:
        return ticket_actions.resolve(
            store, actor, child, text, fill_in=True, cascade=False, now=now
        ).message

    with each_alone():
        result = batch.run(todo.keys, one, cancel=cancel, progress=progress)
    if todo.keys or todo.excluded:
        with store.write() as s:
            parent = load_for_update(s, key)
            body = _note(result, todo.excluded, resuming)
            apply(s, actor, parent, EventKind.NOTE, {}, now=now, body=body)
    return Cascade(result, todo.excluded)


def _resolution_of(store: Store, key: str) -> str:
    with store.read() as s:
        row = s.execute(select(T.status, T.resolution).where(T.key == key)).first()
    if row is None:
        raise NotFound(_("no ticket {key}").format(key=key))
    if row.status not in (Status.RESOLVED, Status.CLOSED) or not (row.resolution or "").strip():
        raise Invalid(
            _("{key} is {status}: resolve it first, its children go with it").format(
                key=key, status=status_label(row.status)
            )
        )
    return row.resolution


def _note(result: batch.BatchResult, excluded: int, resuming: bool) -> str:
    """The parent's timeline: how many children went with it, which did not and why (in
    the language in force when written: a record of the timeline)."""
    if resuming:
        note = n_(
            "the rest of the mass incident's children: {done} of {n} open child resolved with it",
            "the rest of the mass incident's children: {done} of {n} open children resolved "
            "with it",
            result.total,
        )
    else:
        note = n_(
            "mass incident resolved: {done} of {n} open child resolved with it",
            "mass incident resolved: {done} of {n} open children resolved with it",
            result.total,
        )
    note = note.format(done=result.done, n=result.total)
    if excluded:
        note += n_(", {n} excluded left open", ", {n} excluded left open", excluded).format(
            n=excluded
        )
    if result.cancelled:
        note += _(
            "; cancelled with {n} left open (R on the parent, or `helpdesk ticket cascade`, "
            "resolves them)"
        ).format(n=result.skipped)
    failed = result.failed
    if failed:
        note += n_("; {n} refused:", "; {n} refused:", len(failed)).format(n=len(failed))
        note += "".join(f"\n- {o.key}: {o.message}" for o in failed[:NOTE_FAILURES])
        if len(failed) > NOTE_FAILURES:
            note += _("\n… and {n} more").format(n=len(failed) - NOTE_FAILURES)
    return note
