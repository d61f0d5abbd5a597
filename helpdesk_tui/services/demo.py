"""Generating a demo desk: N realistic tickets over the reference world, in bulk.

Tickets are computed with the same rules the services use (matrix, plan, calendar,
routing) and written with their events (created, taken, first reply, resolved, closed),
so a generated ticket is indistinguishable from a registered one and its fields equal the
replay of its events. The same seed gives the same desk.

Rows skip the ORM on the way in: they are encoded once, the way the column types would
encode them (SQLite: ISO text instants, 0/1 booleans, JSON text), and written through the
driver — `executemany` on SQLite, `COPY … FROM STDIN` on PostgreSQL — all tickets in one
transaction, so an interrupted run leaves nothing half-written. A big load into a small
table drops the secondary indexes of `ticket` and `ticket_event` inside that transaction
and builds them again at its end. A million tickets (4.4 million events, 100,000 contacts)
take a few minutes (see tests/bench/RESULTS.md).
"""

from __future__ import annotations

import json
import math
import operator
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, func, text
from sqlmodel import Session, select

from helpdesk_tui.domain import clocks
from helpdesk_tui.domain.contracts import Terms, choose_plan
from helpdesk_tui.domain.priority import priority_of
from helpdesk_tui.domain.routing import Call, route
from helpdesk_tui.domain.text import contact_search_text, phone_digits
from helpdesk_tui.domain.vocab import EventKind
from helpdesk_tui.domain.workflow import OPEN, PAUSED, Status
from helpdesk_tui.services.catalog import Catalog, catalog
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store
from helpdesk_tui.store.keys import key_of, reserve_numbers
from helpdesk_tui.store.types import UTCDateTime

DEMO_LOGIN = "ivanova"  # a dispatcher in data/agents.toml; `helpdesk demo` opens as her
BATCH = 10_000  # tickets built and written at a time
REBUILD_INDEXES_FROM = 50_000  # tickets: from here a load into a smaller table rebuilds indexes
LOAD_CACHE_KIB = -262_144  # SQLite page cache while loading (256 MiB; sorts for the indexes)

_FIRST_RU = [
    "Анна",
    "Ольга",
    "Елена",
    "Ирина",
    "Наталья",
    "Мария",
    "Татьяна",
    "Светлана",
    "Алексей",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Игорь",
    "Павел",
    "Николай",
    "Михаил",
]
_LAST_RU = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
]
_CHANNELS = (
    ("phone", 50),
    ("email", 30),
    ("chat", 8),
    ("web", 7),
    ("walk-in", 2),
    ("monitoring", 3),
)
_DETAILS_RU = [
    "после обновления",
    "с утра",
    "периодически",
    "у всех касс",
    "после перезагрузки",
    "срочно, очередь покупателей",
    "второй раз за неделю",
    "с обеда",
]
_DETAILS_EN = [
    "since this morning",
    "after the update",
    "intermittently",
    "for everyone",
    "again this week",
    "after a restart",
    "urgent",
]


@dataclass(frozen=True)
class _Contact:
    id: int
    customer_id: int
    site_id: int | None
    language: str


@dataclass
class _World:
    cat: Catalog
    customers: dict[int, m.Customer]
    contacts_by_customer: dict[int, list[_Contact]]
    assets_by_site: dict[int, list[tuple[int, int | None, str]]]  # site -> (id, service, name)
    site_codes: dict[int, str]
    site_names: dict[int, str]
    agents_by_group: dict[int, list[int]]
    dispatchers: list[int]
    logins: dict[int, str]
    customer_ids: list[int] = field(init=False)  # to pick from without a list per ticket
    services: list = field(init=False)
    routed: dict = field(init=False, default_factory=dict)  # (call, default group) -> group
    contracts: dict[int, list[Terms]] = field(default_factory=dict)  # customer -> contracts

    def __post_init__(self) -> None:
        self.customer_ids = list(self.contacts_by_customer)
        self.services = list(self.cat.services.values())


def generate(
    store: Store, count: int, *, seed: int = 7, now: datetime | None = None, progress: bool = False
) -> int:
    """Add `count` tickets to the store. Returns how many were written."""
    if count <= 0:
        return 0
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    rng = random.Random(seed)
    loader = _Loader(store)
    try:
        with store.read() as s:
            contacts = _contact_rows(s, rng, want=max(0, count // 10), now=now)
        for start in range(0, len(contacts), BATCH):
            loader.load("contact", contacts[start : start + BATCH])
        del contacts
        with store.read() as s:
            world = _world(s, catalog(store, s, fresh=True))
        with store.write() as s:
            first_number = reserve_numbers(s, count)
            next_id = (s.exec(select(func.max(m.Ticket.id))).one() or 0) + 1
        span_days = min(1100.0, max(14.0, count / 900))
        bar = _progress(count) if progress else None
        written = 0
        # A big load into a small table: one transaction that drops the tables' secondary
        # indexes, appends the rows and builds the indexes again (sorting once is far cheaper
        # than a million random index inserts). DDL is transactional on both databases, so
        # an interrupted run leaves the store exactly as it was, indexes included.
        rebuild = count >= REBUILD_INDEXES_FROM and count >= next_id - 1
        try:
            with loader.transaction(), loader.indexes_dropped(("ticket", "ticket_event"), rebuild):
                for start in range(0, count, BATCH):
                    size = min(BATCH, count - start)
                    tickets, events = [], []
                    for i in range(size):
                        t, evs = _ticket(
                            world,
                            rng,
                            now,
                            span_days,
                            first_number + start + i,
                            next_id + start + i,
                        )
                        tickets.append(t)
                        events.extend(evs)
                    loader.insert("ticket", tickets)
                    loader.insert("ticket_event", events)
                    loader.insert("ticket_pause", _pauses(tickets))
                    written += size
                    if bar:
                        bar[0].update(bar[1], advance=size)
                if bar and rebuild:
                    bar[0].update(bar[1], description="building indexes")
        finally:
            if bar:
                bar[0].stop()
    finally:
        loader.close()
    if store.dialect == "postgresql":
        with store.write() as s:
            for table in ("ticket", "ticket_event", "contact"):
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
        with store.engine.connect() as conn:
            # VACUUM: the visibility map, so queue counts run as index-only scans at once
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM (ANALYZE) ticket, ticket_event, contact"
            )
    else:
        raw = store.engine.raw_connection()  # autocommit: a checkpoint cannot run in a BEGIN
        try:
            cur = raw.cursor()
            cur.execute("ANALYZE")
            # the load went through the WAL; fold it into the database and give the space back
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.close()
        finally:
            raw.close()
    return written


def _progress(total: int):
    from rich.progress import Progress

    bar = Progress()
    task = bar.add_task("generating tickets", total=total)
    bar.start()
    return bar, task


# -- writing rows through the driver --------------------------------------------------------


def _sqlite_instant(value: datetime | None) -> str | None:
    """What `UTCDateTime` + SQLAlchemy's SQLite DATETIME store: naive UTC, fixed width
    (`2026-11-24 08:00:39.000000`; the UTC text without its `+00:00`)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _pg_instant(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


class _Loader:
    """Writes rows (dicts keyed by column name) through the driver.

    Values are encoded the way the columns' SQLAlchemy types encode them, so rows written
    here read back exactly like rows written by the services.
    """

    def __init__(self, store: Store):
        self.sqlite = store.dialect == "sqlite"
        self._raw = store.engine.raw_connection()
        self._encoders: dict[tuple[str, tuple[str, ...]], Callable[[dict], list]] = {}
        if self.sqlite:
            self._cache_size = self._raw.cursor().execute("PRAGMA cache_size").fetchone()[0]

    def _encoder(self, table: str, names: tuple[str, ...]) -> Callable[[dict], list]:
        key = (table, names)
        if key in self._encoders:
            return self._encoders[key]
        columns = m.SQLModel.metadata.tables[table].c
        instant = _sqlite_instant if self.sqlite else _pg_instant
        fixes: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(names):
            kind = columns[name].type
            if isinstance(kind, UTCDateTime):
                fixes.append((i, instant))
            elif isinstance(kind, JSON):
                fixes.append((i, json.dumps))
            elif isinstance(kind, Boolean) and self.sqlite:
                fixes.append((i, _sqlite_bool))
            elif name in ("status", "kind", "channel", "type", "actor_kind"):
                fixes.append((i, _plain_str))

        get = operator.itemgetter(*names)
        single = len(names) == 1

        def encode(row: dict) -> list:
            values = [get(row)] if single else list(get(row))
            for i, fix in fixes:
                values[i] = fix(values[i])
            return values

        self._encoders[key] = encode
        return encode

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction on the loader's connection (BEGIN IMMEDIATE on SQLite)."""
        raw = self._raw
        cur = raw.cursor()
        try:
            if self.sqlite:
                cur.execute(f"PRAGMA cache_size = {LOAD_CACHE_KIB}")  # sorts for CREATE INDEX
                cur.execute("BEGIN IMMEDIATE")
            yield
            if self.sqlite:
                cur.execute("COMMIT")
            else:
                raw.commit()
        except BaseException:
            if self.sqlite:
                if raw.driver_connection.in_transaction:
                    cur.execute("ROLLBACK")
            else:
                raw.rollback()
            raise
        finally:
            if self.sqlite:
                cur.execute(f"PRAGMA cache_size = {self._cache_size}")
            cur.close()

    @contextmanager
    def indexes_dropped(self, tables: Sequence[str], drop: bool = True) -> Iterator[None]:
        """Inside a transaction: the tables' secondary indexes (not those of primary keys and
        unique constraints) are dropped, and created again from their own DDL at the end.
        On PostgreSQL their foreign keys too: re-adding one checks every row in a single
        join, where loading under it runs a lookup per row and key (a fifth of the load)."""
        if not drop:
            yield
            return
        cur = self._raw.cursor()
        try:
            drops: list[str] = []
            creates: list[str] = []
            for table in tables:
                if self.sqlite:
                    cur.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                        "AND tbl_name = ? AND sql IS NOT NULL",
                        (table,),
                    )
                    for name, sql in cur.fetchall():
                        drops.append(f'DROP INDEX "{name}"')
                        creates.append(sql)
                    continue
                cur.execute(
                    "SELECT format('%%I.%%I', n.nspname, c.relname), "
                    "pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE i.indrelid = to_regclass(%s) AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                    (table,),
                )
                for name, ddl in cur.fetchall():
                    drops.append(f"DROP INDEX {name}")
                    creates.append(ddl)
                cur.execute(
                    "SELECT k.conrelid::regclass::text, format('%%I', k.conname), "
                    "pg_get_constraintdef(k.oid) FROM pg_constraint k "
                    "WHERE k.conrelid = to_regclass(%s) AND k.contype = 'f'",
                    (table,),
                )
                for owner, name, definition in cur.fetchall():
                    drops.append(f"ALTER TABLE {owner} DROP CONSTRAINT {name}")
                    creates.append(f"ALTER TABLE {owner} ADD CONSTRAINT {name} {definition}")
            for statement in drops:
                cur.execute(statement)
            yield
            if not self.sqlite:
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in creates:
                cur.execute(statement)
        finally:
            cur.close()

    def insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Append `rows` inside the open transaction."""
        if not rows:
            return
        names = tuple(rows[0])
        encode = self._encoder(table, names)
        cols = ", ".join(f'"{n}"' for n in names)
        cur = self._raw.cursor()
        try:
            if self.sqlite:
                marks = ", ".join("?" * len(names))
                sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'
                cur.executemany(sql, map(encode, rows))
            else:
                with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(encode(row))
        finally:
            cur.close()

    def load(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Write `rows` in a transaction of their own."""
        if rows:
            with self.transaction():
                self.insert(table, rows)

    def close(self) -> None:
        self._raw.close()


PAUSE_REASONS = ("info", "confirm", "access")


def _updates(cal, update_s, created, first_response, resolved) -> dict[str, int]:
    """The public messages of a generated ticket (its first reply, its resolution) counted
    against the update clock, as the services count them."""
    if not update_s:
        return {}
    on_time = late = 0
    start = created
    for message in dict.fromkeys((first_response, resolved)):  # an FCR's one message: none
        if message is None or message <= start:
            continue
        if message <= cal.add(start, update_s):
            on_time += 1
        else:
            late += 1
        start = message
    return {"updates_on_time": on_time, "updates_late": late}


def _pauses(tickets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pause under way of each ticket waiting for the customer, with a reason (by the
    ticket's id, so the random draw of the desk stays as it was)."""
    return [
        {
            "ticket_id": t["id"],
            "reason": PAUSE_REASONS[t["id"] % len(PAUSE_REASONS)],
            "note": "",
            "started_at": t["paused_at"],
            "started_by_id": t["assignee_id"],
        }
        for t in tickets
        if t["paused_at"] is not None
    ]


def _sqlite_bool(value: Any) -> int | None:
    return None if value is None else int(bool(value))


def _plain_str(value: Any) -> Any:
    return str(value) if value is not None else None


def _contact_rows(s: Session, rng: random.Random, want: int, now: datetime) -> list[dict[str, Any]]:
    """Synthetic callers for big desks (100,000 for a million tickets), spread over the
    retail customers' sites, with unique phones and e-mails."""
    have = s.exec(select(func.count()).select_from(m.Contact)).one()
    missing = want - have
    if missing <= 0:
        return []
    sites = s.exec(select(m.Site.id, m.Site.customer_id)).all()
    customers = {c.id: c for c in s.exec(select(m.Customer)).all()}
    site_names = {
        sid: (code, name) for sid, code, name in s.exec(select(m.Site.id, m.Site.code, m.Site.name))
    }
    if not sites:
        return []
    rows = []
    base = have
    for i in range(missing):
        site_id, customer_id = sites[rng.randrange(len(sites))]
        first, last = rng.choice(_FIRST_RU), rng.choice(_LAST_RU)
        if first.endswith("а") or first.endswith("я"):
            last += "а"
        n = base + i
        d = f"{n:09d}"
        phone = f"+7 9{d[0:2]} {d[2:5]}-{d[5:7]}-{d[7:9]}"  # unique per n
        name = f"{first} {last}"
        customer = customers[customer_id]
        email = f"caller{n}@{customer.code}.example"
        rows.append(
            {
                "customer_id": customer_id,
                "site_id": site_id,
                "name": name,
                "phone": phone,
                "phone_digits": phone_digits(phone),
                "email": email,
                "language": customer.language,
                "search_text": contact_search_text(
                    name, email, phone, *site_names.get(site_id, ("", "")), customer.name
                ),
                "active": True,
                "created_at": now,
            }
        )
    return rows


def _world(s: Session, cat: Catalog) -> _World:
    customers = {c.id: c for c in s.exec(select(m.Customer).where(m.Customer.active)).all()}
    contacts: dict[int, list[_Contact]] = {}
    for cid, cust, site, lang in s.exec(
        select(m.Contact.id, m.Contact.customer_id, m.Contact.site_id, m.Contact.language).where(
            m.Contact.active
        )
    ):
        contacts.setdefault(cust, []).append(_Contact(cid, cust, site, lang))
    assets: dict[int, list[tuple[int, int | None, str]]] = {}
    for aid, site, service, name in s.exec(
        select(m.Asset.id, m.Asset.site_id, m.Asset.service_id, m.Asset.name)
    ):
        if site is not None:
            assets.setdefault(site, []).append((aid, service, name))
    sites = s.exec(select(m.Site.id, m.Site.code, m.Site.name)).all()
    agents_by_group: dict[int, list[int]] = {}
    for agent_id, group_id in s.exec(
        select(m.Membership.agent_id, m.Membership.group_id)
        .join(m.Agent, m.Agent.id == m.Membership.agent_id)
        .where(m.Agent.active, m.Agent.role.in_(["engineer", "dispatcher"]))
    ):
        agents_by_group.setdefault(group_id, []).append(agent_id)
    agents = s.exec(select(m.Agent.id, m.Agent.login, m.Agent.role)).all()
    contracts: dict[int, list[Terms]] = {}
    for c in s.exec(select(m.Contract).where(m.Contract.active)).all():
        contracts.setdefault(c.customer_id, []).append(
            Terms(c.code, c.name, c.sla_plan_id, tuple(c.services), c.valid_from, c.valid_to)
        )
    return _World(
        cat,
        {k: v for k, v in customers.items() if k in contacts},
        contacts,
        assets,
        {sid: code for sid, code, _ in sites},
        {sid: name for sid, _, name in sites},
        agents_by_group,
        [aid for aid, _, role in agents if role == "dispatcher"],
        {aid: login for aid, login, _ in agents},
        contracts=contracts,
    )


def _weighted(rng: random.Random, pairs) -> Any:
    total = sum(w for _, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _ticket(
    w: _World, rng: random.Random, now: datetime, span_days: float, number: int, tid: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    cat = w.cat
    # when: more recent tickets are denser (a growing desk), business hours favoured
    age_days = span_days * (rng.random() ** 1.3)
    created = now - timedelta(days=age_days)
    if rng.random() < 0.8:
        local_hour = 9 + rng.random() * 9
        created = created.replace(
            hour=int(local_hour) - 3 if local_hour >= 3 else 0, minute=int((local_hour % 1) * 60)
        )
        if created > now:
            created -= timedelta(days=1)
    created = created.replace(microsecond=0)
    age_days = (now - created).total_seconds() / 86400
    customer_id = rng.choice(w.customer_ids)
    customer = w.customers[customer_id]
    contact = rng.choice(w.contacts_by_customer[customer_id])
    services = w.services
    service = None
    if customer.default_service_id and rng.random() < 0.35:
        service = cat.services.get(customer.default_service_id)
    asset_id = asset_name = None
    site_assets = w.assets_by_site.get(contact.site_id or -1, [])
    if service is None and site_assets and rng.random() < 0.55:
        asset_id, service_id, asset_name = rng.choice(site_assets)
        service = cat.services.get(service_id) if service_id else None
        if service is None:
            asset_id = asset_name = None
    service = service or rng.choice(services)
    category = rng.choice(service.categories) if service.categories else None
    impact = _weighted(rng, ((3, 70), (2, 22), (1, 8)))
    urgency = _weighted(rng, ((3, 30), (2, 55), (1, 15)))
    priority = priority_of(cat.matrix, impact, urgency)
    choice = choose_plan(
        w.contracts.get(customer_id, ()), service.code, created.date(), customer.sla_plan_id
    )
    plan = cat.plan_for(choice.plan_id)
    cal = cat.calendar_of(plan)
    response_s, resolution_s = plan.targets[priority]
    call = Call(
        service=service.code,
        category=category.code if category else None,
        segment=customer.segment,
        site=w.site_codes.get(contact.site_id or -1),
        language=contact.language,
    )
    group = w.routed.get((call, service.group_id))
    if group is None:  # the rules are a pure function of the call: route each call once
        group = cat.group(route(cat.rules, call, cat.groups[service.group_id].code))
        w.routed[(call, service.group_id)] = group
    channel = _weighted(rng, _CHANNELS)
    ru = contact.language == "ru"
    what = (
        (category.name_ru or category.name)
        if (category and ru)
        else (category.name if category else service.name)
    )
    about = (service.name_ru or service.name) if ru else (asset_name or service.name)
    detail = rng.choice(_DETAILS_RU if ru else _DETAILS_EN)
    subject = f"{about}: {what.lower()} {detail}"
    site_name = w.site_names.get(contact.site_id or -1, "")
    description = f"{site_name}. {what}, {detail}." if ru else f"{site_name}: {what}, {detail}."
    if asset_name:
        description += f" ({asset_name})"

    # fate: open tickets are recent, plus a long tail of stalled ones
    p_open = 0.9 * math.exp(-age_days / 3) + 0.08 * math.exp(-age_days / 150)
    is_open = rng.random() < p_open
    agents = w.agents_by_group.get(group.id, [])
    assignee = rng.choice(agents) if agents else None
    status: str
    first_response = resolved = closed = paused_at = None
    paused_s = 0
    fcr = False
    satisfaction = None
    reopen_count = 0
    resolution = ""
    if not is_open:
        # a fate decided for an old ticket, unless its moments would lie in the future:
        # then it is still open (nothing is clamped to "now", which would pile up today)
        outcome = _weighted(rng, (("closed", 90), ("resolved", 6), ("cancelled", 4)))
        if outcome == "cancelled":
            cancelled_at = created + timedelta(minutes=rng.uniform(5, 600))
            if cancelled_at <= now:
                status, closed = Status.CANCELLED, cancelled_at
            else:
                is_open = True
        else:
            fcr = group.level == 1 and rng.random() < 0.5
            # most tickets take a third of their target; about one in twelve overruns it
            share = rng.uniform(0.02, 0.2) if fcr else min(1.6, rng.lognormvariate(-1.1, 0.65))
            used = resolution_s * share
            # solved on the phone: within minutes of the call
            resolved_at = (
                created + timedelta(minutes=rng.uniform(2, 12)) if fcr else cal.add(created, used)
            )
            if resolved_at > now:
                is_open, fcr = True, False
            else:
                resolved = resolved_at
                first_response = (
                    resolved
                    if fcr
                    else min(resolved, cal.add(created, response_s * rng.uniform(0.05, 1.2)))
                )
                resolution = "Решено." if ru else "Solved."
                closed_at = resolved + timedelta(hours=rng.uniform(0.5, 72))
                if outcome == "closed" and closed_at <= now:
                    status, closed = Status.CLOSED, closed_at
                    if rng.random() < 0.35:
                        satisfaction = _weighted(rng, ((5, 60), (4, 25), (3, 8), (2, 4), (1, 3)))
                    reopen_count = 1 if rng.random() < 0.03 else 0
                else:
                    status = Status.RESOLVED
    if is_open:
        status = _weighted(
            rng,
            (
                (Status.NEW, 22),
                (Status.ASSIGNED, 25),
                (Status.IN_PROGRESS, 33),
                (Status.WAITING_CUSTOMER, 12),
                (Status.WAITING_VENDOR, 8),
            ),
        )
        if status == Status.NEW or assignee is None:
            status, assignee = Status.NEW, None
        if status in (Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_VENDOR):
            answered = cal.add(created, response_s * rng.uniform(0.1, 1.3))
            first_response = answered if answered <= now else None
            if first_response is None:
                status = Status.ASSIGNED
        if status in PAUSED:
            paused_at = max(first_response or created, now - timedelta(hours=rng.uniform(0, 30)))
    else:
        if fcr:
            assignee = None
    clk = clocks.compute(
        cal,
        clocks.ClockInput(
            created_at=created,
            response_s=response_s,
            resolution_s=resolution_s,
            at_risk=plan.at_risk,
            paused_s=paused_s,
            paused_at=paused_at,
            first_response_at=first_response,
            resolved_at=resolved,
            update_s=plan.update_target(priority),
            update_from=first_response or created,
        ),
    )
    alerts = 0
    if is_open and paused_at is None:
        for bit, instant, done in (
            (clocks.RESPONSE_RISK, clk.response_risk_at, first_response),
            (clocks.RESPONSE_BREACH, clk.response_due, first_response),
            (clocks.RESOLUTION_RISK, clk.resolution_risk_at, None),
            (clocks.RESOLUTION_BREACH, clk.resolution_due, None),
            (clocks.UPDATE_RISK, clk.update_risk_at, None),
            (clocks.UPDATE_BREACH, clk.update_due, None),
        ):
            if done is None and instant is not None and instant <= now:
                alerts |= bit
    next_alert = (
        clocks.next_alert(
            paused_at,
            first_response,
            resolved,
            alerts,
            clk.response_risk_at,
            clk.response_due,
            clk.resolution_risk_at,
            clk.resolution_due,
            clk.update_risk_at,
            clk.update_due,
        )
        if is_open
        else None
    )
    key = key_of(number)
    took = _updates(cal, plan.update_target(priority), created, first_response, resolved)
    if first_response is not None:
        rb, rw = clocks.took(cal, created, first_response, paused_s)
        took.update(response_business_s=rb, response_wall_s=rw)
    if resolved is not None:
        sb, sw = clocks.took(cal, created, resolved, paused_s)
        took.update(resolution_business_s=sb, resolution_wall_s=sw)
    row = {
        "id": tid,
        "number": number,
        "key": key,
        "subject": subject,
        "description": description,
        "channel": channel,
        "type": service.default_type,
        "service_id": service.id,
        "category_id": category.id if category else None,
        "customer_id": customer_id,
        "contact_id": contact.id,
        "site_id": contact.site_id,
        "asset_id": asset_id,
        "impact": impact,
        "urgency": urgency,
        "priority": priority,
        "status": status,
        "is_open": status in OPEN,
        "line_id": group.line_id,
        "group_id": group.id,
        "assignee_id": assignee,
        "created_by_id": None,
        "sla_plan_id": plan.id,
        "created_at": created,
        "updated_at": closed or resolved or paused_at or first_response or created,
        "response_target_s": response_s,
        "resolution_target_s": resolution_s,
        "response_due": clk.response_due,
        "response_risk_at": clk.response_risk_at,
        "resolution_due": clk.resolution_due,
        "resolution_risk_at": clk.resolution_risk_at,
        "update_target_s": plan.update_target(priority),
        "update_from": first_response or created,
        "update_due": clk.update_due,
        "update_risk_at": clk.update_risk_at,
        "due_at": clk.due_at if status in OPEN else None,
        "first_response_at": first_response,
        "resolved_at": resolved,
        "closed_at": closed,
        "paused_at": paused_at,
        "paused_s": paused_s,
        "auto_close_at": (
            cal.add_business_days(resolved, plan.auto_close_days)
            if status == Status.RESOLVED
            else None
        ),
        "next_alert_at": next_alert,
        "alerts": alerts,
        "reopen_count": reopen_count,
        "escalation_count": 0,
        "fcr": fcr,
        "satisfaction": satisfaction,
        "time_spent_s": (rng.randrange(1, 25) * 300) if resolved is not None else 0,
        "response_business_s": took.get("response_business_s"),
        "response_wall_s": took.get("response_wall_s"),
        "resolution_business_s": took.get("resolution_business_s"),
        "resolution_wall_s": took.get("resolution_wall_s"),
        "updates_on_time": took.get("updates_on_time", 0),
        "updates_late": took.get("updates_late", 0),
        "resolution": resolution,
        "checklist": [],
        "tags": [],
        "parent_id": None,
    }
    events = _events(row, cat, group.code, plan.code, w, rng)
    row["version"] = len(events)
    return row, events


def _events(
    t: dict[str, Any], cat: Catalog, group_code: str, plan_code: str, w: _World, rng: random.Random
) -> list[dict[str, Any]]:
    """The events that would have produced this ticket, in order, with their actors."""
    created = t["created_at"]
    service = cat.services[t["service_id"]]
    dispatcher = rng.choice(w.dispatchers) if w.dispatchers else None
    worker = t["assignee_id"] or dispatcher
    first: dict[str, list[Any]] = {
        "subject": [None, t["subject"]],
        "description": [None, t["description"]],
        "channel": [None, t["channel"]],
        "type": [None, t["type"]],
        "service": [None, service.code],
        "impact": [None, t["impact"]],
        "urgency": [None, t["urgency"]],
        "priority": [None, t["priority"]],
        "status": [None, Status.RESOLVED.value if t["fcr"] else Status.NEW.value],
        "line": [None, cat.lines[t["line_id"]].code],
        "group": [None, group_code],
        "sla_plan": [None, plan_code],
        "response_due": [None, _iso(t["response_due"])],
        "resolution_due": [None, _iso(t["resolution_due"])],
    }
    # (at, actor id, actor kind, kind, changes, body, public)
    out: list[tuple[datetime, int | None, str, str, dict, str, bool]] = [
        (created, dispatcher, "agent", EventKind.CREATED, first, "", False)
    ]
    status = first["status"][1]
    ru = "Решено" in t["resolution"]
    if t["fcr"]:
        first.update(
            resolved_at=[None, _iso(t["resolved_at"])],
            first_response_at=[None, _iso(t["first_response_at"])],
            fcr=[None, True],
            resolution=[None, t["resolution"]],
        )
        out[0] = (created, dispatcher, "agent", EventKind.CREATED, first, t["resolution"], True)
    elif t["status"] != Status.CANCELLED:
        if t["assignee_id"]:
            at = created + timedelta(minutes=3)
            if t["first_response_at"]:
                at = min(at, t["first_response_at"])
            out.append(
                (
                    at,
                    worker,
                    "agent",
                    EventKind.TAKEN,
                    {"assignee": [None, w.logins.get(worker)], "status": ["new", "assigned"]},
                    "",
                    False,
                )
            )
            status = "assigned"
        if t["first_response_at"]:
            out.append(
                (
                    t["first_response_at"],
                    worker,
                    "agent",
                    EventKind.REPLY,
                    {"first_response_at": [None, _iso(t["first_response_at"])]},
                    "Приняли в работу, держим в курсе." if ru else "We are on it.",
                    True,
                )
            )
        if t["status"] in (Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_VENDOR):
            out.append(
                (
                    t["first_response_at"] or created,
                    worker,
                    "agent",
                    EventKind.STATUS,
                    {"status": [status, "in_progress"]},
                    "",
                    False,
                )
            )
            status = "in_progress"
            if t["status"] != Status.IN_PROGRESS:
                changes = {"status": ["in_progress", t["status"]]}
                if t["paused_at"]:
                    changes["paused_at"] = [None, _iso(t["paused_at"])]
                out.append(
                    (
                        t["paused_at"] or t["first_response_at"] or created,
                        worker,
                        "agent",
                        EventKind.STATUS,
                        changes,
                        "",
                        False,
                    )
                )
        if t["resolved_at"]:
            out.append(
                (
                    t["resolved_at"],
                    worker,
                    "agent",
                    EventKind.RESOLVED,
                    {
                        "status": [status, "resolved"],
                        "resolved_at": [None, _iso(t["resolved_at"])],
                        "resolution": ["", t["resolution"]],
                    },
                    t["resolution"],
                    True,
                )
            )
    else:
        out.append(
            (
                t["closed_at"],
                dispatcher,
                "agent",
                EventKind.STATUS,
                {"status": ["new", "cancelled"], "closed_at": [None, _iso(t["closed_at"])]},
                "Отозвано заявителем." if ru else "Withdrawn by the caller.",
                False,
            )
        )
    if t["status"] == Status.CLOSED:
        changes = {"status": ["resolved", "closed"], "closed_at": [None, _iso(t["closed_at"])]}
        if t["satisfaction"]:
            changes["satisfaction"] = [None, t["satisfaction"]]
            out.append((t["closed_at"], None, "customer", EventKind.CONFIRMED, changes, "", False))
        else:
            out.append((t["closed_at"], None, "system", EventKind.CLOSED, changes, "", False))
    return [
        {
            "ticket_id": t["id"],
            "at": max(at, created),
            "actor_id": actor,
            "actor_kind": kind_of,
            "kind": kind,
            "changes": changes,
            "body": body,
            "public": public,
            "version": n,
        }
        for n, (at, actor, kind_of, kind, changes, body, public) in enumerate(out, start=1)
    ]
