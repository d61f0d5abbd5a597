"""Saved views: named queries as queue tabs, an agent's own or shared with a group.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=False),
        sa.Column("sort", sa.String(length=16), nullable=False),
        sa.Column("descending", sa.Boolean(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["group_id"], ["support_group.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "name"),
    )
    op.create_index("ix_saved_view_group", "saved_view", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_saved_view_group", table_name="saved_view")
    op.drop_table("saved_view")
