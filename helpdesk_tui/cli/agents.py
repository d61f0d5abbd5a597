"""Agents and the service catalog, for people and scripts."""

from __future__ import annotations

import typer

from helpdesk_tui.cli.common import ctx_obj, print_csv, print_json, print_table, say
from helpdesk_tui.i18n import N_, _, localized
from helpdesk_tui.services import agents
from helpdesk_tui.services.catalog import catalog

app = typer.Typer(help=N_("Agents."), no_args_is_help=True)
service_app = typer.Typer(help=N_("The service catalog."), no_args_is_help=True)


@app.command("list")
def agent_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    as_csv: bool = typer.Option(False, "--csv"),
) -> None:
    """Agents with their role, groups, skills, shift and open load."""
    c = ctx_obj(ctx)
    c.logged_in()
    rows = agents.list_agents(c.store())
    headers = ("login", "name", "role", "groups", "skills", "on_shift", "active", "load")
    data = [
        (
            a.login,
            a.name,
            a.role,
            ",".join(a.groups),
            ",".join(a.skills),
            a.on_shift,
            a.active,
            a.load,
        )
        for a in rows
    ]
    if as_json:
        print_json([dict(zip(headers, row, strict=True)) for row in data])
    elif as_csv:
        print_csv(headers, data)
    else:
        print_table(headers, data)


@app.command("shift")
def agent_shift(
    ctx: typer.Context,
    login: str = typer.Argument(..., help=N_("The agent.")),
    state: str = typer.Argument(..., help=N_("on or off")),
    actor_login: str | None = typer.Option(None, "--as"),
) -> None:
    """Mark an agent on or off shift (auto-assignment offers work only to agents on shift)."""
    if state not in ("on", "off"):
        raise typer.BadParameter(_("say on or off"), param_hint="STATE")
    c = ctx_obj(ctx)
    agents.set_on_shift(c.store(), c.actor(actor_login), login, state == "on")
    say(
        (_("{login} is on shift") if state == "on" else _("{login} is off shift")).format(
            login=login
        )
    )


@service_app.command("list")
def service_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """The catalog: services, their default group and categories."""
    context = ctx_obj(ctx)
    context.logged_in()
    cat = catalog(context.store())
    rows = [
        (
            s.code,
            localized(s),
            cat.groups[s.group_id].code,
            s.skill,
            ",".join(c.code for c in s.categories),
        )
        for s in sorted(cat.services.values(), key=lambda s: s.code)
    ]
    headers = ("code", "name", "group", "skill", "categories")
    if as_json:
        print_json([dict(zip(headers, r, strict=True)) for r in rows])
    else:
        print_table(headers, rows)
