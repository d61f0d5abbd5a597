"""The board's figures on a hand-made desk."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from helpdesk_tui.services import board, ticket_actions
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.services.registration import NewTicket, register

MSK = ZoneInfo("Europe/Moscow")
CALLER = "s.kravchenko@produkty24.example"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MSK)


def test_board_counts_per_group_agent_and_hour(store):
    boss = resolve(store, "morozov")
    keys = []
    for hour, (impact, urgency) in zip(
        (9, 10, 11, 13), ((3, 3), (3, 3), (1, 1), (3, 3)), strict=True
    ):
        keys.append(
            register(
                store,
                boss,
                NewTicket(
                    subject=f"q{hour}",
                    service="question",
                    contact=CALLER,
                    impact=impact,
                    urgency=urgency,
                ),
                now=at(23, hour),
            ).key
        )
    # dispatch does not hand work out: all four wait unassigned in its queue
    ticket_actions.take(store, resolve(store, "ivanova"), keys[0], now=at(23, 9, 5))
    ticket_actions.set_status(
        store, resolve(store, "ivanova"), keys[0], "waiting_customer", now=at(23, 9, 10)
    )
    ticket_actions.take(store, resolve(store, "carter"), keys[1], now=at(23, 10, 5))
    ticket_actions.resolve(store, resolve(store, "carter"), keys[1], "done", now=at(23, 10, 30))
    b = board.board(store, now=at(23, 13, 30))
    dispatch = next(r for r in b.rows if r.code == "dispatch")
    line1 = next(r for r in b.rows if r.kind == "line" and r.code == "L1")
    assert dispatch.load.open == 3  # one resolved
    assert dispatch.load.unassigned == 2
    assert dispatch.load.waiting == 1
    assert dispatch.load.resolved_today == 1
    assert dispatch.load.incoming_hour == 1  # 13:00 arrived within the last hour
    assert dispatch.load.breached == 1  # the P1 from 11:00: 30 min to respond, silent
    assert dispatch.load.oldest == at(23, 9)
    assert line1.load == dispatch.load  # the line is the sum of its one group
    ivanova = next(a for a in b.agents if a.login == "ivanova")
    assert ivanova.held == 1 and ivanova.by_priority == (0, 0, 0, 1)
    assert [h for h, n in enumerate(b.hourly_today) if n] == [9, 10, 11, 13]  # Moscow hours
    assert b.backlog[-1][1] == 3


def test_levels_follow_the_thresholds():
    limits = {"breached": {"warn": 1, "alert": 5}}
    assert board.level(0, "breached", limits) == "ok"
    assert board.level(1, "breached", limits) == "warn"
    assert board.level(7, "breached", limits) == "alert"
    assert board.level(7, "unknown", limits) == "ok"


def test_thresholds_come_from_the_data_files(store):
    limits = board.thresholds(store)
    assert limits["breached"] == {"warn": 1, "alert": 3}  # data/board.toml
    assert limits["unassigned"]["alert"] == 10
