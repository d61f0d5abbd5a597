"""`helpdesk serve`: the application in a browser (textual-serve), for a supervisor away
from a terminal.

Each browser tab runs its own `helpdesk` process as the agent who started the server, on
the same store; the server listens on 127.0.0.1 unless told otherwise. Whoever can reach
the port acts as that agent: put it behind a proxy with its own login before opening it
to a network. The command each tab runs is built from a list of arguments and quoted
(`shlex.join`), never from text typed by anyone else.
"""

from __future__ import annotations

import os
import shlex
import sys

import typer

from helpdesk_tui import i18n
from helpdesk_tui.cli.common import ctx_obj, say
from helpdesk_tui.i18n import N_, _

HOST = "127.0.0.1"
PORT = 8000


def app_command(login: str) -> str:
    """The shell command textual-serve runs for each browser tab (the store's URL goes in
    the environment, HELPDESK_DB: a password in it stays out of the process list)."""
    return shlex.join(
        [sys.executable, "-m", "helpdesk_tui", "--as", login, "--lang", i18n.language()]
    )


def serve(
    ctx: typer.Context,
    host: str = typer.Option(HOST, "--host", help=N_("Address to listen on.")),
    port: int = typer.Option(PORT, "--port", min=1, max=65535, help=N_("Port to listen on.")),
) -> None:
    """Serve the application to a browser: http://HOST:PORT (Ctrl+C stops)."""
    from textual_serve.server import Server

    c = ctx_obj(ctx)
    store = c.store()
    actor = c.actor()  # logs in now (a shared store asks for the password once, here)
    password = c.given_password(actor.login)
    if password is not None:  # each tab's process logs in with it, as this agent
        os.environ["HELPDESK_PASSWORD"] = password
    os.environ["HELPDESK_DB"] = store.url
    command = app_command(actor.login)
    say(
        _("helpdesk for {login} on http://{host}:{port} (Ctrl+C stops)").format(
            login=actor.login, host=host, port=port
        )
    )
    Server(command, host=host, port=port, title=f"helpdesk — {actor.name}").serve()
