"""`helpdesk`: the application, and a subcommand for every action a script needs.

Bad input ends with one line on stderr (`helpdesk: …`) and exit code 2; nothing is half
written because every service call is one transaction. An unexpected failure prints one
line too; its traceback goes to `<data dir>/crash.log` (or to the terminal with
HELPDESK_DEBUG=1).
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime

import typer

try:  # typer ≥ 0.23 vendors click; older ones use the click package
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc

from helpdesk_tui import startup
from helpdesk_tui.cli.common import Context, ctx_obj
from helpdesk_tui.cli.lang import choose_language, localize_help
from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.i18n import N_, _


def _root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", help=N_("Database: a SQLite path or postgresql://… (or HELPDESK_DB).")
    ),
    login: str | None = typer.Option(
        None,
        "--as",
        help=N_("Act as this agent login (or HELPDESK_AS, or `login` in config)."),
    ),
    lang: str | None = typer.Option(
        None, "--lang", help=N_("ru or en (or HELPDESK_LANG, `lang` in config, LANG).")
    ),
) -> None:
    """Without a subcommand: open the application."""
    ctx.obj = Context(db=db, login=login, lang=lang)
    if ctx.invoked_subcommand is None:
        from helpdesk_tui.cli.run import run_app

        run_app(ctx_obj(ctx))


def _typer() -> typer.Typer:
    """The root command alone: its options, and the application without a subcommand."""
    root = typer.Typer(
        name="helpdesk",
        help=N_("A keyboard-driven service desk that lives in the terminal."),
        no_args_is_help=False,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    root.callback(invoke_without_command=True)(_root)
    return root


def build_app() -> typer.Typer:
    """The whole command line: the root and every subcommand (imports their modules)."""
    from helpdesk_tui.cli import (
        admin,
        agents,
        auth,
        cards,
        customers,
        kb,
        macros,
        mail,
        report,
        rules,
        serve,
        ticket,
        views,
    )

    app = _typer()
    app.add_typer(ticket.app, name="ticket")
    app.add_typer(admin.db_app, name="db")
    app.add_typer(admin.data_app, name="data")
    app.add_typer(admin.sla_app, name="sla")
    app.add_typer(agents.app, name="agent")
    auth.register(agents.app)
    app.add_typer(agents.service_app, name="service")
    app.add_typer(mail.intake_app, name="intake")
    app.add_typer(mail.outbox_app, name="outbox")
    app.add_typer(kb.app, name="kb")
    app.add_typer(views.app, name="view")
    app.add_typer(macros.app, name="macro")
    app.add_typer(rules.app, name="rule")
    app.add_typer(auth.audit_app, name="audit")
    admin.register(app)
    customers.register(app)
    app.add_typer(cards.customer_app, name="customer")
    app.add_typer(cards.asset_app, name="asset")
    app.add_typer(cards.vendor_app, name="vendor")
    app.command("report")(report.report)
    app.command("serve")(serve.serve)
    return app


ROOT_OPTIONS = ("--db", "--as", "--lang")  # each takes a value


def opens_app(args: list[str]) -> bool:
    """Whether `args` are root options only: then the application opens, and the command
    modules (mail, reports, imports…: a fifth of the start) need not be imported."""
    values = iter(args)
    for arg in values:
        if arg in ROOT_OPTIONS:
            if next(values, None) is None:
                return False
        elif not arg.startswith(tuple(f"{o}=" for o in ROOT_OPTIONS)):
            return False
    return True


def __getattr__(name: str):
    if name == "app":  # `helpdesk_tui.cli.app`: the whole command line, built on demand
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every error into one line and an exit code."""
    args = [_valid_text(a) for a in (sys.argv[1:] if argv is None else argv)]
    choose_language(args)
    if opens_app(args):
        command = typer.main.get_command(_typer())
    else:  # a command, not the application: the collector as usual (helpdesk_tui/startup.py)
        startup.as_usual()
        command = typer.main.get_command(build_app())
    localize_help(command)
    try:
        code = command.main(args=args, prog_name="helpdesk", standalone_mode=False)
    except getattr(click_exc, "NoArgsIsHelpError", ()) as exc:
        sys.stdout.write((exc.ctx.get_help() if exc.ctx else "") + "\n")
        code = 0
    except click_exc.UsageError as exc:
        hint = (
            _(" (see `{command} --help`)").format(command=exc.ctx.command_path) if exc.ctx else ""
        )
        _fail(f"{exc.format_message()}{hint}", 2)
    except typer.Abort:
        _fail(_("aborted"), 130)
    except click_exc.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except HelpdeskError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail(_("interrupted"), 130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as exc:  # the last line of defence: one line, and a log
        if os.environ.get("HELPDESK_DEBUG"):
            raise
        where = _log_crash()
        _fail(
            _("internal error: {error}: {message} (details in {where})").format(
                error=type(exc).__name__, message=exc, where=where
            ),
            1,
        )
    sys.exit(code if isinstance(code, int) else 0)


def _valid_text(arg: str) -> str:
    """An argument as text: bytes that are not UTF-8 (which Python hands over as lone
    surrogates, and no database or terminal takes) become U+FFFD."""
    return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _fail(message: str, code: int) -> None:
    first = message.strip().splitlines()[0] if message.strip() else _("error")
    sys.stderr.write(f"helpdesk: {first}\n")
    sys.exit(code)


def _log_crash() -> str:
    from helpdesk_tui.config import data_dir

    path = data_dir() / "crash.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now().isoformat()} {' '.join(sys.argv)}\n")
            fh.write(traceback.format_exc())
    except OSError:
        return _("HELPDESK_DEBUG=1 to see them")
    return str(path)
