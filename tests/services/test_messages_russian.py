"""What the services tell people, in the language in force: refusals, "not found", the
results of actions and the summaries of runs over many tickets, and the words of the
domain (statuses, channels, event kinds) through `domain.vocab`."""

from __future__ import annotations

import pytest

from helpdesk_tui import i18n
from helpdesk_tui.domain.errors import Conflict, NotAllowed, NotFound
from helpdesk_tui.domain.vocab import (
    Channel,
    EventKind,
    Role,
    event_label,
    label,
    role_label,
    status_label,
)
from helpdesk_tui.domain.workflow import Status
from helpdesk_tui.services import batch
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import new_ticket


@pytest.fixture
def assigned(sqlite_store) -> str:
    """A new printer call, offered to lebedev (assigned)."""
    done = new_ticket(sqlite_store, resolve(sqlite_store, "ivanova"))
    assert done.assignee == "lebedev"
    return done.key


def test_a_refusal_reaches_the_agent_in_russian(sqlite_store, assigned):
    volkov = resolve(sqlite_store, "volkov")
    with i18n.using("ru"), pytest.raises(Conflict) as taken:
        act.take(sqlite_store, volkov, assigned)
    assert str(taken.value).startswith(f"{assigned} уже взял(а) lebedev (")
    with i18n.using("ru"), pytest.raises(NotAllowed) as refused:
        act.close(sqlite_store, resolve(sqlite_store, "lebedev"), assigned)
    assert "«назначена»" in str(refused.value)
    assert "assigned" not in str(refused.value)


def test_the_workflows_refusal_names_the_role_and_the_statuses_in_russian(sqlite_store, assigned):
    lebedev = resolve(sqlite_store, "lebedev")
    with i18n.using("ru"), pytest.raises(NotAllowed) as refused:
        act.cancel(sqlite_store, lebedev, assigned, "ошибка")
    assert str(refused.value) == (
        "инженер не может переводить заявку из статуса «назначена» в «отменена»"
    )


def test_a_missing_ticket_in_russian(sqlite_store):
    with i18n.using("ru"), pytest.raises(NotFound) as missing:
        act.take(sqlite_store, resolve(sqlite_store, "volkov"), "HD-999999")
    assert str(missing.value) == "нет заявки HD-999999"


def test_results_in_russian_and_as_they_were_in_english(sqlite_store, assigned):
    lebedev = resolve(sqlite_store, "lebedev")
    with i18n.using("ru"):
        started = act.set_status(sqlite_store, lebedev, assigned, "in_progress")
    assert started.message == f"{assigned}: статус «в работе»"
    noted = act.note(sqlite_store, lebedev, assigned, "checked the cable")
    assert noted.message == f"note added to {assigned}"
    with pytest.raises(NotAllowed, match=r"is in progress: resolve it first"):
        act.close(sqlite_store, lebedev, assigned)


def test_the_summary_of_a_run_counts_in_russian():
    result = batch.BatchResult(
        5,
        [
            batch.Outcome("HD-1", True, ""),
            batch.Outcome("HD-2", True, ""),
            batch.Outcome("HD-3", False, "нет"),
        ],
    )
    with i18n.using("ru"):
        assert result.summary() == "изменено 2 из 5, 1 отказ"
        result.outcomes.append(batch.Outcome("HD-4", False, "нет"))
        assert result.summary() == "изменено 2 из 5, 2 отказа"
    assert result.summary() == "2 of 5 changed, 2 refused"


def test_the_words_of_the_domain():
    assert label(Status.WAITING_CUSTOMER) == "wait customer"
    with i18n.using("ru"):
        assert label(Status.WAITING_CUSTOMER) == "ждёт клиента"
        assert label(Channel.WALK_IN) == "лично"
        assert label(Role.SUPERVISOR) == role_label("supervisor") == "руководитель"
        assert label(EventKind.SLA_BREACHED) == "SLA нарушен"
        # one English word, two Russian ones: a status and an event
        assert status_label("resolved") == "решена"
        assert event_label(EventKind.RESOLVED) == "решение"
        assert status_label("no-such-status") == "no-such-status"  # shown as it is
