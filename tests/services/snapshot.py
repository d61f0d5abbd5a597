"""The whole store as data, to prove that a refused action changed nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import SQLModel

from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store


def everything_but_refusals(store: Store) -> dict[str, list[str]]:
    """Every row of every table but `refusal`, as text, in a stable order."""
    out: dict[str, list[str]] = {}
    with store.read() as s:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "refusal":
                continue
            out[table.name] = sorted(repr(tuple(row)) for row in s.execute(select(table)))
    return out


def refusal_count(store: Store) -> int:
    with store.read() as s:
        return s.execute(select(func.count()).select_from(m.Refusal)).scalar_one()
