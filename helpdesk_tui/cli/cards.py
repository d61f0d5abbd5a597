"""`helpdesk customer|asset|vendor show …`: the cards of the application, for scripts and
people at a shell (the same services as the screens)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import typer

from helpdesk_tui.cli.common import ctx_obj, print_json, print_table, say
from helpdesk_tui.i18n import N_, _, n_, pgettext
from helpdesk_tui.services import cards, vendors

AS = typer.Option(None, "--as", help=N_("Act as this agent login."))
JSON = typer.Option(False, "--json", help=N_("Print JSON."))
LIMIT = typer.Option(cards.PAGE, "--limit", "-n", help=N_("Tickets of the history to show."))

customer_app = typer.Typer(help=N_("Customers: their card."), no_args_is_help=True)
asset_app = typer.Typer(help=N_("Assets: their card."), no_args_is_help=True)
vendor_app = typer.Typer(help=N_("Vendors (line 4): their card."), no_args_is_help=True)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _history(page: cards.HistoryPage) -> None:
    print_table(
        ("key", "created", "status", "pri", "service", "subject"),
        [(r.key, r.created_at, r.status, r.priority, r.service, r.subject) for r in page.rows],
        title=_("Tickets, newest first"),
    )


@customer_app.command("show")
def customer_show(
    ctx: typer.Context, code: str, limit: int = LIMIT, login: str | None = AS, as_json: bool = JSON
) -> None:
    """A customer's contracts, sites, contacts, assets and latest tickets with the record."""
    c = ctx_obj(ctx)
    card = cards.customer_card(c.store(), c.actor(login), code, page=limit)
    if as_json:
        data = _plain(asdict(card))
        data["record"]["within_sla"] = card.record.within_sla
        print_json(data)
        return
    say(f"{card.name} ({card.code}) · {card.segment or '—'} · {card.language}")
    say(_("Tickets: {record}").format(record=card.record.line()))
    print_table(
        ("contract", "plan", "from", "to", "state", "services"),
        [
            (
                x.code,
                x.plan,
                x.valid_from.isoformat(),
                x.valid_to and x.valid_to.isoformat(),
                x.state,
                ", ".join(x.services) or _("every service"),
            )
            for x in card.contracts
        ],
        title=_("Contracts"),
        labels={"from": pgettext("validity", "from"), "to": pgettext("validity", "to")},
    )
    print_table(
        ("tag", "name", "model", "serial", "site", "warranty to", "contract to"),
        [
            (
                a.tag,
                a.name,
                a.model,
                a.serial,
                a.site,
                a.warranty_end and a.warranty_end.isoformat(),
                a.contract_end and a.contract_end.isoformat(),
            )
            for a in card.assets
        ],
        title=_("Assets ({shown} of {total})").format(
            shown=len(card.assets), total=card.assets_total
        ),
    )
    _history(card.history)


@asset_app.command("show")
def asset_show(
    ctx: typer.Context, tag: str, limit: int = LIMIT, login: str | None = AS, as_json: bool = JSON
) -> None:
    """An asset and its latest incidents (`-n 10`: the last ten)."""
    c = ctx_obj(ctx)
    card = cards.asset_card(c.store(), c.actor(login), tag, page=limit)
    if as_json:
        print_json(_plain(asdict(card)))
        return
    say(
        _("{name} ({tag}) · {model} · serial {serial}").format(
            name=card.name, tag=card.tag, model=card.model or "—", serial=card.serial or "—"
        )
    )
    say(
        _("{customer} · {site} · warranty to {warranty} · contract to {contract}").format(
            customer=card.customer_name,
            site=card.site_name or card.site or "—",
            warranty=card.warranty_end or "—",
            contract=card.contract_end or "—",
        )
    )
    say(_("Tickets: {record}").format(record=card.record.line()))
    _history(card.history)


@vendor_app.command("show")
def vendor_show(
    ctx: typer.Context, code: str, limit: int = LIMIT, login: str | None = AS, as_json: bool = JSON
) -> None:
    """A vendor's cases, newest first, and the promises they let pass."""
    c = ctx_obj(ctx)
    card = vendors.vendor_card(c.store(), c.actor(login), code, page=limit)
    if as_json:
        print_json(_plain(asdict(card)))
        return
    cases = n_("{n} case", "{n} cases", card.cases_total).format(n=card.cases_total)
    late = n_("{n} promise passed", "{n} promises passed", card.late_total).format(
        n=card.late_total
    )
    say(
        _("{name} ({code}, {line}): {cases}, {open} open, {late}").format(
            name=card.name,
            code=card.code,
            line=card.line,
            cases=cases,
            open=card.cases_open,
            late=late,
        )
    )
    print_table(
        ("key", "case", "promised", "closed", "late", "status", "subject"),
        [
            (r.key, r.case, r.promised_at, r.closed_at, r.late, r.status, r.subject)
            for r in card.cases
        ],
        title=_("Cases, newest first"),
    )
