"""Queue search on PostgreSQL: narrow copies of the open subjects and of the contact names,
each with a trigram index.

A queue search tested each word against every open subject of the tab (a case-insensitive
regular expression per row of the open-rows index) and read each contact that the
`search_text` index (0002) found back from the wide contact table to test its name — 5,000
heap rows for a common surname. Two narrow tables, kept in step with `ticket` and `contact`
by triggers, each with a GIN trigram index, find the candidates first; the tab's scan then
only looks each row up among them. On the benchmark's million tickets (27,074 open in the
line-2 queue), the search's query: "Иванов" 27.5 → 11 ms, "printer" 17 → 6.3 ms, "wi-fi"
15 → 6.8 ms, "касс" 16 → 12.7 ms.

The tables bear the names of SQLite's FTS5 tables of 0012 and 0013 (made there by those;
here by this one). Without pg_trgm (a server that refused the extension in 0002) they are
made and kept without the index: the search scans them, a narrower scan than before.

The indexes are written at once (`fastupdate = off`): with GIN's pending list, the 6,190
tickets the benchmark registered and removed (a few days of a desk) sat unsorted in it,
and every search read it all: a word's query went from 14–24 to 33–55 ms.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_UP = [
    # -- the open tickets' subjects
    "CREATE TABLE ticket_subject_search (id integer PRIMARY KEY, subject varchar NOT NULL)",
    """
    CREATE FUNCTION ticket_subject_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE ticket_subject_search;
        ELSIF TG_OP <> 'DELETE' AND NEW.is_open THEN
            INSERT INTO ticket_subject_search (id, subject) VALUES (NEW.id, NEW.subject)
            ON CONFLICT (id) DO UPDATE SET subject = EXCLUDED.subject;
        ELSE
            DELETE FROM ticket_subject_search WHERE id = OLD.id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER ticket_subject_search_ai AFTER INSERT ON ticket FOR EACH ROW "
    "WHEN (NEW.is_open) EXECUTE FUNCTION ticket_subject_search_sync()",
    "CREATE TRIGGER ticket_subject_search_au AFTER UPDATE OF subject, is_open ON ticket "
    "FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject "
    "OR OLD.is_open IS DISTINCT FROM NEW.is_open) EXECUTE FUNCTION ticket_subject_search_sync()",
    "CREATE TRIGGER ticket_subject_search_ad AFTER DELETE ON ticket FOR EACH ROW "
    "WHEN (OLD.is_open) EXECUTE FUNCTION ticket_subject_search_sync()",
    "CREATE TRIGGER ticket_subject_search_at AFTER TRUNCATE ON ticket "
    "FOR EACH STATEMENT EXECUTE FUNCTION ticket_subject_search_sync()",
    "INSERT INTO ticket_subject_search (id, subject) "
    "SELECT id, subject FROM ticket WHERE is_open IS true",
    # tickets open and close all day: its dead rows vacuumed at 2 % (PostgreSQL's default
    # waits for 20 %, and a search's bitmap visits them meanwhile)
    "ALTER TABLE ticket_subject_search SET (autovacuum_vacuum_scale_factor = 0.02, "
    "autovacuum_vacuum_insert_scale_factor = 0.02)",
    # -- the contacts' names
    "CREATE TABLE contact_name_search (id integer PRIMARY KEY, name varchar NOT NULL)",
    """
    CREATE FUNCTION contact_name_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE contact_name_search;
        ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM contact_name_search WHERE id = OLD.id;
        ELSE
            INSERT INTO contact_name_search (id, name) VALUES (NEW.id, NEW.name)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER contact_name_search_ai AFTER INSERT ON contact FOR EACH ROW "
    "EXECUTE FUNCTION contact_name_search_sync()",
    "CREATE TRIGGER contact_name_search_au AFTER UPDATE OF name ON contact FOR EACH ROW "
    "WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION contact_name_search_sync()",
    "CREATE TRIGGER contact_name_search_ad AFTER DELETE ON contact FOR EACH ROW "
    "EXECUTE FUNCTION contact_name_search_sync()",
    "CREATE TRIGGER contact_name_search_at AFTER TRUNCATE ON contact "
    "FOR EACH STATEMENT EXECUTE FUNCTION contact_name_search_sync()",
    "INSERT INTO contact_name_search (id, name) SELECT id, name FROM contact",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS contact_name_search_at ON contact",
    "DROP TRIGGER IF EXISTS contact_name_search_ad ON contact",
    "DROP TRIGGER IF EXISTS contact_name_search_au ON contact",
    "DROP TRIGGER IF EXISTS contact_name_search_ai ON contact",
    "DROP FUNCTION IF EXISTS contact_name_search_sync()",
    "DROP TABLE IF EXISTS contact_name_search",
    "DROP TRIGGER IF EXISTS ticket_subject_search_at ON ticket",
    "DROP TRIGGER IF EXISTS ticket_subject_search_ad ON ticket",
    "DROP TRIGGER IF EXISTS ticket_subject_search_au ON ticket",
    "DROP TRIGGER IF EXISTS ticket_subject_search_ai ON ticket",
    "DROP FUNCTION IF EXISTS ticket_subject_search_sync()",
    "DROP TABLE IF EXISTS ticket_subject_search",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return
    for statement in PG_UP:
        op.execute(statement)
    # pg_trgm's operator classes live in the schema 0002 put the extension in, if any
    schema = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar_one_or_none()
    if schema is None:
        return
    for name, column in (("ticket_subject_search", "subject"), ("contact_name_search", "name")):
        op.execute(
            f"CREATE INDEX {name}_trgm ON {name} "
            f'USING gin ({column} "{schema}".gin_trgm_ops) WITH (fastupdate = off)'
        )
        op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for statement in PG_DOWN:
        op.execute(statement)
