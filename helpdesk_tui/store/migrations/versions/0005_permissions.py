"""Permissions: the audit of refusals (every `NotAllowed` a service said to an agent, and
every failed login) and of changes to agents' standing (activated, deactivated, password
set, shift). Passwords need no change: `agent.password_hash` exists since 0001.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("ticket_key", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_refusal_at", "refusal", ["at"])
    op.create_index("ix_refusal_login", "refusal", ["login", "at"])
    op.create_table(
        "agent_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agent_change_agent", "agent_change", ["agent_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_agent_change_agent", table_name="agent_change")
    op.drop_table("agent_change")
    op.drop_index("ix_refusal_login", table_name="refusal")
    op.drop_index("ix_refusal_at", table_name="refusal")
    op.drop_table("refusal")
