"""Alembic environment: always run by `helpdesk_tui.store.schema` with a live connection."""

from alembic import context
from sqlmodel import SQLModel

from helpdesk_tui.store import models  # noqa: F401  (registers the tables)
from helpdesk_tui.store.migrations.env_filters import include_name
from helpdesk_tui.store.types import UTCDateTime

target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):
    """Write plain SQLAlchemy types into migrations, so they never import our code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and type(obj).__name__ == "AutoString":
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_item=render_item,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
