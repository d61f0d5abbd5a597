"""Reading a ticket has its row in the permission table (`ticket.read`): every agent in
standing reads every ticket, whatever their role and groups; an agent deactivated
meanwhile reads nothing, and the refusal is audited."""

from __future__ import annotations

import pytest

from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.errors import NotAllowed
from helpdesk_tui.services import agents, refusals, ticket_views
from tests.services._helpers import new_ticket


def test_every_role_reads_every_ticket_and_an_inactive_agent_none(store, actor_of):
    key = new_ticket(store, actor_of("ivanova"), service="erp", category="license").key  # L3
    for login in ("ivanova", "petrov", "zaitsev", "morozov", "admin"):  # petrov: not L3
        assert ticket_views.read(store, actor_of(login), key).key == key
    assert all(permissions.allows(role, "ticket.read") for role in permissions.ROLES)
    petrov = actor_of("petrov")
    agents.set_active(store, actor_of("admin"), "petrov", False)
    with pytest.raises(NotAllowed, match="inactive"):
        ticket_views.read(store, petrov, key)
    (row,) = refusals.recent(store, login="petrov")
    assert (row.action, row.ticket) == ("ticket.read", key)
