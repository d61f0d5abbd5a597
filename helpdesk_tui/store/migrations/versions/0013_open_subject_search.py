"""Queue search by subject on SQLite: a trigram index of the open tickets' subjects.

A queue search tested every open ticket's subject of the tab against each word; for a
word that is not ASCII SQLite needs a GLOB per case form of its first letter, 15 ms over
a line's 27,000 open tickets. An FTS5 trigram table of the open tickets' subjects (a few
tens of thousands however long the history) finds the matching tickets first, and the
tab's scan only looks each row up among them. Triggers keep it as tickets open, close,
reopen or change their subject.

PostgreSQL is left as it is: a GIN trigram index of the open subjects was measured slower
than its scan for common words (a bitmap of thousands of tickets, each re-checked in the
table), faster only for rare ones.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE ticket_subject_search USING fts5(subject, tokenize='trigram')",
    "CREATE TRIGGER ticket_subject_search_ai AFTER INSERT ON ticket WHEN new.is_open BEGIN "
    "INSERT INTO ticket_subject_search(rowid, subject) VALUES (new.id, new.subject); END",
    "CREATE TRIGGER ticket_subject_search_au AFTER UPDATE OF subject, is_open ON ticket "
    "BEGIN DELETE FROM ticket_subject_search WHERE rowid = old.id; "
    "INSERT INTO ticket_subject_search(rowid, subject) "
    "SELECT new.id, new.subject WHERE new.is_open; END",
    "CREATE TRIGGER ticket_subject_search_ad AFTER DELETE ON ticket WHEN old.is_open BEGIN "
    "DELETE FROM ticket_subject_search WHERE rowid = old.id; END",
    "INSERT INTO ticket_subject_search(rowid, subject) "
    "SELECT id, subject FROM ticket WHERE is_open IS 1",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ticket_subject_search_ad",
    "DROP TRIGGER IF EXISTS ticket_subject_search_au",
    "DROP TRIGGER IF EXISTS ticket_subject_search_ai",
    "DROP TABLE IF EXISTS ticket_subject_search",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
