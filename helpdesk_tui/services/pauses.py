"""Pause reasons and the pause log: why tickets waited for the customer, and how long."""

from __future__ import annotations

from sqlmodel import Session

from helpdesk_tui.domain.pauses import DEFAULT_REASONS, PauseReason
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store


def pause_reasons(s: Session) -> tuple[PauseReason, ...]:
    """The reasons offered when a ticket starts waiting (data/sla.toml `[[pause_reason]]`)."""
    row = s.get(m.DeskSetting, "pause_reasons")
    if row is None:
        return DEFAULT_REASONS
    return (
        tuple(
            PauseReason(r["code"], r.get("name", r["code"]), r.get("name_ru", ""))
            for r in row.value.get("reasons", [])
        )
        or DEFAULT_REASONS
    )


def reasons(store: Store) -> tuple[PauseReason, ...]:
    with store.read() as s:
        return pause_reasons(s)
