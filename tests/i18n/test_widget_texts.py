"""What the queue, the ticket pane and the timeline say, in Russian and in English: the
status column, ages, the SLA countdown, the clocks' lines, links and field changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_tui import i18n
from helpdesk_tui.domain.vocab import link_label, status_label
from helpdesk_tui.widgets.sla_sidebar import clock_short
from helpdesk_tui.widgets.ticket_pane import clock_line
from helpdesk_tui.widgets.ticket_table import age
from helpdesk_tui.widgets.timeline import summary

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(
    ("status", "en", "ru"),
    [
        ("new", "new", "новая"),
        ("waiting_customer", "wait customer", "ждёт клиента"),
        ("in_progress", "in progress", "в работе"),
        ("some_future_status", "some future status", "some future status"),
    ],
)
def test_the_status_column(status, en, ru):
    assert status_label(status) == en
    i18n.set_language("ru")
    assert status_label(status) == ru


@pytest.mark.parametrize(
    ("minutes", "en", "ru"), [(40, "40m", "40м"), (5 * 60, "5h", "5ч"), (3 * 1440, "3d", "3д")]
)
def test_ages_fit_their_column(minutes, en, ru):
    created = NOW - timedelta(minutes=minutes)
    assert age(created, NOW) == en
    i18n.set_language("ru")
    assert age(created, NOW) == ru
    assert len(age(created, NOW)) <= 5  # the Age column's width


def test_a_running_clock_counts_down_in_the_language():
    due = NOW + timedelta(hours=2, minutes=5)
    text, state = clock_line("Response", due, None, None, None, None, NOW)
    assert state == "running" and text.startswith("Response: 2h 05m left (due ")
    i18n.set_language("ru")
    text, state = clock_line(i18n._("Response"), due, None, None, None, None, NOW)
    assert state == "running" and text.startswith("Реакция: осталось 2 ч 5 мин (срок ")


def test_a_breached_clock_says_how_long_ago():
    i18n.set_language("ru")
    text, state = clock_line("Решение", NOW - timedelta(minutes=90), None, None, None, None, NOW)
    assert state == "breached" and text.startswith("Решение: нарушено 1 ч 30 мин назад")


def test_links_and_clock_names_in_russian():
    i18n.set_language("ru")
    assert link_label("duplicate") == "дубликат"
    assert link_label("parent of") == "родительская для"
    assert link_label("unknown kind") == "unknown kind"
    assert [clock_short(n) for n in ("response", "resolution", "update")] == [
        "реа",
        "реш",
        "обн",
    ]


def test_field_changes_in_the_timeline():
    from helpdesk_tui.services.ticket_views import EventView

    event = EventView(
        1,
        NOW,
        "petrov",
        "Алексей Петров",
        "status",
        {"status": ["assigned", "waiting_customer"], "time_spent_s": [0, 1500]},
        "",
        False,
        2,
    )
    assert summary(event) == "status: assigned → wait customer; time spent: 0m → 25m"
    i18n.set_language("ru")
    assert summary(event) == "статус: назначена → ждёт клиента; затраченное время: 0 мин → 25 мин"
