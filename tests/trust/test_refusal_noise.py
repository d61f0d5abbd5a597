"""The refusal audit stays readable: an agent deactivated with an editor open, whose draft
autosaves every second, leaves one refusal a minute per action and ticket, not one per
keystroke pause; a refusal of another action or ticket, or a minute later, is recorded;
failed logins are recorded every time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_tui.domain.errors import NotAllowed
from helpdesk_tui.services import agents, auth, drafts, refusals, ticket_actions
from tests.services._helpers import new_ticket


def test_a_deactivated_agents_autosaves_are_one_refusal_a_minute(store, actor_of):
    key = new_ticket(store, actor_of("ivanova"), service="question").key
    petrov = actor_of("petrov")
    agents.set_active(store, actor_of("admin"), "petrov", False)
    for _ in range(5):  # the editor saving as they type
        with pytest.raises(NotAllowed):
            drafts.save(store, petrov, "reply", key, "Still typing")
    with pytest.raises(NotAllowed):
        drafts.save(store, petrov, "note", None, "Another draft")
    for _ in range(2):  # another action: recorded, once
        with pytest.raises(NotAllowed):
            ticket_actions.note(store, petrov, key, "A note")
    rows = refusals.recent(store, login="petrov")
    assert [(r.action, r.ticket) for r in rows] == [("ticket.note", key), ("draft.save", None)]
    refusals.record(
        store,
        agent_id=petrov.id,
        login="petrov",
        role="engineer",
        action="draft.save",
        reason="again, a minute later",
        now=rows[-1].at + timedelta(seconds=61),
    )
    assert len(refusals.recent(store, login="petrov")) == 3


def test_every_failed_login_is_recorded(store):
    auth.set_first_password(store, "admin", "a long enough passphrase")
    for _ in range(3):
        with pytest.raises(NotAllowed):
            auth.login(store, "admin", "wrong guess", now=datetime.now(UTC))
    assert [r.action for r in refusals.recent(store, login="admin")] == ["login"] * 3
