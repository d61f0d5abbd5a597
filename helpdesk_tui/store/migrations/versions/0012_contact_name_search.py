"""Queue search by caller: a trigram index of contact names on SQLite.

A queue search matches each word against the callers' names too. Contact.search_text's
index (0002) holds the name with the e-mail, phone, site and customer, so each contact
it found had its name read back and tested: for a common surname (5,000 contacts of
100,000 named "Иванов") that read was most of the search. An FTS5 trigram table over
the name alone answers exactly: a phrase of three or more characters matches a name that
contains it, in any letter case (the tokenizer folds Cyrillic and Latin alike).
PostgreSQL keeps 0002's index: its check of the name is cheap there.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE contact_name_search USING fts5("
    "name, content='contact', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER contact_name_search_ai AFTER INSERT ON contact BEGIN "
    "INSERT INTO contact_name_search(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER contact_name_search_ad AFTER DELETE ON contact BEGIN "
    "INSERT INTO contact_name_search(contact_name_search, rowid, name) "
    "VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER contact_name_search_au AFTER UPDATE OF name ON contact BEGIN "
    "INSERT INTO contact_name_search(contact_name_search, rowid, name) "
    "VALUES ('delete', old.id, old.name); "
    "INSERT INTO contact_name_search(rowid, name) VALUES (new.id, new.name); END",
    "INSERT INTO contact_name_search(contact_name_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS contact_name_search_au",
    "DROP TRIGGER IF EXISTS contact_name_search_ad",
    "DROP TRIGGER IF EXISTS contact_name_search_ai",
    "DROP TABLE IF EXISTS contact_name_search",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
