"""`helpdesk view …`: saved views (named queries), the same ones the queue shows as tabs."""

from __future__ import annotations

import typer

from helpdesk_tui.cli.common import ctx_obj, print_json, print_table, say
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.services import views

app = typer.Typer(help=N_("Saved views: named queries, shown as queue tabs."), no_args_is_help=True)

AS = typer.Option(None, "--as", help=N_("Act as this agent login."))


@app.command("list")
def list_(
    ctx: typer.Context,
    login: str | None = AS,
    as_json: bool = typer.Option(False, "--json", help=N_("Print JSON.")),
) -> None:
    """The views you see: your own, then those shared with your groups."""
    c = ctx_obj(ctx)
    found = views.for_agent(c.store(), c.actor(login))
    if as_json:
        print_json([v.__dict__ for v in found])
        return
    print_table(
        ("name", "query", "sort", "owner", "shared with"),
        [
            (v.name, v.query, v.sort + (" ↓" if v.descending else ""), v.owner, v.group or "")
            for v in found
        ],
    )


@app.command("save")
def save(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=N_("The tab's name.")),
    query: str = typer.Argument(..., help=N_("A query: 'priority<=P2 sla:at-risk assignee:me'.")),
    sort: str = typer.Option("sla", "--sort", help=N_("sla, priority, key, created, updated, …")),
    descending: bool = typer.Option(False, "--desc", help=N_("Newest / highest first.")),
    share: str | None = typer.Option(None, "--share", help=N_("Share with this group (code).")),
    login: str | None = AS,
) -> None:
    """Save (or replace) a view; the query is checked first."""
    c = ctx_obj(ctx)
    v = views.save(
        c.store(), c.actor(login), name, query, sort=sort, descending=descending, group=share
    )
    if v.group:
        say(_("view {name} saved, shared with {group}").format(name=repr(v.name), group=v.group))
    else:
        say(_("view {name} saved").format(name=repr(v.name)))


@app.command("delete")
def delete(ctx: typer.Context, name: str, login: str | None = AS) -> None:
    """Delete one of your views (supervisors: a shared one too)."""
    c = ctx_obj(ctx)
    v = views.delete(c.store(), c.actor(login), name)
    say(_("view {name} deleted").format(name=repr(v.name)))
