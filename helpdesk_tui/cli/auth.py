"""Passwords, deactivating agents, and the audit: `helpdesk agent passwd|deactivate|activate`
and `helpdesk audit refusals|agents`.

A password is never an argument (it would sit in the shell's history and in `ps`): it is
asked twice without echo on a terminal, or read from the first line of standard input with
`--stdin`. The login password comes from HELPDESK_PASSWORD or the terminal (`Context.actor`).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import typer

from helpdesk_tui.cli.common import ask_secret, ctx_obj, print_json, print_table, say
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.query import duration_seconds, parse_day
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.services import agents, auth, refusals

audit_app = typer.Typer(help=N_("The audit: refusals and changes to agents."), no_args_is_help=True)

AS = typer.Option(None, "--as", help=N_("Act as this agent login."))
JSON = typer.Option(False, "--json", help=N_("Print JSON."))
SINCE = typer.Option(
    None, "--since", help=N_("From a day (2026-11-01, today, -7d) or a time ago (30m, 4h, 2d).")
)


def register(agent_app: typer.Typer) -> None:
    agent_app.command("passwd")(passwd)
    agent_app.command("deactivate")(deactivate)
    agent_app.command("activate")(activate)


def passwd(
    ctx: typer.Context,
    login: str = typer.Argument(..., help=N_("Whose password.")),
    from_stdin: bool = typer.Option(
        False, "--stdin", help=N_("Read the new password from the first line of standard input.")
    ),
    actor_login: str | None = AS,
) -> None:
    """Set an agent's password: your own (after the current one), or anybody's as an admin.
    While no admin has a password, an admin's is set without logging in. Once any agent has
    a password, the store asks every agent for theirs."""
    c = ctx_obj(ctx)
    store = c.store()
    if auth.first_password_for(store, login):
        auth.set_first_password(store, login, _new_password(login, from_stdin))
        say(
            _(
                "{login}'s password is set; this store now asks every agent for their password"
            ).format(login=login)
        )
        return
    actor = c.actor(actor_login)  # on a shared store: logged in, with the current password
    current = c.given_password(login) if actor.login == login else None
    auth.set_password(store, actor, login, _new_password(login, from_stdin), current=current)
    say(_("{login}'s password is set").format(login=login))


def _new_password(login: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise Invalid(_("no password on standard input (one line is read)"))
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Invalid(_("no terminal to ask for the new password: pipe it in with --stdin"))
    first = ask_secret(_("New password for {login}: ").format(login=login))
    auth.check_policy(first, login)  # say so before asking again
    if ask_secret(_("The same again: ")) != first:
        raise Invalid(_("the two passwords differ; nothing was changed"))
    return first


def deactivate(ctx: typer.Context, login: str = typer.Argument(...), actor_login: str | None = AS):
    """An inactive agent can do nothing, in every open terminal from their next action on
    (admins). Their tickets stay where they are: move them from the board."""
    c = ctx_obj(ctx)
    agents.set_active(c.store(), c.actor(actor_login), login, False)
    say(_("{login} is inactive and can do nothing").format(login=login))


def activate(ctx: typer.Context, login: str = typer.Argument(...), actor_login: str | None = AS):
    """Make an inactive agent active again (admins)."""
    c = ctx_obj(ctx)
    agents.set_active(c.store(), c.actor(actor_login), login, True)
    say(_("{login} is active again").format(login=login))


@audit_app.command("refusals")
def audit_refusals(
    ctx: typer.Context,
    agent: str | None = typer.Option(None, "--agent", help=N_("Only this login's.")),
    since: str | None = SINCE,
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    as_json: bool = JSON,
    actor_login: str | None = AS,
) -> None:
    """What the desk refused, and which logins failed, newest first (supervisors, admins)."""
    c = ctx_obj(ctx)
    rows = refusals.list_refusals(
        c.store(), c.actor(actor_login), who=agent, since=since_instant(since), limit=limit
    )
    headers = ("at", "login", "role", "action", "ticket", "reason")
    data = [(r.at, r.login, r.role, r.action, r.ticket, r.reason) for r in rows]
    if as_json:
        print_json([dict(zip(headers, row, strict=True)) for row in data])
    else:
        print_table(headers, data)


@audit_app.command("agents")
def audit_agents(
    ctx: typer.Context,
    agent: str | None = typer.Option(None, "--agent", help=N_("Only changes to this login.")),
    since: str | None = SINCE,
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    as_json: bool = JSON,
    actor_login: str | None = AS,
) -> None:
    """Agents activated, deactivated, given a password or put on/off shift, and by whom."""
    c = ctx_obj(ctx)
    rows = agents.list_changes(
        c.store(), c.actor(actor_login), who=agent, since=since_instant(since), limit=limit
    )
    headers = ("at", "agent", "by", "what", "text")
    data = [(r.at, r.login, r.by or _("(store owner)"), r.kind, r.detail) for r in rows]
    if as_json:
        print_json([dict(zip(headers, row, strict=True)) for row in data])
    else:
        print_table(headers, data)


def since_instant(text: str | None, now: datetime | None = None) -> datetime | None:
    """`--since`: a local day (its midnight), or a duration back from now."""
    if text is None:
        return None
    now = now or datetime.now(UTC)
    try:
        seconds = duration_seconds(text)
    except ValueError:
        pass
    else:
        return now - timedelta(seconds=abs(seconds))
    try:
        day = parse_day(text, now.astimezone().date())
    except ValueError:
        raise Invalid(
            _(
                "--since {value}: give a day (2026-11-01, today, -7d) or a time ago (30m, 4h, 2d)"
            ).format(value=repr(text))
        ) from None
    return datetime(day.year, day.month, day.day).astimezone()
