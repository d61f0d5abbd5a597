"""`helpdesk macro …`: the macros of data/macros.toml, listed and run on tickets."""

from __future__ import annotations

import sys

import typer

from helpdesk_tui.cli.common import ctx_obj, print_json, print_table, say
from helpdesk_tui.i18n import N_
from helpdesk_tui.services import bulk, macros

app = typer.Typer(help=N_("Macros: named sequences of ticket actions."), no_args_is_help=True)

AS = typer.Option(None, "--as", help=N_("Act as this agent login."))


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every macro with its steps."""
    found = macros.list_macros(ctx_obj(ctx).store())
    if as_json:
        print_json([m.as_json() for m in found])
        return
    print_table(
        ("code", "name", "steps"),
        [(m.code, m.name, " → ".join(s.describe() for s in m.steps)) for m in found],
    )


@app.command("run")
def run(
    ctx: typer.Context,
    code: str = typer.Argument(..., help=N_("The macro's code (helpdesk macro list).")),
    keys: list[str] = typer.Argument(..., help=N_("Ticket keys, or - to read them from stdin.")),
    login: str | None = AS,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Run a macro on tickets: each step its own audited change; a ticket stops at its
    first refused step, the others go on. Exit status 1 if any stopped."""
    c = ctx_obj(ctx)
    wanted = bulk.parse_keys(sys.stdin if keys == ["-"] else keys)
    actor = c.actor(login)

    def each(o: macros.StepOutcome) -> None:
        if not as_json:
            say(o.message if o.ok else f"{o.key}: {o.step}: {o.message}", err=not o.ok)

    result = macros.run(c.store(), actor, code, wanted, progress=each)
    if as_json:
        print_json([o.__dict__ for o in result.outcomes])
    else:
        say(result.summary(), err=True)
    if result.tickets_failed:
        raise typer.Exit(1)
