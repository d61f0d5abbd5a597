"""`helpdesk report`: the KPIs for a period, as a table, CSV or JSON."""

from __future__ import annotations

import typer

from helpdesk_tui.cli.common import ctx_obj, print_csv, print_json, print_table, say
from helpdesk_tui.i18n import N_, _, format_date
from helpdesk_tui.services import reports


def report(
    ctx: typer.Context,
    start: str | None = typer.Option(
        None, "--from", help=N_("First day, YYYY-MM-DD (default: the 1st of this month).")
    ),
    end: str | None = typer.Option(
        None, "--to", help=N_("Day after the last, YYYY-MM-DD (default: tomorrow).")
    ),
    by: str = typer.Option("group", "--by", help=N_("line, group, agent, service or customer.")),
    fmt: str = typer.Option("table", "--format", help=N_("table, csv or json.")),
    login: str | None = typer.Option(None, "--as", help=N_("Act as this agent login.")),
) -> None:
    """First-contact resolution, response and resolution times, SLA shares, reopen rate,
    satisfaction, handling time and volume — computed in the store. Supervisors and admins."""
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter(_("table, csv or json"), param_hint="--format")
    c = ctx_obj(ctx)
    r = reports.report(c.store(), by, start=start, end=end, actor=c.actor(login))
    rows = [reports.flat(row) for row in (*r.rows, r.total)]
    if fmt == "json":
        print_json(
            {
                "from": r.start.isoformat(),
                "to": r.end.isoformat(),
                "by": r.by,
                "timezone": r.timezone,
                "rows": rows[:-1],
                "total": rows[-1],
            }
        )
        return
    if fmt == "csv":
        headers = [k for k in rows[0] if k != "channels"] + ["channels"]
        print_csv(
            headers,
            [
                [
                    row[h]
                    if h != "channels"
                    else ";".join(f"{k}={v}" for k, v in row["channels"].items())
                    for h in headers
                ]
                for row in rows
            ],
        )
        return
    say(
        _(
            "{start} … {end} (to exclusive, {timezone}), by {by}; times in business hours (bh)"
        ).format(start=format_date(r.start), end=format_date(r.end), timezone=r.timezone, by=r.by)
    )
    # KPIs down, the groups (or lines, agents…) across: reads well in any terminal width
    print_table(
        ["KPI", *[str(row["key"]) for row in rows[:-1]], "all"],
        [
            [_(label), *[_cell(row[key]) for row in rows]]
            for key, label in reports.COLUMNS
            if key not in ("key", "name")
        ],
    )


def _cell(value: object) -> object:
    if isinstance(value, float) and value <= 1 and value >= 0:
        return f"{value:.0%}" if value != int(value) or value in (0, 1) else value
    return value
