"""KPIs for a period, per line, group, agent, service or customer; export to CSV."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from helpdesk_tui.config import data_dir
from helpdesk_tui.domain.csv_formulas import defuse_row
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import reports
from helpdesk_tui.widgets.charts import PairedBars
from helpdesk_tui.widgets.footer import Footer

PERIODS = (
    ("month", N_("This month so far")),
    ("last-month", N_("Last month")),
    ("week", N_("This week so far")),
    ("30d", N_("The last 30 days")),
    ("year", N_("This year so far")),
)
TOTAL = N_("total")  # the column of the whole desk
BY_LABELS = {
    "line": N_("line"),
    "group": N_("group"),
    "agent": N_("agent"),
    "service": N_("service"),
    "customer": N_("customer"),
}


def period_dates(name: str, today: date) -> tuple[str, str]:
    """[from, to) as ISO dates for a named period."""
    tomorrow = today + timedelta(days=1)
    if name == "last-month":
        first = today.replace(day=1)
        start = (first - timedelta(days=1)).replace(day=1)
        return start.isoformat(), first.isoformat()
    if name == "week":
        return (today - timedelta(days=today.weekday())).isoformat(), tomorrow.isoformat()
    if name == "30d":
        return (today - timedelta(days=29)).isoformat(), tomorrow.isoformat()
    if name == "year":
        return today.replace(month=1, day=1).isoformat(), tomorrow.isoformat()
    return today.replace(day=1).isoformat(), tomorrow.isoformat()


class ReportsScreen(DeskScreen):
    BINDINGS = [
        Binding("p", "period", N_("Period"), id="reports.period"),
        Binding("b", "by", N_("By"), id="reports.by"),
        Binding("e", "export", N_("Export CSV"), id="reports.export"),
        Binding("escape", "back", N_("Back"), id="reports.back"),
        Binding("ctrl+r", "refresh", N_("Refresh"), id="reports.refresh", show=False),
    ]
    DEFAULT_CSS = """
    ReportsScreen #report-title { height: 1; padding: 0 1; text-style: bold; }
    ReportsScreen #kpis { height: 1fr; }
    ReportsScreen #report-chart { height: 9; padding: 0 1; border-top: solid $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.period = "month"
        self.by = "group"
        self.result: reports.Report | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="report-title")
        yield DataTable(id="kpis", cursor_type="row")
        yield Static("", id="report-chart")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("KPIs")
        self.query_one(DataTable).focus()
        self.load()

    def load(self) -> None:
        today = self.desk.clock().astimezone().date()
        start, end = period_dates(self.period, today)
        self.query_one("#report-title", Static).update(_("Computing…"))
        self.call(
            reports.report,
            self.desk.store,
            self.by,
            start=start,
            end=end,
            now=self.desk.clock(),
            actor=self.desk.actor,
            done=self.show,
            group="report",
            exclusive=True,
        )

    def show(self, r: reports.Report) -> None:
        self.result = r
        self.query_one("#report-title", Static).update(
            Text(
                _(
                    "{period}: {start} – {end} · by {by} · times in business hours (bh) · "
                    "p period · b by · e export"
                ).format(
                    period=_(dict(PERIODS)[self.period]),
                    start=r.start.strftime("%d.%m.%Y"),
                    end=(r.end - timedelta(days=1)).strftime("%d.%m.%Y"),
                    by=_(BY_LABELS.get(r.by, r.by)),
                )
            )
        )
        table = self.query_one(DataTable)
        table.clear(columns=True)
        rows = [*r.rows, r.total]
        table.add_column(_("KPI"))
        for row in rows:
            table.add_column(Text(_(TOTAL) if row is r.total else visible_line(row.key)))
        flat = [reports.flat(row) for row in rows]
        for key, label_ in reports.COLUMNS:
            if key in ("key", "name"):
                continue
            table.add_row(_(label_), *[Text(_fmt(f[key])) for f in flat])
        top = r.rows[:12]
        chart = PairedBars(
            [row.created for row in top],
            [row.resolved for row in top],
            [row.key[:3] for row in top],
            height=5,
            first_style="bold",
            second_style="dim",
            legend=(_("created"), _("resolved")),
        )
        self.query_one("#report-chart", Static).update(chart)

    def action_period(self) -> None:
        def chosen(name: str | None) -> None:
            if name:
                self.period = name
                self.load()

        self.app.push_screen(
            PickerScreen(_("Which period?"), [Choice(k, _(v)) for k, v in PERIODS]), chosen
        )

    def action_by(self) -> None:
        def chosen(name: str | None) -> None:
            if name:
                self.by = name
                self.load()

        self.app.push_screen(
            PickerScreen(
                _("Broken down by…"), [Choice(b, _(BY_LABELS.get(b, b))) for b in reports.BY]
            ),
            chosen,
        )

    def action_export(self) -> None:
        if self.result is None:
            return
        r = self.result
        path = data_dir() / "reports" / f"kpi-{r.by}-{r.start:%Y%m%d}-{r.end:%Y%m%d}.csv"
        rows = [reports.flat(row) for row in (*r.rows, r.total)]
        self.call(
            _write_csv,
            path,
            rows,
            done=lambda p: self.notify(_("Saved {path}").format(path=p), timeout=8),
        )

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()


def _write_csv(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = [k for k in rows[0] if k != "channels"] + ["channels"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(  # names a spreadsheet would run as formulas get a leading '
                defuse_row(
                    row[h]
                    if h != "channels"
                    else ";".join(f"{k}={v}" for k, v in row["channels"].items())
                    for h in headers
                )
            )
    return path


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and 0 <= value <= 1:
        return f"{value:.0%}"
    return str(value)
