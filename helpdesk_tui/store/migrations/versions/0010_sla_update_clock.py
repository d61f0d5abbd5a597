"""The third SLA clock (update time), pauses with their reasons, updates counted for the KPI.

- `sla_target.update_s`: keep the customer informed this often (NULL: no update clock).
- `ticket.update_*`: the clock's start (registration or the last public message), the paused
  business time at that start, its deadline and at-risk instant; `updates_on_time` and
  `updates_late` count the public messages that answered it, for the share of updates on
  time (the resolved tickets' index carries them, as it carries the other figures); the
  open tickets' index carries the update deadline and at-risk instant for the board.
- `ticket_pause`: one row per stretch of waiting for the customer, with its reason and,
  once it ended, its length in business and wall time.

Columns are added in place (no table rebuild on SQLite); existing tickets get no update
clock until their priority or plan changes.

Revision ID: 0010
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RESOLVED = [
    "resolved_at",
    "group_id",
    "line_id",
    "assignee_id",
    "service_id",
    "customer_id",
    "resolution_due",
    "resolution_business_s",
    "resolution_wall_s",
    "reopen_count",
    "time_spent_s",
]
_OPEN_QUEUE = [
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
]
_OPEN_ONLY = {
    "sqlite_where": sa.text("is_open IS 1"),
    "postgresql_where": sa.text("is_open IS true"),
}
_COUNTS = ("update_target_s", "update_paused_base_s", "updates_on_time", "updates_late")
_INSTANTS = ("update_from", "update_due", "update_risk_at")


def upgrade() -> None:
    op.add_column("sla_target", sa.Column("update_s", sa.Integer(), nullable=True))
    for name in _COUNTS:
        op.add_column("ticket", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    for name in _INSTANTS:
        op.add_column("ticket", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.drop_index("ix_ticket_resolved", table_name="ticket")
    op.create_index("ix_ticket_resolved", "ticket", [*_RESOLVED, "updates_on_time", "updates_late"])
    # the board's at-risk and breached counts read the open tickets' index alone
    op.drop_index("ix_ticket_open_queue", table_name="ticket", **_OPEN_ONLY)
    op.create_index(
        "ix_ticket_open_queue",
        "ticket",
        [*_OPEN_QUEUE, "update_due", "update_risk_at"],
        **_OPEN_ONLY,
    )
    op.create_table(
        "ticket_pause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("business_s", sa.Integer(), nullable=True),
        sa.Column("wall_s", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["started_by_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["ended_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pause_ticket", "ticket_pause", ["ticket_id", "id"])
    op.create_index("ix_pause_reason", "ticket_pause", ["reason", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_pause_reason", table_name="ticket_pause")
    op.drop_index("ix_pause_ticket", table_name="ticket_pause")
    op.drop_table("ticket_pause")
    op.drop_index("ix_ticket_resolved", table_name="ticket")
    op.create_index("ix_ticket_resolved", "ticket", _RESOLVED)
    op.drop_index("ix_ticket_open_queue", table_name="ticket", **_OPEN_ONLY)
    op.create_index("ix_ticket_open_queue", "ticket", _OPEN_QUEUE, **_OPEN_ONLY)
    with op.batch_alter_table("ticket") as batch:
        for name in (*_COUNTS, *_INSTANTS):
            batch.drop_column(name)
    with op.batch_alter_table("sla_target") as batch:
        batch.drop_column("update_s")
