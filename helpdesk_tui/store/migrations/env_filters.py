"""What autogenerate and the schema tests leave alone.

Search structures made by hand in migrations (the FTS5 table and its shadow tables, the
trigram index) are not in the models; autogenerate must not offer to drop them.
"""

HAND_MADE = ("contact_search", "ix_contact_search_trgm")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    return not (name or "").startswith(HAND_MADE)
