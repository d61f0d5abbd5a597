"""`helpdesk kb search|show`: the knowledge base from the command line (as the agent
`--as` names, who sees what their groups may see)."""

from __future__ import annotations

from dataclasses import asdict

import typer

from helpdesk_tui.cli.common import console, ctx_obj, print_json, print_table, say
from helpdesk_tui.domain.text import visible
from helpdesk_tui.i18n import N_, _, n_
from helpdesk_tui.services import knowledge

app = typer.Typer(help=N_("The knowledge base."), no_args_is_help=True)


@app.command("search")
def kb_search(
    ctx: typer.Context,
    query: str = typer.Argument("", help=N_('Words, "a phrase", -excluded, or between words.')),
    service: str | None = typer.Option(None, "--service", help=N_("Only this service's articles.")),
    language: str | None = typer.Option(None, "--lang", help=N_("en or ru")),
    limit: int = typer.Option(20, "--limit", min=1, max=500),
    as_json: bool = typer.Option(False, "--json"),
    login: str | None = typer.Option(None, "--as"),
) -> None:
    """Articles matching QUERY, best first (the most used first without one)."""
    c = ctx_obj(ctx)
    result = knowledge.search(
        c.store(), c.actor(login), query, limit=limit, service=service, language=language
    )
    if as_json:
        print_json({"total": result.total, "hits": [asdict(h) for h in result.hits]})
        return
    print_table(
        ("slug", "name", "lang", "used", "excerpt"),
        [(h.slug, h.title, h.language, h.use_count, h.excerpt) for h in result.hits],
        optional=("excerpt", "lang", "used"),
    )
    if query.strip():
        found = n_("{n} matching", "{n} matching", result.total)
    else:
        found = n_("{n} article", "{n} articles", result.total)
    say(found.format(n=result.total))


@app.command("show")
def kb_show(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help=N_("The article's slug (see `helpdesk kb search`).")),
    as_json: bool = typer.Option(False, "--json"),
    login: str | None = typer.Option(None, "--as"),
) -> None:
    """One article: its Markdown text and the tickets it is linked to."""
    c = ctx_obj(ctx)
    view = knowledge.get(c.store(), c.actor(login), slug)
    if as_json:
        print_json(asdict(view))
        return
    meta = [
        _("language {language}").format(language=view.language),
        n_("used on {n} ticket", "used on {n} tickets", view.use_count).format(n=view.use_count),
        _("services {services}").format(services=", ".join(view.services) or _("all")),
        _("visible to {groups}").format(groups=", ".join(view.groups) or _("everybody")),
    ]
    say(view.title)
    say(" · ".join(meta))
    console.print()
    console.out(visible(view.body), highlight=False)  # plain text, never markup
    if view.tickets:
        console.print()
        print_table(
            ("ticket", "link", "status", "subject"),
            [(t.key, t.kind, t.status, t.subject) for t in view.tickets],
        )
