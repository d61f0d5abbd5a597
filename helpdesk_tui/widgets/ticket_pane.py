"""The ticket pane: header fields, both SLA clocks counting down, description, timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from helpdesk_tui.domain.sla import BusinessCalendar, format_duration
from helpdesk_tui.domain.text import visible, visible_line
from helpdesk_tui.services.knowledge import TicketArticles
from helpdesk_tui.services.ticket_views import TicketDetail
from helpdesk_tui.widgets.ticket_table import STATUS_LABELS
from helpdesk_tui.widgets.timeline import Timeline

STATES = ("met", "running", "at-risk", "breached", "paused", "none")


def clock_line(
    name: str,
    due: datetime | None,
    risk_at: datetime | None,
    done: datetime | None,
    paused_at: datetime | None,
    calendar: BusinessCalendar | None,
    now: datetime,
) -> tuple[str, str]:
    """(text, state) for one SLA clock: state is met, missed, paused, running, at-risk,
    breached or none."""
    if due is None:
        return f"{name}: —", "none"
    due_text = due.astimezone().strftime("%d.%m %H:%M")
    if done is not None:
        on_time = done <= due
        return (
            f"{name}: {'met' if on_time else 'missed'} ({done.astimezone():%d.%m %H:%M}, "
            f"due {due_text})",
            "met" if on_time else "breached",
        )
    start = paused_at or now
    left = calendar.between(start, due) if calendar else (due - start).total_seconds()
    if paused_at is not None and due > paused_at:
        return f"{name}: ⏸ paused, {format_duration(left)} left (due {due_text} + pause)", "paused"
    if left <= 0:
        return f"{name}: breached {format_duration(-left)} ago (due {due_text})", "breached"
    state = "at-risk" if risk_at is not None and now >= risk_at else "running"
    return f"{name}: {format_duration(left)} left (due {due_text})", state


class Clocks(Static):
    """Both SLA clocks of a ticket, redrawn each second from memory."""

    COMPONENT_CLASSES = {f"clocks--{state}" for state in STATES}
    DEFAULT_CSS = """
    Clocks { padding: 0 1; height: auto; }
    Clocks > .clocks--met, Clocks > .clocks--running { color: $success; }
    Clocks > .clocks--at-risk { color: $warning; text-style: bold; }
    Clocks > .clocks--breached { color: $error; text-style: bold; }
    Clocks > .clocks--paused, Clocks > .clocks--none { color: $text-muted; }
    """

    def __init__(self, clock: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.detail: TicketDetail | None = None
        self.calendar: BusinessCalendar | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.region.area:  # not while the pane is hidden (narrow terminal)
            self.redraw()

    def show(self, detail: TicketDetail | None, calendar: BusinessCalendar | None) -> None:
        self.detail, self.calendar = detail, calendar
        self.redraw()

    def redraw(self) -> None:
        d = self.detail
        if d is None:
            self.update("")
            return
        now = self.clock()
        text = Text()
        for name, due, risk, done in (
            ("Response", d.response_due, d.response_risk_at, d.first_response_at),
            (
                "Resolution",
                d.resolution_due,
                d.resolution_risk_at,
                d.resolved_at or (d.closed_at if d.status == "cancelled" else None),
            ),
        ):
            line, state = clock_line(name, due, risk, done, d.paused_at, self.calendar, now)
            if text:
                text.append("\n")
            text.append(line, style=self.get_component_rich_style(f"clocks--{state}"))
        self.update(text)


class TicketPane(VerticalScroll, can_focus=True):
    """Everything about one ticket. `show(detail, calendar)` fills it."""

    DEFAULT_CSS = """
    TicketPane { padding: 0 1; background: $surface; }
    TicketPane > #pane-title { text-style: bold; padding: 1 1 0 1; }
    TicketPane > #pane-fields { padding: 0 1; }
    TicketPane > #pane-description { padding: 1 1; border-top: solid $panel; }
    TicketPane > #pane-empty { color: $text-muted; padding: 2; }
    TicketPane > #pane-articles {
        padding: 0 1 1 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    TicketPane > Timeline { padding: 1 0 0 0; border-top: solid $panel; }
    """

    ARTICLES = 3  # knowledge-base articles shown: the linked ones, then suggestions

    def __init__(self, clock: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.detail: TicketDetail | None = None

    def compose(self) -> ComposeResult:
        yield Static("Pick a ticket: j/k to move, Enter to open.", id="pane-empty")
        yield Static(id="pane-title")
        yield Static(id="pane-fields")
        yield Clocks(self.clock, id="pane-clocks")
        yield Static(id="pane-description")
        yield Static(id="pane-articles")
        yield Timeline(id="pane-timeline")

    def show(self, detail: TicketDetail | None, calendar: BusinessCalendar | None) -> None:
        same_ticket = self.detail is not None and detail is not None and self.detail.id == detail.id
        self.detail = detail
        self.query_one("#pane-empty").display = detail is None
        for part in (
            "#pane-title",
            "#pane-fields",
            "#pane-clocks",
            "#pane-description",
            "#pane-timeline",
        ):
            self.query_one(part).display = detail is not None
        self.query_one(Clocks).show(detail, calendar)
        if detail is None:
            self.show_articles(None)
            return
        title = Text()
        title.append(detail.key, style="bold")
        title.append("  ")
        title.append(visible_line(detail.subject))
        self.query_one("#pane-title", Static).update(title)
        self.query_one("#pane-fields", Static).update(self._fields(detail))
        description = visible(detail.description) or "(no description)"
        if detail.checklist:
            description += "\n\nChecked on the call: " + ", ".join(detail.checklist)
        if detail.resolution:
            description += "\n\nResolution: " + detail.resolution
        self.query_one("#pane-description", Static).update(Text(visible(description)))
        if not same_ticket:
            self.show_articles(None)
        self.query_one(Timeline).show(detail.events)
        if not same_ticket:
            self.scroll_home(animate=False)

    def show_articles(self, found: TicketArticles | None) -> None:
        """The knowledge base's articles for the ticket: linked ones, then suggestions."""
        articles = self.query_one("#pane-articles", Static)
        # they arrive after the ticket: a pane kept at its newest events stays there
        at_end = self.max_scroll_y > 0 and self.scroll_y >= self.max_scroll_y
        if at_end:
            self.call_after_refresh(self.scroll_end, animate=False)
        hits = [*found.linked, *found.suggested] if found else []
        articles.display = bool(hits)
        if not hits or found is None:
            articles.update("")
            return
        text = Text("Knowledge base", style="bold")  # a line an article, cut to fit (CSS)
        text.append(" · K to read or use one", style="dim")
        linked = {h.slug for h in found.linked}
        for hit in hits[: self.ARTICLES]:
            text.append("\n✓ " if hit.slug in linked else "\n· ", style="bold")
            text.append(visible_line(hit.title))
        articles.update(text)

    @staticmethod
    def _fields(d: TicketDetail) -> Fields:
        contact = " · ".join(x for x in (d.contact_name, d.contact_phone, d.contact_email) if x)
        pairs = [
            ("Status", STATUS_LABELS.get(d.status, d.status)),
            ("Priority", f"{d.priority} (impact {d.impact}, urgency {d.urgency})"),
            ("Customer", d.customer_name or "—"),
            ("Site", d.site or "—"),
            ("Contact", contact or "—"),
            ("Asset", d.asset_name or "—"),
            ("Service", d.service_name),
            ("Channel", d.channel),
            ("Line / group", f"{d.line} / {d.group_name}"),
            ("Assignee", d.assignee_name or "unassigned"),
            ("Created", d.created_at.astimezone().strftime("%d.%m.%Y %H:%M")),
            ("SLA plan", d.sla_plan),
        ]
        if d.reopen_count:
            pairs.append(("Reopened", f"{d.reopen_count}×"))
        if d.escalation_count:
            pairs.append(("Escalated", f"{d.escalation_count}×"))
        if d.time_spent_s:
            pairs.append(("Time spent", format_duration(d.time_spent_s)))
        if d.parent or d.links:
            links = ", ".join(f"{link.kind} {link.key}" for link in d.links[:6])
            pairs += [("Parent", d.parent or "—"), ("Links", links or "—")]
        return Fields([(label, Text(visible_line(value))) for label, value in pairs])


class Fields:
    """The ticket's fields as label/value pairs: two pairs a row when there is room (the
    full-screen ticket), one pair a row in the narrower pane beside the queue, so values
    never wrap into a column a few characters wide."""

    TWO_PAIRS_FROM = 96  # columns

    def __init__(self, pairs: list[tuple[str, Text]]) -> None:
        self.pairs = pairs

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = Table.grid(padding=(0, 2))
        if options.max_width >= self.TWO_PAIRS_FROM:
            for _ in range(2):
                grid.add_column(style="dim", no_wrap=True)
                grid.add_column(ratio=1)
            pairs = self.pairs + [("", Text())] * (len(self.pairs) % 2)
            for (a, b), (c, e) in zip(pairs[::2], pairs[1::2], strict=True):
                grid.add_row(a, b, c, e)
        else:
            grid.add_column(style="dim", no_wrap=True)
            grid.add_column(ratio=1)
            for label, value in self.pairs:
                grid.add_row(label, value)
        yield grid
