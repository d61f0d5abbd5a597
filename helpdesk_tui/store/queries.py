"""Queue pages and aggregates, built to ride the indexes in `models`.

A queue page is `WHERE scope AND is_open [AND filters] ORDER BY sort, id LIMIT n`, moved
by keyset (`(sort, id) > (last sort, last id)`) when scrolling, so a page costs the same
at row 30 and at row 300,000; only a jump (scrollbar, `G`) uses the reversed order or an
OFFSET along the same index range. Sorting by a column that can be NULL or lives in
another table (assignee, customer) pages by OFFSET instead.

Two paths, chosen per query:
- the queue in its own order (SLA deadline) without filters walks the scope's index
  (`ix_ticket_<scope>_queue`: scope, is_open, due_at, id) and stops after a page;
- any other sort, and any filter or search, reads `ix_ticket_open_rows`: a partial index
  of the *open* tickets only that carries every column a queue filters or sorts on. The
  page is found in that index alone (a few tens of thousands of entries however large the
  history grows) and only its rows are then read from the table, by id (a "late row
  lookup"). SQLite's planner misjudges partial indexes against the full ones, so on SQLite
  the index is named (`INDEXED BY`); PostgreSQL picks it itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, func, or_, select, table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Alias
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session

from helpdesk_tui.domain.text import is_number
from helpdesk_tui.store import models as m

T = m.Ticket.__table__.c
CUSTOMER = m.Customer.__table__.c
SITE = m.Site.__table__.c
AGENT = m.Agent.__table__.c
CONTACT = m.Contact.__table__.c
OPEN_ROWS_INDEX = "ix_ticket_open_rows"  # see models.Ticket
# SQLite's FTS5 trigram indexes of contact names and of the open tickets' subjects
# (migrations 0012, 0013; not models)
CONTACT_NAMES = table("contact_name_search", column("rowid"), column("contact_name_search"))
OPEN_SUBJECTS = table("ticket_subject_search", column("rowid"), column("ticket_subject_search"))
# PostgreSQL's narrow copies of the same, each with a GIN trigram index (migration 0014)
PG_CONTACT_NAMES = table("contact_name_search", column("id"), column("name"))
PG_OPEN_SUBJECTS = table("ticket_subject_search", column("id"), column("subject"))


class IndexedBy(Alias):
    """`ticket AS o`, read through one named index on SQLite (`INDEXED BY`)."""

    inherit_cache = True
    index_name = OPEN_ROWS_INDEX


@compiles(IndexedBy)
def _indexed_by_default(element, compiler, **kw):
    return compiler.visit_alias(element, **kw)


@compiles(IndexedBy, "sqlite")
def _indexed_by_sqlite(element, compiler, **kw):
    text = compiler.visit_alias(element, **kw)
    return f"{text} INDEXED BY {element.index_name}" if kw.get("asfrom") else text


OPEN = IndexedBy._construct(m.Ticket.__table__, name="o")  # open tickets, by the index
OC = OPEN.c  # its columns

# sort name -> (column, keyset-safe: never NULL for open tickets, on the ticket table)
SORTS: dict[str, tuple[Any, bool]] = {
    "sla": (T.due_at, True),
    "priority": (T.priority, True),
    "key": (T.number, True),
    "created": (T.created_at, True),
    "updated": (T.updated_at, True),
    "status": (T.status, True),
    "subject": (T.subject, True),
    "assignee": (AGENT.login, False),
    "customer": (CUSTOMER.name, False),
}

ROW_COLUMNS = (
    T.id,
    T.key,
    T.priority,
    T.subject,
    T.status,
    T.due_at,
    T.response_due,
    T.response_risk_at,
    T.resolution_due,
    T.resolution_risk_at,
    T.first_response_at,
    T.paused_at,
    T.created_at,
    T.updated_at,
    T.sla_plan_id,
    T.response_target_s,
    T.resolution_target_s,
    T.resolved_at,
    T.update_target_s,
    T.update_due,
    T.update_risk_at,
    T.response_business_s,
    T.resolution_business_s,
    T.version,
    T.group_id,
    CUSTOMER.name.label("customer_name"),
    SITE.name.label("site_name"),
    AGENT.login.label("assignee_login"),
)


@dataclass(frozen=True)
class Scope:
    """Which tickets a tab holds: by group, line, assignee, unassigned, or all."""

    group_id: int | None = None
    line_id: int | None = None
    assignee_id: int | None = None
    unassigned_in: tuple[int, ...] | None = None  # unassigned, in these groups (None: all)
    unassigned: bool = False


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = ()  # empty: every open status
    all_statuses: bool = False  # include resolved, closed, cancelled
    priorities: tuple[int, ...] = ()
    service_id: int | None = None
    customer_id: int | None = None
    search: str = ""
    where: str = ""  # a query (domain/query.py) as typed …
    condition: Any = field(default=None, compare=False, repr=False)  # … compiled on `ticket`


def queue_conditions(
    scope: Scope, flt: Filters, dialect: str, t: Any = T
) -> list[ColumnElement[bool]]:
    """The conditions of a queue on ticket columns `t` (the table's, or the open-rows
    alias's)."""
    conds: list[ColumnElement[bool]] = []
    if scope.group_id is not None:
        conds.append(t.group_id == scope.group_id)
    if scope.line_id is not None:
        conds.append(t.line_id == scope.line_id)
    if scope.assignee_id is not None:
        conds.append(t.assignee_id == scope.assignee_id)
    if scope.unassigned:
        conds.append(t.assignee_id.is_(None))
        if scope.unassigned_in is not None:
            conds.append(t.group_id.in_(scope.unassigned_in or (-1,)))
    if not flt.all_statuses:
        conds.append(t.is_open.is_(True))  # exactly the open-rows index's own condition
    if flt.statuses:
        conds.append(t.status.in_(flt.statuses))
    if flt.priorities:
        conds.append(t.priority.in_(flt.priorities))
    if flt.service_id is not None:
        conds.append(t.service_id == flt.service_id)
    if flt.customer_id is not None:
        conds.append(t.customer_id == flt.customer_id)
    if flt.search:
        conds.append(_search(flt.search, dialect, t, open_only=not flt.all_statuses))
    if flt.condition is not None:
        conds.append(flt.condition if t is T else ClauseAdapter(OPEN).traverse(flt.condition))
    return conds


def _filtered(flt: Filters) -> bool:
    return bool(
        flt.statuses
        or flt.priorities
        or flt.service_id
        or flt.customer_id
        or flt.search
        or flt.condition is not None
    )


def counted_with_page(session: Session, flt: Filters, sort: str) -> bool:
    """Whether a first page should count its rows itself (`page(with_total=True)`): a
    search or a query over the open rows, whose condition costs more than reading them;
    and on PostgreSQL any read of the open rows, which gathers them all before sorting
    (their count is then free: a sort change is one query, not a count and a page)."""
    if flt.all_statuses:
        return False
    if flt.search or flt.condition is not None:
        return True
    return _dialect(session) == "postgresql" and _by_open_rows(flt, sort)


def _by_open_rows(flt: Filters, sort: str | None) -> bool:
    """Whether to read the open-rows index: open tickets only, and a sort other than the
    scope indexes' own (SLA deadline) or a filter those indexes do not carry."""
    return not flt.all_statuses and (_filtered(flt) or (sort is not None and sort != "sla"))


def _contains(column: Any, word: str, dialect: str) -> ColumnElement[bool]:
    """Case-insensitive substring, Cyrillic included (SQLite's own LIKE folds ASCII only,
    so SQLite uses the `hd_fold` function the engine registers). PostgreSQL matches a
    case-insensitive regular expression of the literal word: the same rows as ILIKE, and
    a third cheaper over a line's open subjects (ILIKE lower-cases each one first)."""
    if dialect == "sqlite":
        pattern = "%" + _like_escaped(word.casefold()) + "%"
        return func.hd_fold(column).like(pattern, escape="\\")
    return column.op("~*")(regex_literal(word))


def _like_escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


REGEX_SPECIAL = frozenset("\\^$.|?*+()[]{}")


def regex_literal(word: str) -> str:
    """`word` as a PostgreSQL regular expression that matches exactly it."""
    return "".join("\\" + ch if ch in REGEX_SPECIAL else ch for ch in word)


def _forms(ch: str) -> list[str]:
    """The case forms of a character that are single characters (`к` -> `К`, `к`)."""
    return sorted({f for f in (ch, ch.lower(), ch.upper(), ch.casefold()) if len(f) == 1})


def _glob_char(ch: str, *, literal: bool = False) -> str:
    forms = _forms(ch)
    if len(forms) > 1 and not literal:
        return "[" + "".join(forms) + "]"
    return f"[{ch}]" if ch in "*?[" else ch


def glob_patterns(word: str) -> list[str]:
    """SQLite GLOBs that together match `word` anywhere, in any letter case: one per case
    form of the first letter, each further letter a class of its forms (`*к[Аа][Сс]*`,
    `*К[Аа][Сс]*`). Case-insensitive like `casefold` for Latin, Cyrillic and Greek, but
    run by SQLite itself: a Python `hd_fold` call per row costs about a microsecond, too
    much for a search over every open ticket; and a literal first character lets SQLite
    skip ahead instead of trying a class at every position."""
    if not word:
        return ["*"]
    rest = "".join(_glob_char(ch) for ch in word[1:])
    return ["*" + _glob_char(first, literal=True) + rest + "*" for first in _forms(word[0])]


def _text_has(column: Any, word: str, dialect: str) -> ColumnElement[bool]:
    """`column` contains `word`, in any letter case, with no Python in the loop on SQLite:
    its own LIKE for ASCII words (it folds ASCII), GLOBs of the case forms for others."""
    if dialect != "sqlite":
        return _contains(column, word, dialect)
    if word.isascii():
        return column.like(f"%{_like_escaped(word)}%", escape="\\")
    return or_(*(column.op("GLOB")(p) for p in glob_patterns(word)))


def _contacts_named(word: str, dialect: str) -> Select:
    """Ids of contacts whose name contains `word`. On SQLite a trigram index of the names
    (migration 0012) answers a word of three characters or more by itself. On PostgreSQL
    the names' narrow copy (migration 0014) is tested, through its trigram index for a word
    of three characters or more (a common surname: 5,000 of 100,000 names, 2 ms)."""
    if dialect != "sqlite":
        return select(PG_CONTACT_NAMES.c.id).where(
            _contains(PG_CONTACT_NAMES.c.name, word, dialect)
        )
    if len(word) >= 3:
        return select(CONTACT_NAMES.c.rowid).where(
            CONTACT_NAMES.c.contact_name_search.op("MATCH")(_fts_phrase(word))
        )
    return select(CONTACT.id).where(_text_has(CONTACT.name, word, dialect))


def _subject_has(t: Any, word: str, dialect: str, open_only: bool) -> ColumnElement[bool]:
    """The ticket's subject contains `word`. Over open tickets, a word of three characters
    or more is looked up in the open subjects' trigram index and each row of the tab only
    among the tickets found. On SQLite (migration 0013) only a word that is not ASCII: half
    the time of testing every subject with the GLOBs of its case forms, while an ASCII word
    is cheaper tested by SQLite's own LIKE (measured: tests/bench/RESULTS.md). On
    PostgreSQL (migration 0014) any word: a third to a half of testing every subject."""
    if not open_only or len(word) < 3:
        return _text_has(t.subject, word, dialect)
    if dialect != "sqlite":
        found = select(PG_OPEN_SUBJECTS.c.id).where(
            _contains(PG_OPEN_SUBJECTS.c.subject, word, dialect)
        )
        return t.id.in_(found)
    if word.isascii():
        return _text_has(t.subject, word, dialect)
    found = select(OPEN_SUBJECTS.c.rowid).where(
        OPEN_SUBJECTS.c.ticket_subject_search.op("MATCH")(_fts_phrase(word))
    )
    return t.id.in_(found)


def _fts_phrase(word: str) -> str:
    """`word` as an FTS5 phrase: with the trigram tokenizer, the rows containing it."""
    return '"' + word.replace('"', '""') + '"'


def _search(text: str, dialect: str, t: Any = T, open_only: bool = False) -> ColumnElement[bool]:
    """A key, or words that must all appear in the subject, contact or customer name
    (case-insensitive, Cyrillic included). `open_only`: the rows are open tickets."""
    value = text.strip()
    digits = value.upper().removeprefix("HD-")
    if is_number(digits):
        return or_(t.number == int(digits), _subject_has(t, value, dialect, open_only))
    per_word = []
    for word in value.split()[:6]:
        per_word.append(
            or_(
                _subject_has(t, word, dialect, open_only),
                t.contact_id.in_(_contacts_named(word, dialect)),
                t.customer_id.in_(
                    select(CUSTOMER.id).where(_contains(CUSTOMER.name, word, dialect))
                ),
            )
        )
    return and_(*per_word)


def keyset_ok(sort: str, flt: Filters) -> bool:
    """Whether pages can move by keyset for this sort (else by OFFSET)."""
    return SORTS[sort][1] and not (sort == "sla" and flt.all_statuses)


TICKET = m.Ticket.__table__


def _base(scope: Scope, flt: Filters, dialect: str) -> Select:
    return with_parties(select(*ROW_COLUMNS).select_from(TICKET)).where(
        *queue_conditions(scope, flt, dialect)
    )


def with_parties(q: Select) -> Select:
    """The row's customer, site and assignee beside it."""
    return (
        q.outerjoin(m.Customer.__table__, CUSTOMER.id == T.customer_id)
        .outerjoin(m.Site.__table__, SITE.id == T.site_id)
        .outerjoin(m.Agent.__table__, AGENT.id == T.assignee_id)
    )


def _sort_column(sort: str, t: Any) -> Any:
    """The sort's column on ticket columns `t`, or on the joined agent/customer table."""
    column, _ = SORTS[sort]
    return t[column.name] if column.table is TICKET else column


def _ordered(q: Select, column: Any, id_column: Any, desc: bool) -> Select:
    if desc:
        return q.order_by(column.desc(), id_column.desc())
    return q.order_by(column.asc(), id_column.asc())


def page(
    session: Session,
    scope: Scope,
    flt: Filters,
    sort: str,
    descending: bool,
    *,
    limit: int,
    after: tuple | None = None,
    before: tuple | None = None,
    offset: int | None = None,
    last: bool = False,
    with_total: bool = False,
) -> Sequence[Any]:
    """Rows in queue order. `after`/`before` are (sort value, id) of a row already shown.

    `before` and `last` read the index backwards and return rows in queue order.
    `with_total` (a first page over the open rows): each row also carries `total`, the
    count of every matching row, from the same pass over them — for a search, whose
    condition costs more than the index read, a separate count would pass over them again.
    """
    dialect = _dialect(session)
    backwards = bool(before is not None or last)
    order_desc = descending != backwards
    if _by_open_rows(flt, sort):
        # the page's ids from the open-rows index alone, then those rows from the table
        column = _sort_column(sort, OC)
        ids = select(OC.id).select_from(OPEN)
        if sort == "assignee":
            ids = ids.outerjoin(m.Agent.__table__, AGENT.id == OC.assignee_id)
        elif sort == "customer":
            ids = ids.outerjoin(m.Customer.__table__, CUSTOMER.id == OC.customer_id)
        ids = ids.where(*queue_conditions(scope, flt, dialect, OC))
        if after is not None:
            ids = ids.where(_beyond(column, after, descending, OC.id))
        if before is not None:
            ids = ids.where(_beyond(column, before, not descending, OC.id))
        total = None
        if dialect == "postgresql" or with_total:
            # PostgreSQL would walk a whole-history index in the sort's order (created_at,
            # number) filtering for open rows, which are mostly recent: seconds on a million
            # tickets. A materialized CTE makes it take the open rows first, then sort them
            # (and count them, when asked, without matching them again).
            matched = ids.add_columns(column.label("k")).cte("matched").prefix_with("MATERIALIZED")
            ids = select(matched.c.id).select_from(matched)
            ids = _ordered(ids, matched.c.k, matched.c.id, order_desc).limit(limit)
            if with_total:
                total = select(func.count()).select_from(matched).scalar_subquery().label("total")
        else:
            ids = _ordered(ids, column, OC.id, order_desc).limit(limit)
        if offset:
            ids = ids.offset(offset)
        window = ids.subquery("page")
        columns = ROW_COLUMNS if total is None else (*ROW_COLUMNS, total)
        q = with_parties(select(*columns).select_from(window).join(TICKET, T.id == window.c.id))
        q = _ordered(q, _sort_column(sort, T), T.id, order_desc)
    else:
        if with_total:
            raise ValueError("with_total reads the open rows: a filter or a sort other than SLA")
        column, _ = SORTS[sort]
        q = _base(scope, flt, dialect)
        if after is not None:
            q = q.where(_beyond(column, after, descending))
        if before is not None:
            q = q.where(_beyond(column, before, not descending))
        q = _ordered(q, column, T.id, order_desc)
        if offset:
            q = q.offset(offset)
        q = q.limit(limit)
    rows = session.execute(q).all()
    return list(reversed(rows)) if backwards else rows


def _beyond(
    column: Any, key: tuple, descending: bool, id_column: Any = T.id
) -> ColumnElement[bool]:
    value, row_id = key
    if descending:
        return or_(column < value, and_(column == value, id_column < row_id))
    return or_(column > value, and_(column == value, id_column > row_id))


def count(session: Session, scope: Scope, flt: Filters) -> int:
    dialect = _dialect(session)
    if _by_open_rows(flt, None):
        q = select(func.count()).select_from(OPEN).where(*queue_conditions(scope, flt, dialect, OC))
    else:
        q = select(func.count()).select_from(TICKET).where(*queue_conditions(scope, flt, dialect))
    return session.execute(q).scalar_one()


def position_of(
    session: Session, scope: Scope, flt: Filters, sort: str, descending: bool, key: tuple
) -> int:
    """How many rows come before the row with sort key `key` (to keep a cursor on its row)."""
    dialect = _dialect(session)
    if _by_open_rows(flt, sort):
        column = _sort_column(sort, OC)
        q = (
            select(func.count())
            .select_from(OPEN)
            .where(
                *queue_conditions(scope, flt, dialect, OC),
                _beyond(column, key, not descending, OC.id),
            )
        )
    else:
        column, _ = SORTS[sort]
        q = (
            select(func.count())
            .select_from(TICKET)
            .where(*queue_conditions(scope, flt, dialect), _beyond(column, key, not descending))
        )
    if not SORTS[sort][1]:
        return -1
    return session.execute(q).scalar_one()


def nearest(
    session: Session, agent_id: int | None, line_ids: tuple[int, ...] | None, limit: int
) -> Sequence[Any]:
    """Open, running tickets by deadline: the agent's own or on their lines. Walks the
    `(is_open, due_at, id)` index from the earliest deadline and stops at `limit`."""
    q = (
        select(*ROW_COLUMNS)
        .select_from(m.Ticket.__table__)
        .outerjoin(m.Customer.__table__, CUSTOMER.id == T.customer_id)
        .outerjoin(m.Site.__table__, SITE.id == T.site_id)
        .outerjoin(m.Agent.__table__, AGENT.id == T.assignee_id)
        .where(T.is_open.is_(True), T.paused_at.is_(None), T.due_at.is_not(None))
    )
    if line_ids is not None:
        q = q.where(or_(T.assignee_id == agent_id, T.line_id.in_(line_ids or (-1,))))
    q = q.order_by(T.due_at, T.id).limit(limit)
    return session.execute(q).all()


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def agent_loads(session: Session) -> dict[int, int]:
    """Open tickets held per agent (the assignee index, one grouped scan of open rows)."""
    rows = session.exec(
        select(m.Ticket.assignee_id, func.count())
        .where(m.Ticket.assignee_id.is_not(None), m.Ticket.is_open)
        .group_by(m.Ticket.assignee_id)
    ).all()
    return dict(rows)


def search_condition(text: str, dialect: str) -> ColumnElement[bool]:
    """The queue search (a key, or words in subject, contact or customer) as a condition."""
    return _search(text, dialect)
