"""The vendor line as people read it: the promises vendors let pass (on the supervisor
board) and a vendor's card (their cases, newest first, and how many promises are late).
A vendor is a group of line 4 (`data/lines.toml`); its cases are `vendor_case` rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.i18n import _
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import GroupInfo, catalog
from helpdesk_tui.services.escalation import VENDOR_LEVEL
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import card_queries as q
from helpdesk_tui.store.db import Store

PAGE = 30


@dataclass(frozen=True)
class LatePromise:
    key: str
    subject: str
    status: str
    vendor: str  # the vendor group's code
    vendor_name: str
    case: str
    contact: str
    promised_at: datetime
    resolution_due: datetime | None  # our own promise to the customer, beside theirs


@dataclass(frozen=True)
class LatePromises:
    total: int
    rows: tuple[LatePromise, ...]


@dataclass(frozen=True)
class CaseRow:
    id: int
    key: str
    subject: str
    status: str
    case: str
    contact: str
    opened_at: datetime
    promised_at: datetime | None
    closed_at: datetime | None
    late: bool  # the promise passed while the case was open


@dataclass(frozen=True)
class VendorCard:
    code: str
    name: str
    line: str
    cases_total: int
    cases_open: int
    late: tuple[LatePromise, ...]
    late_total: int
    cases: tuple[CaseRow, ...]
    next: tuple[datetime, int] | None  # where the next page of cases starts


@guarded("board.view")
def late_promises(
    store: Store, actor: Actor, *, now: datetime | None = None, limit: int = 10
) -> LatePromises:
    """The vendors' promises that passed on tickets still open, most overdue first."""
    now = now or utcnow()
    with store.read() as s:
        cat = catalog(store, s)
        rows = q.late_cases(s, now, limit)
        total = len(rows) if len(rows) < limit else q.count_late(s, now)
        return LatePromises(total, tuple(_late(cat.groups, r) for r in rows))


def vendors(store: Store) -> list[GroupInfo]:
    """The vendor groups (line 4)."""
    cat = catalog(store)
    return sorted((g for g in cat.groups.values() if g.level == VENDOR_LEVEL), key=lambda g: g.code)


@guarded("card.view")
def vendor_card(
    store: Store,
    actor: Actor,
    code: str,
    *,
    after: tuple[datetime, int] | None = None,
    page: int = PAGE,
    now: datetime | None = None,
) -> VendorCard:
    now = now or utcnow()
    with store.read() as s:
        cat = catalog(store, s)
        group = cat.group(code.strip())
        if group.level != VENDOR_LEVEL:
            raise NotFound(_("{code} is not a vendor (line 4)").format(code=group.code))
        page = max(1, min(page, 500))
        rows = q.vendor_cases(s, group.id, after, page + 1)
        more = len(rows) > page
        rows = rows[:page]
        total, open_ = q.vendor_counts(s, group.id)
        late = q.late_cases(s, now, 10, group.id)
        cases = tuple(
            CaseRow(
                r.id,
                r.key,
                r.subject,
                r.status,
                r.case_number,
                r.contact,
                r.opened_at,
                r.promised_at,
                r.closed_at,
                r.late_at is not None
                or (
                    r.closed_at is None
                    and r.is_open
                    and r.promised_at is not None
                    and r.promised_at < now
                ),
            )
            for r in rows
        )
        last = rows[-1] if rows else None
        return VendorCard(
            group.code,
            group.name,
            group.line_code,
            total,
            open_,
            tuple(_late(cat.groups, r) for r in late),
            len(late) if len(late) < 10 else q.count_late(s, now, group.id),
            cases,
            (last.opened_at, last.id) if more and last is not None else None,
        )


def _late(groups: dict[int, GroupInfo], r) -> LatePromise:
    g = groups.get(r.group_id)
    return LatePromise(
        r.key,
        r.subject,
        r.status,
        g.code if g else "?",
        g.name if g else "?",
        r.case_number,
        r.contact,
        r.promised_at,
        r.resolution_due,
    )
