"""The pane's timeline changes ticket in the blocks it has: the right events, in order, the
right colours, whatever the counts before and after, and changes made in quick turn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult

from helpdesk_tui.services.ticket_views import EventView
from helpdesk_tui.widgets.timeline import KIND_CLASS, EventBlock, Timeline

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KINDS = ("created", "note", "reply", "sla_breached", "status", "customer_reply")


def events(ticket: int, n: int) -> list[EventView]:
    return [
        EventView(
            ticket * 100 + i,
            T0 + timedelta(minutes=i),
            "petrov",
            "Алексей Петров",
            KINDS[(ticket + i) % len(KINDS)],
            {},
            f"ticket {ticket} event {i}",
            False,
            i + 1,
        )
        for i in range(n)
    ]


class Pane(App):
    def compose(self) -> ComposeResult:
        yield Timeline()


def shown(timeline: Timeline) -> list[tuple[str, str]]:
    return [
        (block.event.body, " ".join(sorted(block.classes)))
        for block in timeline.query_children(EventBlock)
    ]


def expected(evs: list[EventView]) -> list[tuple[str, str]]:
    return [(e.body, KIND_CLASS.get(e.kind, "")) for e in evs]


async def test_another_tickets_timeline_reuses_the_blocks_it_has():
    app = Pane()
    async with app.run_test() as pilot:
        timeline = app.query_one(Timeline)
        timeline.show(events(1, 5))
        await pilot.pause()
        first = list(timeline.query_children(EventBlock))
        timeline.show(events(2, 3))  # fewer: two blocks go
        await pilot.pause()
        assert shown(timeline) == expected(events(2, 3))
        assert list(timeline.query_children(EventBlock)) == first[:3]  # the same widgets
        assert "ticket 2 event 0" in str(first[0].render())
        timeline.show(events(3, 7))  # more: four mounted after the three
        await pilot.pause()
        assert shown(timeline) == expected(events(3, 7))
        assert list(timeline.query_children(EventBlock))[:3] == first[:3]
        timeline.show(events(3, 8))  # the same ticket, one more event: appended
        await pilot.pause()
        assert shown(timeline) == expected(events(3, 8))


async def test_changes_in_quick_turn_before_removals_are_done():
    app = Pane()
    async with app.run_test() as pilot:
        timeline = app.query_one(Timeline)
        timeline.show(events(1, 6))
        await pilot.pause()
        timeline.show(events(2, 2))  # removes four …
        timeline.show(events(3, 5))  # … and needs three more before they are gone
        timeline.show(events(4, 0))
        timeline.show(events(5, 4))
        await pilot.pause()
        assert shown(timeline) == expected(events(5, 4))
