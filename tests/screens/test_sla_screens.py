"""The rest of the SLA on screen: why a ticket waits (the reason picker), each clock's %
used in the queue row with the theme's colours, and the handling-time stopwatch (started
by a ticket the agent holds, shown live, held while the terminal is unfocused, logged as a
time entry when they send or leave, offered for editing when long). The app's clock is a
fake the tests move."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select
from textual.events import AppBlur, AppFocus
from textual.widgets import Input

from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.screens.dialogs import InputScreen
from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.store import models as m
from helpdesk_tui.widgets.ticket_pane import Clocks
from helpdesk_tui.widgets.ticket_table import TicketTable
from tests.screens.conftest import NOW, settle
from tests.screens.helpers import events, find, new_ticket, paste, ticket


class FakeClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


def pauses(store, key) -> list[m.TicketPause]:
    with store.read() as s:
        tid = ticket(store, key).id
        return list(s.exec(select(m.TicketPause).where(m.TicketPause.ticket_id == tid)).all())


async def _pick(app, pilot, words: str) -> None:
    await settle(app, pilot)
    assert isinstance(app.screen, PickerScreen), app.screen
    await paste(app, pilot, words)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_waiting_for_the_customer_asks_why_and_records_it(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("s")
        await _pick(app, pilot, "wait customer")
        await _pick(app, pilot, "information")  # the reasons of data/sla.toml
        assert isinstance(app.screen, InputScreen)
        await paste(app, pilot, "photo of the error screen")
        await pilot.press("enter")
        await settle(app, pilot)
        t = ticket(demo_store, key)
        assert t.status == "waiting_customer" and t.paused_at is not None
        [p] = pauses(demo_store, key)
        assert (p.reason, p.note) == ("info", "photo of the error screen")
        assert "photo of the error screen" in events(demo_store, key, "status")[-1].body


async def test_other_needs_words_and_esc_changes_nothing(app_for, demo_store):
    key = new_ticket(demo_store)
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        version = ticket(demo_store, key).version
        await pilot.press("s")
        await _pick(app, pilot, "wait customer")
        await _pick(app, pilot, "other")
        await pilot.press("enter")  # no words
        await settle(app, pilot)
        assert isinstance(app.screen, InputScreen)
        assert "say why" in str(app.screen.query_one("#dialog-error").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert ticket(demo_store, key).version == version and pauses(demo_store, key) == []


async def test_the_queue_row_shows_each_clock_as_percent_used_in_its_colour(app_for, demo_store):
    clock = FakeClock()
    key = new_ticket(demo_store)  # P3 silver: response 4 h, resolution 40 h, update 9 h
    app = app_for("petrov", clock=clock)
    async with app.run_test(size=(160, 40)) as pilot:
        await find(app, pilot, key)
        table = app.screen.query_one(TicketTable)
        labels = "".join(s.text for s in table.render_line(0))
        assert "Rsp%" in labels and "Res%" in labels and "Upd%" in labels

        def shown() -> dict[str, tuple[str, object]]:
            row = table.current
            cols = [c.key for c, _ in table._layout()]
            cells = table._cells(row)
            return {
                k: (text.strip(), style) for k, (text, _, style) in zip(cols, cells, strict=True)
            }

        now = shown()  # a P2 on silver: response 1 h, resolution 16 h, update 4 h
        assert [now[f"use_{c}"][0] for c in ("response", "resolution", "update")] == ["0%"] * 3
        assert now["use_response"][1].color == table._style("running", partial=True).color
        clock.advance(minutes=30)
        now = shown()
        assert [now[f"use_{c}"][0] for c in ("response", "resolution", "update")] == [
            "50%",
            "3%",
            "12%",
        ]
        clock.advance(minutes=15)  # 45 min of the hour: at risk (75 %)
        now = shown()
        assert now["use_response"][0] == "75%"
        assert now["use_response"][1].color == table._style("at-risk", partial=True).color
        clock.advance(days=1)  # Wednesday 15:15 Moscow: 3 h 30 m + 6 h 15 m of business time
        now = shown()
        assert [now[f"use_{c}"][0] for c in ("response", "resolution", "update")] == [
            "975%",
            "60%",
            "243%",
        ]
        breached = table._style("breached", partial=True).color
        assert now["use_response"][1].color == now["use_update"][1].color == breached
        assert now["use_resolution"][1].color == table._style("running", partial=True).color


async def test_handling_time_is_measured_shown_and_logged_when_a_note_is_sent(app_for, demo_store):
    clock = FakeClock()
    key = new_ticket(demo_store)
    app = app_for("petrov", clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        clocks = app.screen.query_one(Clocks)
        assert app.handling.watch is not None and app.handling.watch.key == key
        clock.advance(minutes=7, seconds=5)
        clocks.redraw()
        assert "Handling: ⏱ 07:05" in str(clocks.render())
        app.post_message(AppBlur())  # away for an hour: not counted
        await pilot.pause()
        clock.advance(hours=1)
        clocks.redraw()
        assert "07:05 (held" in str(clocks.render())
        app.post_message(AppFocus())
        await pilot.pause()
        app.app_suspend_signal.publish(app)  # Ctrl+Z: suspended for a while, not counted
        clock.advance(minutes=30)
        app.app_resume_signal.publish(app)
        await pilot.pause()
        clock.advance(minutes=2)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, ComposeScreen)
        await paste(app, pilot, "Checked the fiscal drive")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        [logged] = events(demo_store, key, "time")
        assert logged.changes["time_spent_s"] == [0, 9 * 60]  # 9 min 5 s → 9 min
        assert logged.body == "handling time, measured"
        assert ticket(demo_store, key).time_spent_s == 9 * 60
        # the watch starts again: work goes on after the note
        assert app.handling.watch is not None and app.handling.watch.started_at == clock.now


async def test_leaving_after_a_long_stretch_offers_the_time_for_editing_capped(app_for, demo_store):
    clock = FakeClock()
    key = new_ticket(demo_store)
    app = app_for("petrov", clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("enter")  # full screen: the same ticket, the same watch
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        clock.advance(hours=5)  # left it open: counted at most the cap (2 h)
        await pilot.press("escape")  # leaves the ticket: the watch stops
        await settle(app, pilot)
        assert isinstance(app.screen, InputScreen)
        assert app.screen.query_one(Input).value == "120"
        await pilot.press("backspace", "backspace", "backspace")
        await paste(app, pilot, "45")
        await pilot.press("enter")
        await settle(app, pilot)
        await app.workers.wait_for_complete()
        assert ticket(demo_store, key).time_spent_s == 45 * 60
        [logged] = events(demo_store, key, "time")
        assert logged.actor_id == ticket(demo_store, key).assignee_id  # petrov's, audited


async def test_a_ticket_not_held_starts_no_watch_until_taken(app_for, demo_store):
    clock = FakeClock()
    key = new_ticket(demo_store, assignee=None)
    app = app_for("petrov", clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key, tab="unassigned")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.handling.watch is None
        await pilot.press("t")
        await settle(app, pilot)
        assert ticket(demo_store, key).assignee_id is not None
        assert app.handling.watch is not None and app.handling.watch.key == key


async def test_the_sidebar_shows_the_share_used_of_the_clock_furthest_along(app_for, demo_store):
    from helpdesk_tui.widgets.sla_sidebar import SlaSidebar, clock_short
    from helpdesk_tui.widgets.ticket_table import clock_uses

    clock = FakeClock()
    app = app_for("petrov", clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        sidebar = app.screen.query_one(SlaSidebar)
        assert sidebar.rows
        first = sidebar.rows[0]
        uses = [
            u for u in clock_uses(first, app.calendars[first.calendar_id], clock.now) if u.share
        ]
        worst = max(uses, key=lambda u: u.share)
        prompt = str(sidebar.query_one("OptionList").get_option_at_index(0).prompt)
        share = f"{min(999, int(worst.share * 100))}%"
        assert f"{share} {clock_short(worst.name)}" in prompt and first.key in prompt


async def test_quitting_logs_the_running_stopwatch(app_for, demo_store):
    clock = FakeClock()
    key = new_ticket(demo_store)
    app = app_for("petrov", clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        clock.advance(minutes=12)
        await pilot.press("q")
        await pilot.pause(0.5)
    assert ticket(demo_store, key).time_spent_s == 12 * 60
