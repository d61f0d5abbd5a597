"""Contracts (a customer's SLA plan per service and period), vendor cases (a ticket's
case at a line-4 vendor: case number, promise, contact), and the index the customer
card's record reads.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("sla_plan_id", sa.Integer(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["sla_plan_id"], ["sla_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_contract_customer", "contract", ["customer_id", "valid_from"])
    op.create_table(
        "vendor_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=128), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("promised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["group_id"], ["support_group.id"]),
        sa.ForeignKeyConstraint(["opened_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vendor_case_ticket", "vendor_case", ["ticket_id", "id"])
    op.create_index("ix_vendor_case_group", "vendor_case", ["group_id", "opened_at", "id"])
    op.create_index("ix_vendor_case_remind", "vendor_case", ["remind_at"])
    op.create_index("ix_vendor_case_open", "vendor_case", ["closed_at", "promised_at"])
    op.create_index(
        "ix_ticket_customer_record",
        "ticket",
        ["customer_id", "is_open", "resolved_at", "resolution_due", "alerts"],
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_customer_record", table_name="ticket")
    for name in (
        "ix_vendor_case_open",
        "ix_vendor_case_remind",
        "ix_vendor_case_group",
        "ix_vendor_case_ticket",
    ):
        op.drop_index(name, table_name="vendor_case")
    op.drop_table("vendor_case")
    op.drop_index("ix_contract_customer", table_name="contract")
    op.drop_table("contract")
