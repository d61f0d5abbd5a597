"""Knowledge base: article↔ticket links, and full-text search over articles.

SQLite: an FTS5 table over the article's title, tags and body (external content: the text
stays in `article`), kept in step by triggers. The `porter unicode61` tokenizer stems
English words and folds case in every script; Russian words are matched by prefix of
their stem (the service strips the inflection from each term of a query).

PostgreSQL: `article_search` holds one `tsvector` per article (title weighted A, tags B,
body D), kept in step by a trigger and indexed with GIN. It is built with the `russian`
configuration, which stems Cyrillic words with the Russian Snowball stemmer and
Latin-script words with the English one (`english_stem`, English stop words): both
languages in one vector, half the size of a vector per configuration and twice as quick
to scan (0006 adds the article's groups beside it). A table rather than a generated column, so the article's own columns are the
same on both stores and ranking reads the stored vector instead of parsing every body.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# NULLs: the columns are NOT NULL today, but a NULL would make the 'delete' of an
# external-content row disagree with what was indexed; coalesce keeps both sides equal.
_OLD = "old.id, coalesce(old.title, ''), coalesce(old.tags, ''), coalesce(old.body, '')"
_NEW = "new.id, coalesce(new.title, ''), coalesce(new.tags, ''), coalesce(new.body, '')"
SQLITE_UP = [
    "CREATE VIRTUAL TABLE article_search USING fts5("
    "title, tags, body, content='article', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER article_search_ai AFTER INSERT ON article BEGIN "
    f"INSERT INTO article_search(rowid, title, tags, body) VALUES ({_NEW}); END",
    "CREATE TRIGGER article_search_ad AFTER DELETE ON article BEGIN "
    "INSERT INTO article_search(article_search, rowid, title, tags, body) "
    f"VALUES ('delete', {_OLD}); END",
    "CREATE TRIGGER article_search_au AFTER UPDATE OF title, tags, body ON article BEGIN "
    "INSERT INTO article_search(article_search, rowid, title, tags, body) "
    f"VALUES ('delete', {_OLD}); "
    f"INSERT INTO article_search(rowid, title, tags, body) VALUES ({_NEW}); END",
    "INSERT INTO article_search(article_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS article_search_au",
    "DROP TRIGGER IF EXISTS article_search_ad",
    "DROP TRIGGER IF EXISTS article_search_ai",
    "DROP TABLE IF EXISTS article_search",
]

PG_UP = [
    "CREATE TABLE article_search ("
    "article_id integer PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE, "
    "document tsvector NOT NULL)",
    "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
    """
    CREATE FUNCTION article_search_document(title text, tags text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('russian', coalesce(title, '')), 'A')
            || setweight(to_tsvector('russian', coalesce(tags, '')), 'B')
            || setweight(to_tsvector('russian', coalesce(body, '')), 'D')
    $$
    """,
    """
    CREATE FUNCTION article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO article_search (article_id, document)
        VALUES (NEW.id, article_search_document(NEW.title, NEW.tags::text, NEW.body))
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER article_search_sync AFTER INSERT OR UPDATE OF title, tags, body "
    "ON article FOR EACH ROW EXECUTE FUNCTION article_search_sync()",
    "INSERT INTO article_search (article_id, document) "
    "SELECT id, article_search_document(title, tags::text, body) FROM article",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS article_search_sync ON article",
    "DROP FUNCTION IF EXISTS article_search_sync()",
    "DROP TABLE IF EXISTS article_search",
    "DROP FUNCTION IF EXISTS article_search_document(text, text, text)",
]


def upgrade() -> None:
    op.create_table(
        "article_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "ticket_id", "kind"),
    )
    op.create_index("ix_article_link_ticket", "article_link", ["ticket_id", "article_id"])
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else PG_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else PG_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_index("ix_article_link_ticket", table_name="article_link")
    op.drop_table("article_link")
