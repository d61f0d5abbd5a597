"""Aggregate queries shared by services. Each rides an index (see models)."""

from sqlalchemy import func
from sqlmodel import Session, select

from helpdesk_tui.store import models as m


def agent_loads(session: Session) -> dict[int, int]:
    """Open tickets held per agent (the assignee index, one grouped scan of open rows)."""
    rows = session.exec(
        select(m.Ticket.assignee_id, func.count())
        .where(m.Ticket.assignee_id.is_not(None), m.Ticket.is_open)
        .group_by(m.Ticket.assignee_id)
    ).all()
    return dict(rows)
