"""KPI formulas on a small hand-made history; the right answers are worked out below.

The customer (produkty24) is on the silver plan: Moscow business hours, Mon–Fri
09:00–18:00; priority P4 (impact 3, urgency 3) gives 8 business hours to respond and 80
to resolve; P1 (1, 1) gives 30 minutes and 8 hours. All times are Moscow time in the week
of Monday 16 November 2026; the report covers that week, asked on Wednesday at noon.

  T1 phone  Mon 09:00, reply Mon 10:00 (1 h), resolved Mon 13:00 (4 h), rated 5 Tue 10:00
  T2 email  Mon 10:00, reply Mon 12:00 (2 h), resolved Tue 10:00 (8 h + 1 h = 9 h),
            rated 3 Tue 12:00
  T3 phone  Mon 11:00, solved on first contact (0 h, 0 h)
  T4 chat   Mon 12:00, reply Tue 12:00 (6 h + 3 h = 9 h: late, the target is 8 h), open
  T5 phone  Mon 13:00, reply Mon 14:00 (1 h), resolved Mon 15:00, reopened by the customer
            Mon 16:00 (the hour resolved does not count), resolved again Tue 11:00
            (5 h + 2 h − 1 h = 6 h), 30 min logged
  T6 phone  Mon 09:00, P1, never answered: overdue on Wednesday

Expected: created 6 (phone 4, email 1, chat 1); FCR 1/6; answered 5, 4 in time (0.8);
first response in business seconds [0, 1h, 1h, 2h, 9h] → mean 2.6 h, median 1 h, p90 9 h;
resolved in the week 4 (T1, T2, T3, T5), all in time; resolution [0, 4h, 6h, 9h] → mean
4.75 h, median 4 h, p90 9 h; reopen rate 1/4; satisfaction mean 4.0 over 2; handling
30 min over 4 resolved = 7.5 min each; overdue now 1 (T6).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk_tui.services import reports, ticket_actions
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.services.registration import NewTicket, register

MSK = ZoneInfo("Europe/Moscow")
CALLER = "s.kravchenko@produkty24.example"
H = 3600


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MSK)


@pytest.fixture
def history(store):
    boss = resolve(store, "morozov")

    def new(subject, channel, when, impact=3, urgency=3, resolution=None):
        return register(
            store,
            boss,
            NewTicket(
                subject=subject,
                service="pos",
                channel=channel,
                contact=CALLER,
                impact=impact,
                urgency=urgency,
                resolution=resolution,
            ),
            now=when,
        ).key

    t1 = new("T1", "phone", at(16, 9))
    ticket_actions.reply(store, boss, t1, "Смотрим", now=at(16, 10))
    ticket_actions.resolve(store, boss, t1, "Готово", now=at(16, 13))
    ticket_actions.confirm(store, boss, t1, rating=5, now=at(17, 10))

    t2 = new("T2", "email", at(16, 10))
    ticket_actions.reply(store, boss, t2, "Смотрим", now=at(16, 12))
    ticket_actions.resolve(store, boss, t2, "Готово", now=at(17, 10))
    ticket_actions.confirm(store, boss, t2, rating=3, now=at(17, 12))

    new("T3", "phone", at(16, 11), resolution="Подсказали по телефону")

    t4 = new("T4", "chat", at(16, 12))
    ticket_actions.reply(store, boss, t4, "Смотрим", now=at(17, 12))

    t5 = new("T5", "phone", at(16, 13))
    ticket_actions.reply(store, boss, t5, "Смотрим", now=at(16, 14))
    ticket_actions.resolve(store, boss, t5, "Готово", now=at(16, 15))
    ticket_actions.customer_reply(store, t5, "Нет, снова не работает", now=at(16, 16))
    ticket_actions.log_time(store, boss, t5, 30, now=at(17, 10, 30))
    ticket_actions.resolve(store, boss, t5, "Теперь готово", now=at(17, 11))

    new("T6", "phone", at(16, 9), impact=1, urgency=1)
    return store


def test_kpis_of_a_hand_made_week(history):
    r = reports.report(history, "group", start="2026-11-16", end="2026-11-23", now=at(18, 12))
    t = r.total
    assert t.created == 6
    assert t.channels == {"phone": 4, "email": 1, "chat": 1}
    assert t.fcr_rate == pytest.approx(1 / 6)
    assert (t.answered, t.answered_in_sla) == (5, 4)
    assert t.response_in_sla == pytest.approx(0.8)
    rb = t.response_business
    assert (rb.n, rb.median, rb.p90) == (5, 1 * H, 9 * H)
    assert rb.mean == pytest.approx(2.6 * H)
    assert (t.resolved, t.resolved_in_sla) == (4, 4)
    sb = t.resolution_business
    assert (sb.n, sb.median, sb.p90) == (4, 4 * H, 9 * H)
    assert sb.mean == pytest.approx(4.75 * H)
    assert t.reopen_rate == pytest.approx(0.25)
    assert (t.satisfaction_mean, t.satisfaction_n) == (pytest.approx(4.0), 2)
    assert t.time_logged_s == 30 * 60
    assert t.handling_mean_s == pytest.approx(7.5 * 60)
    assert t.overdue_now == 1
    # every ticket went to the same group: its row equals the total
    assert [row.key for row in r.rows] == ["l2-software"]
    assert reports.flat(r.rows[0]) == {
        **reports.flat(t),
        "key": "l2-software",
        "name": r.rows[0].name,
    }


def test_wall_clock_durations_are_reported_beside_business_time(history):
    r = reports.report(history, "line", start="2026-11-16", end="2026-11-23", now=at(18, 12))
    rw = r.total.response_wall
    # T4 answered after 24 wall hours (9 business hours); T3 at once
    assert rw.p90 == 24 * H
    assert rw.median == 1 * H


def test_a_period_without_tickets_has_no_figures(history):
    r = reports.report(history, "agent", start="2026-10-01", end="2026-10-08", now=at(18, 12))
    assert r.total.created == 0
    assert r.total.fcr_rate is None and r.total.response_business.median is None
    assert r.total.overdue_now == 1  # "now" figures do not depend on the period


def test_the_period_is_in_the_desks_local_days(history):
    # Monday alone: T1–T6 were created on Monday, Moscow time
    r = reports.report(history, "group", start="2026-11-16", end="2026-11-17", now=at(18, 12))
    assert r.total.created == 6
    assert r.start == at(16, 0) and r.end == at(17, 0)
    assert r.end - r.start == timedelta(days=1)


@pytest.mark.parametrize(
    "bad",
    [
        {"start": "2026-13-01"},
        {"start": "2026-11-10", "end": "2026-11-01"},
        {"by": "colour"},
    ],
)
def test_bad_report_input_is_one_clear_error(history, bad):
    from helpdesk_tui.domain.errors import Invalid

    kwargs = dict(bad)
    with pytest.raises(Invalid):
        reports.report(history, kwargs.pop("by", "group"), **kwargs)
