"""The children of a mass incident: the parent index holds only tickets that have a parent.

`ix_ticket_parent` indexed every ticket, nearly all with no parent. After SQLite's `ANALYZE`
(run by `helpdesk demo`, or by anyone tuning the store) its statistics said each parent value
stood for every ticket of the desk (`1000000 1000000`: the NULLs count as one value), so
SQLite counted and listed a ticket's children by scanning the whole table: 430–480 ms on a
million tickets for each ticket the pane showed (it asks for the children of every one). A
partial index of the tickets that have a parent is what the reads of children need
(`parent_id = ?` and `parent_id IS NOT NULL` imply its condition), has no NULLs for the
statistics to count, and is a few rows instead of a million: 1–2 ms.

PostgreSQL, whose statistics know the NULLs apart, gets the same partial index: the same
schema on both, and a smaller index.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAS_PARENT = "parent_id IS NOT NULL"


def upgrade() -> None:
    op.drop_index("ix_ticket_parent", table_name="ticket")
    op.create_index(
        "ix_ticket_parent",
        "ticket",
        ["parent_id"],
        sqlite_where=sa.text(HAS_PARENT),
        postgresql_where=sa.text(HAS_PARENT),
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_parent", table_name="ticket")
    op.create_index("ix_ticket_parent", "ticket", ["parent_id"])
