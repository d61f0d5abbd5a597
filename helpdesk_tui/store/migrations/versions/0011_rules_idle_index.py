"""Automation rules: the open tickets by their last change, for the `idle` rules.

The tick asks for the open tickets whose `updated_at` fell in a window; a partial index
on the open tickets answers it as a range instead of a scan. The rules themselves are a
desk setting (data/rules.toml), like the macros: no table.

Revision ID: 0011
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_ticket_open_updated",
        "ticket",
        ["updated_at", "id", "is_open"],
        sqlite_where=sa.text("is_open IS 1"),
        postgresql_where=sa.text("is_open IS true"),
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_open_updated", table_name="ticket")
