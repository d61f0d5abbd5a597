"""What autogenerate and the schema tests leave alone.

Search structures made by hand in migrations (the FTS5 tables and their shadow tables, the
trigram index, the articles' tsvector table and its GIN index) are not in the models;
autogenerate must not offer to drop them.
"""

HAND_MADE = (
    "contact_search",
    "contact_name_search",  # FTS5 table and shadow tables (SQLite only)
    "ticket_subject_search",  # FTS5 table and shadow tables (SQLite)
    "ix_contact_search_trgm",
    "article_search",  # FTS5 table and shadow tables (SQLite), tsvector table (PostgreSQL)
    "ix_article_search",
)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    return not (name or "").startswith(HAND_MADE)
