"""The SLA sidebar: the tickets nearest to breach, counting down each second, with the
share used of the clock that is furthest along (response, resolution or update)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from helpdesk_tui.domain.clocks import percent
from helpdesk_tui.domain.sla import BusinessCalendar
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.services.queue import QueueRow
from helpdesk_tui.widgets.ticket_table import STATE_STYLES, clock_uses, sla_left, sla_state

# a clock in three letters, like the queue's columns (Rsp% Res% Upd%)
CLOCK_SHORT = {"response": N_("rsp"), "resolution": N_("res"), "update": N_("upd")}


def clock_short(name: str) -> str:
    return _(CLOCK_SHORT[name]) if name in CLOCK_SHORT else name[:3]


class SlaSidebar(Vertical):
    """Nearest deadlines of the agent's tickets and their lines; Enter jumps to one."""

    COMPONENT_CLASSES = {
        "sla-sidebar--running",
        "sla-sidebar--at-risk",
        "sla-sidebar--breached",
        "sla-sidebar--paused",
        "sla-sidebar--none",
    }
    DEFAULT_CSS = """
    SlaSidebar > .sla-sidebar--running { color: $success; }
    SlaSidebar > .sla-sidebar--at-risk { color: $warning; text-style: bold; }
    SlaSidebar > .sla-sidebar--breached { color: $error; text-style: bold; }
    SlaSidebar > .sla-sidebar--paused, SlaSidebar > .sla-sidebar--none { color: $text-muted; }
    SlaSidebar { width: 34; border-left: solid $panel; background: $surface; }
    SlaSidebar > #sla-title { text-style: bold; padding: 0 1; background: $panel; width: 100%; }
    SlaSidebar > OptionList { border: none; height: 1fr; background: $surface; }
    """

    BINDINGS = [
        Binding("j", "list_down", show=False, id="sla.down"),
        Binding("k", "list_up", show=False, id="sla.up"),
    ]

    class Jump(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        calendars: Mapping[int, BusinessCalendar],
        clock: Callable[[], datetime] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.calendars = calendars
        self.clock = clock or (lambda: datetime.now(UTC))
        self.rows: list[QueueRow] = []
        self._shown: list[tuple[Text, str]] | None = None  # (prompt, ticket key) as listed

    def compose(self) -> ComposeResult:
        yield Static(_("Nearest to breach"), id="sla-title")
        yield OptionList(id="sla-list")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        """Count down each second, but only while it is on screen (hidden, it would rebuild
        its list every second for nobody)."""
        if self.region.area:
            self.redraw()

    def show(self, rows: list[QueueRow]) -> None:
        """The nearest deadlines; drawn now if the sidebar is on, else when it is turned
        on (drawing needs each ticket's business calendar, and a calendar's first use loads
        its holidays: 90 ms of the start, for a sidebar off under 190 columns)."""
        self.rows = rows
        if self.display:
            self.redraw()

    def redraw(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        now = self.clock()
        texts = []
        for row in self.rows:
            state = sla_state(row, now)
            calendar = self.calendars.get(row.calendar_id)
            text = Text()
            text.append(
                f"{sla_left(row, calendar, now):>9} ",
                style=self.get_component_rich_style(f"sla-sidebar--{state}"),
            )
            uses = [u for u in clock_uses(row, calendar, now) if u.share is not None]
            worst = max(uses, key=lambda u: u.share or 0.0, default=None)
            if worst is not None and worst.state is not None:
                text.append(
                    f"{percent(worst.share):>4} {clock_short(worst.name)} ",
                    style=self.get_component_rich_style(
                        f"sla-sidebar--{STATE_STYLES[worst.state]}"
                    ),
                )
            text.append(f"{row.key} ", style="bold")
            text.append(visible_line(row.subject)[:60], style="dim")
            texts.append((text, row.key))
        if texts == self._shown:  # the deadlines show minutes: most seconds, nothing moved
            return
        self._shown = texts
        prompts = [Option(text, id=key) for text, key in texts]
        options.clear_options()
        if prompts:
            options.add_options(prompts)
            if highlighted is not None:
                options.highlighted = min(highlighted, len(prompts) - 1)
        else:
            options.add_option(
                Option(Text(_("Nothing is close to its deadline."), style="dim"), disabled=True)
            )

    def action_list_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_list_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Jump(event.option.id))

    @property
    def first_key(self) -> str | None:
        return self.rows[0].key if self.rows else None
