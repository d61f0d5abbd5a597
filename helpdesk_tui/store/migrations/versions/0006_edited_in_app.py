"""Templates and articles changed in the application; the articles' search on PostgreSQL
reads no article row until the page of hits is known.

`edited_by_id` is NULL for a template or article as `helpdesk data load` wrote it, and
names the agent who last saved it from the application otherwise; `data load` leaves such
records as they are (see data/README.md).

PostgreSQL: `article_search` also carries the article's `groups` (kept by the same
trigger), so a search filters what the agent may see without joining every match to its
article; and the vector is the `russian` configuration's alone (see 0004), rebuilt for
stores made before.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("template", "article")

_DOCUMENT = """
    CREATE OR REPLACE FUNCTION article_search_document(title text, tags text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('russian', coalesce(title, '')), 'A')
            || setweight(to_tsvector('russian', coalesce(tags, '')), 'B')
            || setweight(to_tsvector('russian', coalesce(body, '')), 'D')
    $$
"""
_GROUPS = "ARRAY(SELECT json_array_elements_text(coalesce({0}, '[]'::json)))"
PG_UP = [
    "ALTER TABLE article_search ADD COLUMN groups text[] NOT NULL DEFAULT '{}'",
    _DOCUMENT,
    f"""
    CREATE OR REPLACE FUNCTION article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO article_search (article_id, document, groups)
        VALUES (NEW.id, article_search_document(NEW.title, NEW.tags::text, NEW.body),
                {_GROUPS.format("NEW.groups")})
        ON CONFLICT (article_id) DO UPDATE
            SET document = EXCLUDED.document, groups = EXCLUDED.groups;
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER article_search_sync ON article",
    "CREATE TRIGGER article_search_sync AFTER INSERT OR UPDATE OF title, tags, body, groups "
    "ON article FOR EACH ROW EXECUTE FUNCTION article_search_sync()",
    "UPDATE article_search s SET "
    "document = article_search_document(a.title, a.tags::text, a.body), "
    f"groups = {_GROUPS.format('a.groups')} FROM article a WHERE a.id = s.article_id",
]
PG_DOWN = [
    """
    CREATE OR REPLACE FUNCTION article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO article_search (article_id, document)
        VALUES (NEW.id, article_search_document(NEW.title, NEW.tags::text, NEW.body))
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER article_search_sync ON article",
    "CREATE TRIGGER article_search_sync AFTER INSERT OR UPDATE OF title, tags, body "
    "ON article FOR EACH ROW EXECUTE FUNCTION article_search_sync()",
    "ALTER TABLE article_search DROP COLUMN groups",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:  # SQLite adds a column with its reference in place; a batch copy would
            # drop the article's search triggers
            op.execute(f"ALTER TABLE {table} ADD COLUMN edited_by_id INTEGER REFERENCES agent (id)")
        else:
            op.add_column(
                table,
                sa.Column("edited_by_id", sa.Integer(), sa.ForeignKey("agent.id"), nullable=True),
            )
    if not sqlite:
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    triggers: list[str] = []
    if bind.dialect.name == "sqlite":  # the batch copy drops them: put them back after
        triggers = [
            row[0]
            for row in bind.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                "('template', 'article')"
            )
        ]
    else:
        for statement in PG_DOWN:
            op.execute(statement)
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("edited_by_id")
    for sql in triggers:
        op.execute(sql)
