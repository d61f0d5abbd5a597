"""Peak load: grouped queues and mass incidents.

One partial index of the open tickets per grouping (service, category, customer, site,
asset) for the grouped queue's GROUP BY and its groups' pages, and the flag that leaves a
child of a mass incident alone when its parent is resolved.

Revision ID: 0009
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPINGS = ("service_id", "category_id", "customer_id", "site_id", "asset_id")
TAIL = [
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
]
OPEN_ONLY = {
    "sqlite_where": sa.text("is_open IS 1"),
    "postgresql_where": sa.text("is_open IS true"),
}


def _name(column: str) -> str:
    return "ix_ticket_open_by_" + column.removesuffix("_id")


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.add_column(
            sa.Column(
                "exclude_from_parent", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    for column in GROUPINGS:
        op.create_index(_name(column), "ticket", [column, *TAIL], unique=False, **OPEN_ONLY)


def downgrade() -> None:
    for column in GROUPINGS:
        op.drop_index(_name(column), table_name="ticket", **OPEN_ONLY)
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.drop_column("exclude_from_parent")
