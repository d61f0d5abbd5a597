"""`helpdesk import|export customers|contacts|assets`: CSV in and out (see
`services/customer_csv.py` for the columns and the keys)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from helpdesk_tui.cli.common import ctx_obj, print_json, say
from helpdesk_tui.domain.csv_rows import KINDS
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.i18n import N_, _, n_
from helpdesk_tui.services import customer_csv
from helpdesk_tui.services.customer_csv import BadRows, ImportReport

KIND = typer.Argument(..., help=N_("customers, contacts or assets"))
AS = typer.Option(None, "--as", help=N_("Act as this agent login."))
# The kinds as people read them (the values on the command line and in JSON stay English).
KIND_LABELS = {
    "customers": N_("customers"),
    "contacts": N_("contacts"),
    "assets": N_("assets"),
}


def _kind(kind: str) -> str:
    value = kind.strip().lower()
    if value not in KINDS:
        raise Invalid(
            _("unknown kind {kind}: use {kinds}").format(kind=repr(kind), kinds=", ".join(KINDS))
        )
    return value


def import_(
    ctx: typer.Context,
    kind: str = KIND,
    file: str = typer.Argument(..., help=N_("The CSV file (UTF-8, a header row), or - for stdin.")),
    dry_run: bool = typer.Option(
        False, "--dry-run", help=N_("Say what would change; write nothing.")
    ),
    skip_bad: bool = typer.Option(
        False, "--skip-bad", help=N_("Import the good rows even when some are bad.")
    ),
    login: str | None = AS,
    as_json: bool = typer.Option(False, "--json", help=N_("Print the report as JSON.")),
) -> None:
    """Create or update customers (by code), contacts (by customer and e-mail, or phone)
    or assets (by tag) from CSV. Any bad row stops the import unless --skip-bad."""
    kind = _kind(kind)
    data = _read(file)
    c = ctx_obj(ctx)
    try:
        report = customer_csv.import_csv(
            c.store(), c.actor(login), kind, data, dry_run=dry_run, skip_bad=skip_bad
        )
    except BadRows as exc:
        _print(exc.report, as_json)
        raise
    _print(report, as_json)
    if report.bad and not skip_bad:  # a dry run: the real one would stop
        n = len(report.bad)
        raise Invalid(
            n_(
                "{n} bad row: the import would write nothing (--skip-bad imports the others)",
                "{n} bad rows: the import would write nothing (--skip-bad imports the others)",
                n,
            ).format(n=n)
        )


def export(
    ctx: typer.Context,
    kind: str = KIND,
    output: str | None = typer.Option(
        None, "--output", "-o", help=N_("Write to this file instead of stdout.")
    ),
    login: str | None = AS,
) -> None:
    """Every customer, contact or asset as CSV, in the columns import reads."""
    kind = _kind(kind)
    c = ctx_obj(ctx)
    store, actor = c.store(), c.actor(login)
    if output is None:
        customer_csv.export_csv(store, actor, kind, sys.stdout)
        return
    path = Path(output)
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            rows = customer_csv.export_csv(store, actor, kind, fh)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise Invalid(
            _("{path}: cannot write: {error}").format(path=output, error=exc.strerror)
        ) from None
    say(
        _("{n} {kind} written to {path}").format(n=rows, kind=_label(kind), path=output),
        err=True,
    )


def _label(kind: str) -> str:
    """A kind (customers, contacts, assets) in the language in force."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def _read(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as exc:
        raise Invalid(
            _("{path}: cannot read: {error}").format(path=file, error=exc.strerror)
        ) from None


def _print(report: ImportReport, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "kind": report.kind,
                "dry_run": report.dry_run,
                "written": report.written,
                "created": report.count("created"),
                "updated": report.count("updated"),
                "unchanged": report.count("unchanged"),
                "bad": [{"row": b.number, "reason": b.reason} for b in report.bad],
                "rows": [
                    {"row": o.row, "action": o.action, "key": o.key, "fields": list(o.fields)}
                    for o in report.outcomes
                    if o.action != "unchanged"
                ],
            }
        )
    else:
        would = report.dry_run or not report.written
        for o in report.outcomes:
            if o.action == "unchanged" or not report.dry_run:
                continue
            line = {
                "created": _("row {row}: would create {key}{fields}"),
                "updated": _("row {row}: would update {key}{fields}"),
            }[o.action]
            fields = f" ({', '.join(o.fields)})" if o.fields else ""
            say(line.format(row=o.row, key=o.key, fields=fields))
        summary = (
            _(
                "{kind}: {created} would be created, {updated} would be updated, "
                "{unchanged} unchanged"
            )
            if would
            else _("{kind}: {created} created, {updated} updated, {unchanged} unchanged")
        ).format(
            kind=_label(report.kind),
            created=report.count("created"),
            updated=report.count("updated"),
            unchanged=report.count("unchanged"),
        )
        if report.bad:
            bad = _("; {n} bad (skipped)") if report.written else _("; {n} bad")
            summary += bad.format(n=len(report.bad))
        if report.dry_run:
            summary += _(" — dry run, nothing written")
        say(summary)
    for bad in report.bad:
        say(bad.line(), err=True)


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("export")(export)
