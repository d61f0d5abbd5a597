"""The change feed's sending side: every committed ticket change is announced.

On PostgreSQL a NOTIFY inside the writing transaction (delivered at commit, dropped on
rollback) carries `ticket_id:kind`; listeners re-read what they show. Payloads stay far
below PostgreSQL's 8000-byte limit by carrying ids only. On SQLite there is no push:
readers poll `PRAGMA data_version` and the last event id (see `feed.py`).
"""

from sqlalchemy import text
from sqlmodel import Session

CHANNEL = "helpdesk_changes"


def announce(session: Session, ticket_id: int, kind: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": f"{ticket_id}:{kind}"},
        )
