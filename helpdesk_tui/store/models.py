"""The tables. Everything in PRODUCT.md's domain, with the indexes the screens need.

Queue pages are keyset queries on `(scope, is_open, due_at, id)`: the group, line and
assignee indexes below serve the group tabs, the line tabs, *My work* and *Unassigned*
(`assignee_id IS NULL` is an equality for both SQLite and PostgreSQL b-trees).
Instants are `UTCDateTime`: aware UTC in Python, sortable in SQL.
"""

from datetime import date, datetime

from pydantic import ConfigDict
from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from helpdesk_tui.store.types import UTCDateTime


class Table(SQLModel):
    """The tables' common base. Their rows are built by SQLAlchemy and never validated by
    pydantic, so pydantic's schema of each is built only if something asks for it
    (`defer_build`): 15–20 ms of every start (33 schemas) otherwise."""

    model_config = ConfigDict(defer_build=True)


def _instant(**kw) -> object:
    return Field(default=None, sa_type=UTCDateTime, **kw)


def _json_list() -> object:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Line(Table, table=True):
    __tablename__ = "line"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    level: int
    name: str = Field(max_length=200)
    name_ru: str = Field(default="", max_length=200)
    active: bool = True


class SupportGroup(Table, table=True):
    __tablename__ = "support_group"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    line_id: int = Field(foreign_key="line.id", index=True)
    name: str = Field(max_length=200)
    name_ru: str = Field(default="", max_length=200)
    auto_assign: bool = False
    calendar_id: int | None = Field(default=None, foreign_key="calendar.id")
    active: bool = True


class Agent(Table, table=True):
    __tablename__ = "agent"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=320)
    role: str = Field(max_length=16)
    skills: list[str] = _json_list()
    languages: list[str] = _json_list()
    on_shift: bool = True
    active: bool = True
    password_hash: str | None = Field(default=None, max_length=512)
    last_seen_at: datetime | None = _instant()


class Membership(Table, table=True):
    __tablename__ = "membership"
    agent_id: int = Field(foreign_key="agent.id", primary_key=True)
    group_id: int = Field(foreign_key="support_group.id", primary_key=True, index=True)


class Calendar(Table, table=True):
    __tablename__ = "calendar"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    name_ru: str = Field(default="", max_length=200)
    timezone: str = Field(max_length=64)
    country: str | None = Field(default=None, max_length=8)
    subdivision: str | None = Field(default=None, max_length=16)
    always_open: bool = False
    # {"mon": ["09:00-18:00"], ...}; days_off: ["2026-12-31"]; working_days: {"2026-11-28": [...]}
    hours: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    days_off: list[str] = _json_list()
    working_days: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SlaPlan(Table, table=True):
    __tablename__ = "sla_plan"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    name_ru: str = Field(default="", max_length=200)
    calendar_id: int = Field(foreign_key="calendar.id")
    at_risk: float = 0.75
    auto_close_days: int = 3
    is_default: bool = False
    active: bool = True


class SlaTarget(Table, table=True):
    __tablename__ = "sla_target"
    __table_args__ = (UniqueConstraint("plan_id", "priority"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="sla_plan.id")
    priority: int
    response_s: int
    resolution_s: int
    update_s: int | None = None  # keep the customer informed this often (None: no clock)


class PriorityCell(Table, table=True):
    """One cell of the impact × urgency matrix."""

    __tablename__ = "priority_cell"
    impact: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    urgency: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    priority: int


class Service(Table, table=True):
    __tablename__ = "service"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    name_ru: str = Field(default="", max_length=200)
    group_id: int = Field(foreign_key="support_group.id")
    skill: str = Field(default="", max_length=64)
    default_type: str = Field(default="incident", max_length=16)
    default_impact: int = 3
    default_urgency: int = 2
    checklist: list[str] = _json_list()
    checklist_ru: list[str] = _json_list()
    active: bool = True


class Category(Table, table=True):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("service_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id")
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    name_ru: str = Field(default="", max_length=200)


class RoutingRule(Table, table=True):
    __tablename__ = "routing_rule"
    id: int | None = Field(default=None, primary_key=True)
    position: int = Field(unique=True)
    service_id: int | None = Field(default=None, foreign_key="service.id")
    category_id: int | None = Field(default=None, foreign_key="category.id")
    segment: str | None = Field(default=None, max_length=64)
    site_code: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=8)
    group_id: int = Field(foreign_key="support_group.id")


class Customer(Table, table=True):
    __tablename__ = "customer"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=300)
    segment: str = Field(default="", max_length=64)
    sla_plan_id: int | None = Field(default=None, foreign_key="sla_plan.id")
    language: str = Field(default="ru", max_length=8)
    default_service_id: int | None = Field(default=None, foreign_key="service.id")
    active: bool = True


class Site(Table, table=True):
    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("customer_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    code: str = Field(max_length=64)
    name: str = Field(max_length=300)
    address: str = Field(default="", max_length=500)


class Contact(Table, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_phone_digits", "phone_digits"),
        Index("ix_contact_email", "email"),
        Index("ix_contact_customer", "customer_id", "name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    site_id: int | None = Field(default=None, foreign_key="site.id")
    name: str = Field(max_length=300)
    phone: str = Field(default="", max_length=64)
    phone_digits: str = Field(default="", max_length=32)
    email: str = Field(default="", max_length=320)  # lower-cased
    language: str = Field(default="ru", max_length=8)
    active: bool = True
    created_at: datetime | None = _instant()
    # name, e-mail, phone digits, site and customer, case-folded: what the caller search
    # matches (FTS5 trigram index on SQLite, pg_trgm on PostgreSQL; migration 0002)
    search_text: str = Field(default="", max_length=1000)


class Asset(Table, table=True):
    __tablename__ = "asset"
    __table_args__ = (Index("ix_asset_site", "site_id"), Index("ix_asset_customer", "customer_id"))
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    site_id: int | None = Field(default=None, foreign_key="site.id")
    tag: str = Field(unique=True, max_length=128)
    name: str = Field(max_length=300)
    service_id: int | None = Field(default=None, foreign_key="service.id")
    model: str = Field(default="", max_length=200)
    serial: str = Field(default="", max_length=200)
    warranty_end: date | None = None
    active: bool = True


class Contract(Table, table=True):
    """What a customer bought: an SLA plan for some services (none listed: every service)
    from one day to another (both inclusive; no end: open-ended). Registration reads a
    customer's contracts with one indexed look-up (migration 0008)."""

    __tablename__ = "contract"
    __table_args__ = (Index("ix_contract_customer", "customer_id", "valid_from"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(default="", max_length=300)
    customer_id: int = Field(foreign_key="customer.id")
    sla_plan_id: int = Field(foreign_key="sla_plan.id")
    services: list[str] = _json_list()  # service codes; empty: every service
    valid_from: date
    valid_to: date | None = None
    active: bool = True


class VendorCase(Table, table=True):
    """A ticket's case at an external vendor (a group of line 4): their case number, the
    date they promised, the contact used. `remind_at` is the promise until the SLA tick
    records that it passed (then `late_at`); `closed_at` when the ticket leaves the vendor
    (migration 0008)."""

    __tablename__ = "vendor_case"
    __table_args__ = (
        Index("ix_vendor_case_ticket", "ticket_id", "id"),
        Index("ix_vendor_case_group", "group_id", "opened_at", "id"),
        Index("ix_vendor_case_remind", "remind_at"),
        Index("ix_vendor_case_open", "closed_at", "promised_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    group_id: int = Field(foreign_key="support_group.id")
    case_number: str = Field(max_length=128)
    contact: str = Field(default="", max_length=300)
    promised_at: datetime | None = _instant()
    opened_at: datetime = Field(sa_type=UTCDateTime)
    opened_by_id: int | None = Field(default=None, foreign_key="agent.id")
    remind_at: datetime | None = _instant()
    late_at: datetime | None = _instant()
    closed_at: datetime | None = _instant()


# Index helpers for `Ticket` (see its indexes). `OPEN_ONLY` is written as the queries
# render `is_open IS true`, which is how both planners match a query to a partial index.
# PostgreSQL's copies (`postgresql_where=text("is_open IS true")`) are made by the
# migrations alone: declared here, they would load SQLAlchemy's PostgreSQL dialect (30–40
# ms) at every start on SQLite, and nothing reads a model's index on PostgreSQL.
OPEN_ONLY = {"sqlite_where": text("is_open IS 1")}
# the tickets that have a parent: a few among millions, and no NULLs for SQLite's
# statistics to count as one value standing for the whole desk (migration 0015)
HAS_PARENT = {"sqlite_where": text("parent_id IS NOT NULL")}
REPORT_DIMENSIONS = ("group_id", "line_id", "assignee_id", "service_id", "customer_id")
# grouping name -> the ticket column a grouped queue groups by (migration 0009)
GROUPINGS = {
    "service": "service_id",
    "category": "category_id",
    "customer": "customer_id",
    "site": "site_id",
    "asset": "asset_id",
}
GROUPED_TAIL = (
    "due_at",
    "id",
    "line_id",
    "group_id",
    "assignee_id",
    "paused_at",
    "first_response_at",
    "response_risk_at",
    "resolution_risk_at",
    "is_open",
)


class Ticket(Table, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_group_queue", "group_id", "is_open", "due_at", "id"),
        Index("ix_ticket_line_queue", "line_id", "is_open", "due_at", "id"),
        Index("ix_ticket_assignee_queue", "assignee_id", "is_open", "due_at", "id"),
        Index("ix_ticket_contact", "contact_id", "created_at"),
        Index("ix_ticket_customer", "customer_id", "created_at"),
        # the customer card's record (open/total, within SLA, breaches) from the index
        # alone (migration 0008)
        Index(
            "ix_ticket_customer_record",
            "customer_id",
            "is_open",
            "resolved_at",
            "resolution_due",
            "alerts",
        ),
        Index("ix_ticket_site", "site_id", "created_at"),
        Index("ix_ticket_asset", "asset_id", "created_at"),
        Index("ix_ticket_parent", "parent_id", **HAS_PARENT),
        Index("ix_ticket_next_alert", "next_alert_at"),
        Index("ix_ticket_auto_close", "auto_close_at"),
        # The open tickets only (a few percent of a desk's history). Both carry the
        # columns their readers need, `is_open` included, so those read the index alone.
        # - by deadline: the "All open" queue, the SLA sidebar, the board's open counts
        #   and clocks (at risk, breached, oldest), the overdue KPI;
        Index(
            "ix_ticket_open_queue",
            "due_at",
            "id",
            "is_open",
            "group_id",
            "line_id",
            "assignee_id",
            "status",
            "priority",
            "created_at",
            "paused_at",
            "first_response_at",
            "response_due",
            "response_risk_at",
            "resolution_due",
            "resolution_risk_at",
            "update_due",
            "update_risk_at",
            **OPEN_ONLY,
        ),
        # - by scope, with every column a queue filters or sorts on: any other sort,
        #   filter and search of a queue (store/queries.py, `OPEN`).
        Index(
            "ix_ticket_open_rows",
            "line_id",
            "group_id",
            "assignee_id",
            "status",
            "priority",
            "service_id",
            "customer_id",
            "contact_id",
            "due_at",
            "number",
            "created_at",
            "updated_at",
            "subject",
            "id",
            "is_open",
            **OPEN_ONLY,
        ),
        # - by the last change: the `idle` automation rules' window (services/automation.py)
        Index("ix_ticket_open_updated", "updated_at", "id", "is_open", **OPEN_ONLY),
        # The KPI populations of a period (created / resolved / closed in it), with the
        # report's dimensions and figures: a month's report reads index ranges only.
        Index(
            "ix_ticket_created",
            "created_at",
            *REPORT_DIMENSIONS,
            "channel",
            "fcr",
            "first_response_at",
            "response_due",
            "response_business_s",
            "response_wall_s",
        ),
        Index(
            "ix_ticket_resolved",
            "resolved_at",
            *REPORT_DIMENSIONS,
            "resolution_due",
            "resolution_business_s",
            "resolution_wall_s",
            "reopen_count",
            "time_spent_s",
            "updates_on_time",
            "updates_late",
        ),
        Index("ix_ticket_closed", "closed_at", *REPORT_DIMENSIONS, "satisfaction", "resolved_at"),
        # A grouped queue (store/grouping.py), one per grouping: the open tickets by the
        # group's column, then the queue's order, with the scopes and the SLA columns the
        # group headers need, so the GROUP BY and a group's pages read the index alone.
        *(
            Index(f"ix_ticket_open_by_{name}", column, *GROUPED_TAIL, **OPEN_ONLY)
            for name, column in GROUPINGS.items()
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    key: str = Field(unique=True, max_length=32)
    subject: str = Field(max_length=500)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    channel: str = Field(max_length=16)
    type: str = Field(max_length=16)
    service_id: int = Field(foreign_key="service.id")
    category_id: int | None = Field(default=None, foreign_key="category.id")
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    site_id: int | None = Field(default=None, foreign_key="site.id")
    asset_id: int | None = Field(default=None, foreign_key="asset.id")
    impact: int
    urgency: int
    priority: int
    status: str = Field(max_length=24)
    is_open: bool = True
    line_id: int = Field(foreign_key="line.id")
    group_id: int = Field(foreign_key="support_group.id")
    assignee_id: int | None = Field(default=None, foreign_key="agent.id")
    created_by_id: int | None = Field(default=None, foreign_key="agent.id")
    sla_plan_id: int = Field(foreign_key="sla_plan.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # The SLA clocks: targets in business seconds, deadlines and at-risk instants in UTC.
    response_target_s: int
    resolution_target_s: int
    response_due: datetime | None = _instant()
    response_risk_at: datetime | None = _instant()
    resolution_due: datetime | None = _instant()
    resolution_risk_at: datetime | None = _instant()
    due_at: datetime | None = _instant()  # the nearest running deadline: the queue's order
    first_response_at: datetime | None = _instant()
    resolved_at: datetime | None = _instant()
    closed_at: datetime | None = _instant()
    paused_at: datetime | None = _instant()
    paused_s: int = 0  # business seconds spent paused, in total
    auto_close_at: datetime | None = _instant()  # resolved: closes by itself after this
    next_alert_at: datetime | None = _instant()  # the next at-risk/breach instant to record
    alerts: int = 0  # bits of the at-risk/breach events recorded (see domain.clocks)
    # The update clock (migration 0010): restarted by each public message to the customer.
    update_target_s: int = 0  # 0: the plan sets none for this priority
    update_from: datetime | None = _instant()
    update_paused_base_s: int = 0  # paused_s at the restart (see domain.clocks)
    update_due: datetime | None = _instant()
    update_risk_at: datetime | None = _instant()
    updates_on_time: int = 0  # public messages that answered the update clock in time
    updates_late: int = 0  # … and after its deadline
    # How long the first response and the resolution took, recorded when they happen so
    # reports aggregate them in SQL: in the plan's business time without pauses, and wall.
    response_business_s: int | None = None
    response_wall_s: int | None = None
    resolution_business_s: int | None = None
    resolution_wall_s: int | None = None
    reopen_count: int = 0
    escalation_count: int = 0
    fcr: bool = False  # resolved on first contact
    satisfaction: int | None = None
    time_spent_s: int = 0
    resolution: str = Field(default="", sa_column=Column(Text, nullable=False))
    checklist: list[str] = _json_list()
    tags: list[str] = _json_list()
    parent_id: int | None = Field(default=None, foreign_key="ticket.id")
    # a child of a mass incident left alone when the parent is resolved (migration 0009)
    exclude_from_parent: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa_false()}
    )
    version: int = 1


class TicketEvent(Table, table=True):
    """The audit trail and the timeline: one row per change, with before and after."""

    __tablename__ = "ticket_event"
    __table_args__ = (
        Index("ix_event_ticket", "ticket_id", "id"),
        Index("ix_event_actor", "actor_id", "id"),
        Index("ix_event_kind_at", "kind", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    at: datetime = Field(sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, foreign_key="agent.id")
    actor_kind: str = Field(default="agent", max_length=16)  # agent | customer | system
    kind: str = Field(max_length=24)
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    public: bool = False
    version: int  # the ticket's version after this change


class TicketPause(Table, table=True):
    """One stretch of waiting for the customer: why, who, and how long (business time of
    the ticket's plan, and wall time) once it ended. Migration 0010."""

    __tablename__ = "ticket_pause"
    __table_args__ = (
        Index("ix_pause_ticket", "ticket_id", "id"),
        Index("ix_pause_reason", "reason", "started_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    reason: str = Field(max_length=32)
    note: str = Field(default="", max_length=500)
    started_at: datetime = Field(sa_type=UTCDateTime)
    started_by_id: int | None = Field(default=None, foreign_key="agent.id")
    ended_at: datetime | None = _instant()
    ended_by_id: int | None = Field(default=None, foreign_key="agent.id")
    business_s: int | None = None
    wall_s: int | None = None


class TicketLink(Table, table=True):
    __tablename__ = "ticket_link"
    __table_args__ = (
        UniqueConstraint("ticket_id", "other_id", "kind"),
        Index("ix_link_other", "other_id", "kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    other_id: int = Field(foreign_key="ticket.id")
    kind: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="agent.id")


class KeyCounter(Table, table=True):
    """The last number handed out per key prefix; bumped inside the creating transaction."""

    __tablename__ = "key_counter"
    prefix: str = Field(primary_key=True, max_length=16)
    value: int = 0


class Template(Table, table=True):
    __tablename__ = "template"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    language: str = Field(default="en", max_length=8)
    kind: str = Field(default="reply", max_length=16)  # reply | resolution | notification
    services: list[str] = _json_list()
    lines: list[str] = _json_list()
    subject: str = Field(default="", max_length=500)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    use_count: int = 0
    active: bool = True
    updated_at: datetime | None = _instant()
    # who last saved it in the application (None: as `data load` wrote it, which then
    # leaves it alone); migration 0006
    edited_by_id: int | None = Field(default=None, foreign_key="agent.id")


class Article(Table, table=True):
    __tablename__ = "article"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=128)
    title: str = Field(max_length=300)
    language: str = Field(default="en", max_length=8)
    services: list[str] = _json_list()
    groups: list[str] = _json_list()
    tags: list[str] = _json_list()
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    use_count: int = 0
    source_ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    author_id: int | None = Field(default=None, foreign_key="agent.id")
    created_at: datetime | None = _instant()
    updated_at: datetime | None = _instant()
    edited_by_id: int | None = Field(default=None, foreign_key="agent.id")  # as Template's


class Outbox(Table, table=True):
    """Mail waiting to go out; `helpdesk outbox send` delivers it, never twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    kind: str = Field(max_length=24)  # ack | resolved | closed | assigned | at-risk | breached
    to_addr: str = Field(max_length=320)
    to_name: str = Field(default="", max_length=300)
    subject: str = Field(max_length=1000)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    language: str = Field(default="en", max_length=8)
    status: str = Field(default="pending", max_length=16)  # pending | sent | failed
    attempts: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime)
    next_attempt_at: datetime | None = _instant()
    sent_at: datetime | None = _instant()
    last_error: str = Field(default="", max_length=2000)
    message_id: str = Field(unique=True, max_length=255)


class DeskSetting(Table, table=True):
    """Desk-wide settings from data/ (board colour thresholds, …), one JSON value per key."""

    __tablename__ = "desk_setting"
    key: str = Field(primary_key=True, max_length=64)
    value: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Draft(Table, table=True):
    """Text an agent is writing, saved as they type so a crash loses nothing."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("agent_id", "ticket_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="agent.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    kind: str = Field(max_length=16)  # reply | note | resolution | registration
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_type=UTCDateTime)


class MailMessage(Table, table=True):
    """Every message the intake took in: its identity makes storing it twice impossible.

    `message_key` is the Message-ID, or a hash of the message's bytes when it has none; it
    is inserted in the same transaction as the ticket change the message causes.
    """

    __tablename__ = "mail_message"
    __table_args__ = (Index("ix_mail_message_ticket", "ticket_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    message_key: str = Field(unique=True, max_length=255)
    received_at: datetime = Field(sa_type=UTCDateTime)
    from_addr: str = Field(default="", max_length=320)
    subject: str = Field(default="", max_length=500)
    size: int = 0
    # created | reply | confirmed | reopened | follow-up | ignored
    outcome: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)  # why ignored; what was wrong with it
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    event_id: int | None = Field(default=None, foreign_key="ticket_event.id")


class Attachment(Table, table=True):
    """A file that came with a message, kept under the attachments directory at `path`."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_ticket", "ticket_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    event_id: int | None = Field(default=None, foreign_key="ticket_event.id")
    mail_message_id: int | None = Field(default=None, foreign_key="mail_message.id")
    name: str = Field(max_length=255)  # as the sender named it (cleaned; never a path)
    content_type: str = Field(default="application/octet-stream", max_length=255)
    size: int = 0
    sha256: str = Field(default="", max_length=64)
    path: str = Field(max_length=500)  # relative to the attachments directory
    created_at: datetime = Field(sa_type=UTCDateTime)


class ArticleLink(Table, table=True):
    """An article and a ticket, linked both ways: the article was drafted from the ticket
    (`source`), opened from it or put into a reply on it (`used`)."""

    __tablename__ = "article_link"
    __table_args__ = (
        UniqueConstraint("article_id", "ticket_id", "kind"),
        Index("ix_article_link_ticket", "ticket_id", "article_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id")
    ticket_id: int = Field(foreign_key="ticket.id")
    kind: str = Field(max_length=16)  # source | used
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="agent.id")


class Refusal(Table, table=True):
    """Something a service refused an agent (or a login it refused): when, who, what, on
    which ticket, and why. Written in its own transaction, so the refused change rolls back
    and the record of the attempt stays."""

    __tablename__ = "refusal"
    __table_args__ = (
        Index("ix_refusal_at", "at"),
        Index("ix_refusal_login", "login", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    login: str = Field(default="", max_length=64)  # as given, even when it names nobody
    role: str = Field(default="", max_length=16)
    action: str = Field(max_length=32)  # a domain.permissions action, or "login"
    ticket_key: str | None = Field(default=None, max_length=32)
    reason: str = Field(default="", max_length=500)


class AgentChange(Table, table=True):
    """A change to an agent's standing — activated, deactivated, password set, on or off
    shift — with who made it and when; written in the change's own transaction."""

    __tablename__ = "agent_change"
    __table_args__ = (Index("ix_agent_change_agent", "agent_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    agent_id: int = Field(foreign_key="agent.id")
    actor_id: int | None = Field(default=None, foreign_key="agent.id")  # None: the store's owner
    kind: str = Field(max_length=16)  # active | password | shift
    detail: str = Field(default="", max_length=200)  # "active → inactive", "set by admin"


class SavedView(Table, table=True):
    """A named query with its sort, an agent's own or shared with one of their groups; a
    tab of the queue with its live count, and `helpdesk ticket list --view NAME`."""

    __tablename__ = "saved_view"
    __table_args__ = (
        UniqueConstraint("owner_id", "name"),
        Index("ix_saved_view_group", "group_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    query: str = Field(max_length=500)
    sort: str = Field(default="sla", max_length=16)
    descending: bool = False
    owner_id: int = Field(foreign_key="agent.id")
    group_id: int | None = Field(default=None, foreign_key="support_group.id")  # shared with
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
