"""A queue grouped by service, category, customer, site or asset (key `B`).

The headers come from one indexed GROUP BY (`store/grouping.py`): each group's open
tickets, earliest deadline and how many are breached or at risk; an expanded group's
tickets come a page at a time by keyset, in deadline order, like the plain queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.i18n import _
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.queue import QueueQuery, QueueRow, _row
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import grouping
from helpdesk_tui.store.db import Store

GROUPINGS = grouping.GROUPINGS
NONE_NAMES = {
    "service": "(no service)",
    "category": "(no category)",
    "customer": "(no customer)",
    "site": "(no site)",
    "asset": "(no asset)",
}


@dataclass(frozen=True)
class Group:
    by: str
    value: int | None  # the id of the service, category, …; None: tickets without one
    name: str
    count: int
    first_due: datetime | None  # the group's most urgent deadline
    breached: int
    at_risk: int

    @property
    def state(self) -> str:
        """The worst SLA state in the group: breached, at-risk, running or none."""
        if self.breached:
            return "breached"
        if self.at_risk:
            return "at-risk"
        return "running" if self.first_due is not None else "none"


def check(by: str) -> str:
    if by not in GROUPINGS:
        raise Invalid(
            _("unknown grouping {by!r}: use one of {GROUPINGS}").format(
                by=by, GROUPINGS=", ".join(GROUPINGS)
            )
        )
    return by


def groups(store: Store, q: QueueQuery, by: str, *, now: datetime | None = None) -> list[Group]:
    """The tab's open tickets per group, most urgent group first (one GROUP BY)."""
    check(by)
    now = now or utcnow()
    with store.read() as s:
        rows = grouping.group_counts(s, q.tab.scope, q.filters, by, now)
    out = [
        Group(
            by,
            r.value,
            r.name or NONE_NAMES[by] if r.value is None else (r.name or f"#{r.value}"),
            int(r.n),
            r.first_due,
            int(r.breached or 0),
            int(r.at_risk or 0),
        )
        for r in rows
    ]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    out.sort(key=lambda g: (-g.breached, g.first_due or far, g.name.casefold()))
    return out


def page(
    store: Store,
    q: QueueQuery,
    by: str,
    value: int | None,
    *,
    limit: int = 100,
    after: tuple | None = None,
    before: tuple | None = None,
    offset: int | None = None,
    last: bool = False,
) -> list[QueueRow]:
    """A page of one group's tickets, in deadline order."""
    check(by)
    with store.read() as s:
        cat = catalog(store, s)
        rows = grouping.group_page(
            s,
            q.tab.scope,
            q.filters,
            by,
            value,
            limit=limit,
            after=after,
            before=before,
            offset=offset,
            last=last,
        )
        return [_row(cat, "sla", r) for r in rows]


def keys(
    store: Store, q: QueueQuery, by: str | None, value: int | None, *, limit: int
) -> list[str]:
    """The keys a mark of a group (or of the whole tab, `by` None) takes, at most `limit`."""
    if by is not None:
        check(by)
    with store.read() as s:
        return grouping.group_keys(s, q.tab.scope, q.filters, by, value, limit)
