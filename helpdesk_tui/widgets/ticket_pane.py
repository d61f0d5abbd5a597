"""The ticket pane: header fields, the three SLA clocks counting down with the share of
each target used, the handling-time stopwatch, pauses, description, timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from helpdesk_tui.domain.clocks import clock_use, percent
from helpdesk_tui.domain.handling import Stopwatch, format_elapsed
from helpdesk_tui.domain.sla import BusinessCalendar
from helpdesk_tui.domain.text import visible, visible_line
from helpdesk_tui.domain.vocab import link_label, status_label
from helpdesk_tui.i18n import N_, _, format_datetime, format_duration, n_
from helpdesk_tui.services.ticket_views import TicketDetail, VendorView
from helpdesk_tui.widgets.timeline import Timeline

if TYPE_CHECKING:  # the pane is given them; their modules load with their first use
    from helpdesk_tui.services.knowledge import TicketArticles
    from helpdesk_tui.services.mass_incident import Children

STATES = ("met", "running", "at-risk", "breached", "paused", "none")
CLOCK_NAMES = {"response": N_("Response"), "resolution": N_("Resolution"), "update": N_("Update")}


def clock_line(
    name: str,
    due: datetime | None,
    risk_at: datetime | None,
    done: datetime | None,
    paused_at: datetime | None,
    calendar: BusinessCalendar | None,
    now: datetime,
) -> tuple[str, str]:
    """(text, state) for one SLA clock (`name` as shown): state is met, missed, paused,
    running, at-risk, breached or none."""
    if due is None:
        return f"{name}: —", "none"
    due_text = due.astimezone().strftime("%d.%m %H:%M")
    if done is not None:
        on_time = done <= due
        said = (
            _("{clock}: met ({at}, due {due})")
            if on_time
            else _("{clock}: missed ({at}, due {due})")
        )
        at = done.astimezone().strftime("%d.%m %H:%M")
        return said.format(clock=name, at=at, due=due_text), "met" if on_time else "breached"
    start = paused_at or now
    left = calendar.between(start, due) if calendar else (due - start).total_seconds()
    if paused_at is not None and due > paused_at:
        said = _("{clock}: ⏸ paused, {left} left (due {due} + pause)")
        return said.format(clock=name, left=format_duration(left), due=due_text), "paused"
    if left <= 0:
        said = _("{clock}: breached {late} ago (due {due})")
        return said.format(clock=name, late=format_duration(-left), due=due_text), "breached"
    state = "at-risk" if risk_at is not None and now >= risk_at else "running"
    said = _("{clock}: {left} left (due {due})")
    return said.format(clock=name, left=format_duration(left), due=due_text), state


def vendor_line(vendor: VendorView, now: datetime) -> tuple[str, str]:
    """(text, state) of the vendor's promise, shown under our own clocks: `running` while
    it holds, `breached` once it passed, `none` when the case is closed or has no date."""
    head = _("Vendor: {vendor}, case {case}").format(vendor=vendor.vendor_name, case=vendor.case)
    if vendor.closed_at is not None:
        closed = vendor.closed_at.astimezone().strftime("%d.%m %H:%M")
        return _("{vendor} (closed {at})").format(vendor=head, at=closed), "none"
    if vendor.promised_at is None:
        return _("{vendor}, no date promised").format(vendor=head), "none"
    when = vendor.promised_at.astimezone().strftime("%d.%m %H:%M")
    left = (vendor.promised_at - now).total_seconds()
    if left <= 0:
        said = _("{vendor}: promise LATE by {late} (promised {at})")
        return said.format(vendor=head, late=format_duration(-left), at=when), "breached"
    said = _("{vendor}: promised by {at} ({left} left)")
    return said.format(vendor=head, at=when, left=format_duration(left)), "running"


class Clocks(Static):
    """The three SLA clocks of a ticket (response, resolution, update) and the share of
    each target used, redrawn each second from memory; the vendor's promise beside them
    while the ticket is with a vendor (our clocks keep counting); the handling-time
    stopwatch when one runs on this ticket."""

    COMPONENT_CLASSES = {f"clocks--{state}" for state in STATES} | {"clocks--timer"}
    DEFAULT_CSS = """
    Clocks { padding: 0 1; height: auto; }
    Clocks > .clocks--timer { color: $accent; }
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
        self._shown: Text | None = None
        self._shown_for: TicketDetail | None = None
        self.stopwatch: Stopwatch | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def show_stopwatch(self, watch: Stopwatch | None) -> None:
        self.stopwatch = watch
        self.redraw()

    def _tick(self) -> None:
        if self.region.area:  # not while the pane is hidden (narrow terminal)
            self.redraw()

    def show(self, detail: TicketDetail | None, calendar: BusinessCalendar | None) -> None:
        self.detail, self.calendar = detail, calendar
        self.redraw()

    def redraw(self) -> None:
        d = self.detail
        if d is None:
            self._shown = None
            self.update("")
            return
        now = self.clock()
        text = Text()
        ended = d.resolved_at or (d.closed_at if d.status == "cancelled" else None)
        for name, due, risk, done, target, took in (
            (
                "response",
                d.response_due,
                d.response_risk_at,
                d.first_response_at,
                d.response_target_s,
                d.response_business_s,
            ),
            (
                "resolution",
                d.resolution_due,
                d.resolution_risk_at,
                ended,
                d.resolution_target_s,
                d.resolution_business_s,
            ),
            ("update", d.update_due, d.update_risk_at, ended, d.update_target_s, None),
        ):
            if name == "update" and not d.update_target_s:
                continue  # the plan keeps no update clock for this priority
            shown = _(CLOCK_NAMES[name])
            line, state = clock_line(shown, due, risk, done, d.paused_at, self.calendar, now)
            if text:
                text.append("\n")
            style = self.get_component_rich_style(f"clocks--{state}")
            text.append(line, style=style)
            if self.calendar is not None:
                use = clock_use(
                    self.calendar, now, name, due, risk, target, done, d.paused_at, took
                )
                if use.share is not None:
                    used = _(" · {percent} used").format(percent=percent(use.share))
                    text.append(used, style=style)
        if d.vendor is not None and d.is_open:
            line, state = vendor_line(d.vendor, now)
            text.append("\n")
            text.append(visible_line(line), style=self.get_component_rich_style(f"clocks--{state}"))
        if self.stopwatch is not None and self.stopwatch.key == d.key:
            elapsed = format_elapsed(self.stopwatch.elapsed(now))
            handling = (
                _("Handling: ⏱ {elapsed}")
                if self.stopwatch.running
                else _("Handling: ⏱ {elapsed} (held: the terminal is not focused)")
            )
            text.append("\n")
            text.append(
                handling.format(elapsed=elapsed),
                style=self.get_component_rich_style("clocks--timer"),
            )
        if text == self._shown:
            return
        # the same ticket counting down in lines of the same widths wraps the same: no
        # layout (it would lay out the whole screen every second while a ticket is shown)
        same_shape = (
            self._shown is not None
            and d is self._shown_for
            and [line.cell_len for line in text.split()]
            == [line.cell_len for line in self._shown.split()]
        )
        self._shown, self._shown_for = text, d
        self.update(text, layout=not same_shape)


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
    TicketPane > #pane-children { padding: 1 1 0 1; display: none; }
    """

    ARTICLES = 3  # knowledge-base articles shown: the linked ones, then suggestions

    def __init__(self, clock: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.detail: TicketDetail | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Pick a ticket: j/k to move, Enter to open."), id="pane-empty")
        yield Static(id="pane-title")
        yield Static(id="pane-fields")
        yield Static(id="pane-children")
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
        description = visible(detail.description) or _("(no description)")
        if detail.checklist:
            checked = ", ".join(detail.checklist)
            description += "\n\n" + _("Checked on the call: {items}").format(items=checked)
        if detail.resolution:
            description += "\n\n" + _("Resolution: {text}").format(text=detail.resolution)
        self.query_one("#pane-description", Static).update(Text(visible(description)))
        if not same_ticket:
            self.show_articles(None)
            self.show_children(None)
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
        text = Text(_("Knowledge base"), style="bold")  # a line an article, cut to fit (CSS)
        text.append(_(" · K to read or use one"), style="dim")
        linked = {h.slug for h in found.linked}
        for hit in hits[: self.ARTICLES]:
            text.append("\n✓ " if hit.slug in linked else "\n· ", style="bold")
            text.append(visible_line(hit.title))
        articles.update(text)

    CHILDREN = 5  # children listed under a mass incident (the counts are exact)

    def show_children(self, found: Children | None) -> None:
        """A mass incident's children: how many, open and excluded, and the first few."""
        part = self.query_one("#pane-children", Static)
        part.display = bool(found and found.total)
        if not found or not found.total:
            part.update("")
            return
        text = Text(_("Mass incident"), style="bold")
        children = n_("{n} child", "{n} children", found.total).format(n=f"{found.total:,}")
        text.append(
            " · " + _("{children}, {n} open").format(children=children, n=f"{found.open:,}")
        )
        if found.excluded:
            excluded = _(", {n} excluded").format(n=f"{found.excluded:,}")
            text.append(excluded, style="bold")
        text.append(_(" · x excludes one"), style="dim")
        for child in found.shown[: self.CHILDREN]:
            text.append(f"\n{child.key} ", style="bold")
            text.append(status_label(child.status))
            if child.excluded:
                text.append(" " + _("EXCLUDED"), style="bold")
            text.append(" · " + visible_line(child.subject)[:60])
        if found.total > self.CHILDREN:
            more = _("… {n} more").format(n=f"{found.total - self.CHILDREN:,}")
            text.append("\n" + more, style="dim")
        part.update(text)

    @staticmethod
    def _fields(d: TicketDetail) -> Fields:
        contact = " · ".join(x for x in (d.contact_name, d.contact_phone, d.contact_email) if x)
        status = status_label(d.status)
        if d.status == "waiting_vendor" and d.vendor is not None and d.vendor.closed_at is None:
            status = _("waiting for vendor: {vendor}, case {case}").format(
                vendor=d.vendor.vendor_name, case=d.vendor.case
            )
        priority = _("{priority} (impact {impact}, urgency {urgency})").format(
            priority=d.priority, impact=d.impact, urgency=d.urgency
        )
        pairs = [
            (_("Status"), status),
            (_("Priority"), priority),
            (_("Customer"), d.customer_name or "—"),
            (_("Site"), d.site or "—"),
            (_("Contact"), contact or "—"),
            (_("Asset"), d.asset_name or "—"),
            (_("Service"), d.service_name),
            (_("Channel"), d.channel),
            (_("Line / group"), f"{d.line} / {d.group_name}"),
            (_("Assignee"), d.assignee_name or _("unassigned")),
            (_("Created"), format_datetime(d.created_at.astimezone())),
            (_("SLA plan"), f"{d.sla_plan} ⚠ {d.plan_note}" if d.plan_note else d.sla_plan),
        ]
        if d.reopen_count:
            pairs.append((_("Reopened"), f"{d.reopen_count}×"))
        if d.escalation_count:
            pairs.append((_("Escalated"), f"{d.escalation_count}×"))
        if d.time_spent_s:
            pairs.append((_("Time spent"), format_duration(d.time_spent_s)))
        if d.update_target_s:
            n = d.updates_on_time + d.updates_late
            updates = _("every {every}; {on_time} of {n} on time").format(
                every=format_duration(d.update_target_s), on_time=d.updates_on_time, n=n
            )
            pairs.append((_("Updates"), updates))
        for p in d.pauses[-3:]:
            length = (
                _("{business} business, {wall} wall").format(
                    business=format_duration(p.business_s or 0),
                    wall=format_duration(p.wall_s or 0),
                )
                if p.ended_at is not None
                else _("under way")
            )
            when = p.started_at.astimezone().strftime("%d.%m %H:%M")
            pairs.append((_("Paused"), f"{when} {p.reason_text} ({length}, {p.by})"))
        if d.parent or d.links:
            links = ", ".join(f"{link_label(link.kind)} {link.key}" for link in d.links[:6])
            pairs += [(_("Parent"), d.parent or "—"), (_("Links"), links or "—")]
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
            for _pair in range(2):
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
