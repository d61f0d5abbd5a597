"""`helpdesk rule …`: the automation rules of data/rules.toml, listed and tried."""

from __future__ import annotations

import typer

from helpdesk_tui.cli.common import ctx_obj, print_json, print_table, say
from helpdesk_tui.domain.sla import format_duration
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.services import automation

app = typer.Typer(help=N_("Automation rules: when, if, then."), no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every rule in firing order, with a problem its query has against this store."""
    store = ctx_obj(ctx).store()
    found = automation.list_rules(store)
    problems = {r.code: automation.problem(store, r) for r in found}
    if as_json:
        print_json([{**r.as_json(), "problem": problems[r.code]} for r in found])
        return

    def when(r) -> str:
        text = ", ".join(sorted(r.when))
        return f"{text} {format_duration(r.after_s)}" if r.is_timed else text

    print_table(
        ("code", "when", "if", "then", "state"),
        [
            (
                r.code,
                when(r),
                r.query or _("(any ticket)"),
                " → ".join(a.describe() for a in r.actions),
                problems[r.code] or (_("on") if r.enabled else _("off")),
            )
            for r in found
        ],
    )


@app.command("test")
def test(
    ctx: typer.Context,
    code: str = typer.Argument(..., help=N_("The rule's code (helpdesk rule list).")),
    key: str = typer.Argument(..., help=N_("A ticket key: HD-1042.")),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """A dry run: would the rule match the ticket now, and what would it do? Its actions
    run and are rolled back, so refusals show as they would. Nothing is written. Exit
    status 1 when it does not match or would fail."""
    firing = automation.test(ctx_obj(ctx).store(), code, key)
    if as_json:
        print_json(firing.__dict__)
    else:
        say(
            _("{key} matches {rule}: {actions}").format(
                key=firing.key, rule=firing.rule, actions=firing.describe()
            )
            if firing.matched
            else firing.describe()
        )
    if not (firing.matched and firing.ok):
        raise typer.Exit(1)
