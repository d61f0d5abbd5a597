"""`helpdesk macro …`: macros listed and run on tickets; those made in the application
written, changed and deleted (data/macros.toml's are edited in the file)."""

from __future__ import annotations

import sys

import typer

from helpdesk_tui.cli.common import ctx_obj, print_json, print_table, read_text_arg, say
from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.macros import Macro, steps_text
from helpdesk_tui.i18n import N_, _, localized
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
        ("code", "name", "steps", "source"),
        [
            (
                m.code,
                localized(m),
                " → ".join(s.describe() for s in m.steps),
                "data/macros.toml" if m.origin == "data" else _("the application"),
            )
            for m in found
        ],
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


STEP = typer.Option(
    None,
    "--step",
    "-s",
    help=N_('A step, as in data/macros.toml: --step "take = true" (repeat, in order).'),
)
STEPS_FROM = typer.Option(
    None, "--steps", help=N_("The steps one per line from this file, or - for stdin.")
)


def _steps(step: list[str] | None, steps_from: str | None) -> str | None:
    if steps_from == "-":
        return read_text_arg("-")
    if steps_from is not None:
        try:
            with open(steps_from, encoding="utf-8") as f:
                return f.read()
        except OSError as exc:
            raise Invalid(
                _("cannot read {path}: {error}").format(path=steps_from, error=exc.strerror)
            ) from None
        except UnicodeDecodeError:
            raise Invalid(_("{path} is not UTF-8 text").format(path=steps_from)) from None
    return "\n".join(step) if step else None


@app.command("add")
def add(
    ctx: typer.Context,
    code: str = typer.Argument(..., help=N_("The new macro's code: ask-cash-desk.")),
    name: str = typer.Option(..., "--name", help=N_("What agents pick it by.")),
    name_ru: str = typer.Option("", "--name-ru", help=N_("Its name in Russian.")),
    step: list[str] | None = STEP,
    steps_from: str | None = STEPS_FROM,
    login: str | None = AS,
) -> None:
    """Write a macro in the application (supervisors and admins): checked as the data
    file's are; `helpdesk data load` keeps it."""
    c = ctx_obj(ctx)
    text = _steps(step, steps_from) or ""
    row = macros.save(
        c.store(), c.actor(login), macros.MacroInput(code, name, text, name_ru), new=True
    )
    say(_("Macro {code} saved: {steps}").format(code=row.code, steps=_describe(row.macro)))


@app.command("edit")
def edit(
    ctx: typer.Context,
    code: str = typer.Argument(..., help=N_("The code of a macro made in the application.")),
    name: str | None = typer.Option(None, "--name", help=N_("A new name.")),
    name_ru: str | None = typer.Option(None, "--name-ru", help=N_("A new Russian name.")),
    step: list[str] | None = STEP,
    steps_from: str | None = STEPS_FROM,
    login: str | None = AS,
) -> None:
    """Change a macro made in the application: what is not given stays; steps given
    replace all of its steps."""
    c = ctx_obj(ctx)
    store, actor = c.store(), c.actor(login)
    row = next((r for r in macros.list_rows(store) if r.code == code and r.origin == "app"), None)
    if row is None:
        if any(m.code == code for m in macros.list_macros(store)):
            raise Invalid(
                _("macro {code!r} comes from data/macros.toml: edit it in the file").format(
                    code=code
                )
            )
        raise NotFound(_("no macro {code!r} made in the application").format(code=code))
    text = _steps(step, steps_from)
    mac = row.macro
    saved = macros.save(
        store,
        actor,
        macros.MacroInput(
            code,
            mac.name if name is None else name,
            steps_text(mac.steps) if text is None else text,
            mac.name_ru if name_ru is None else name_ru,
        ),
        new=False,
        expected_updated_at=row.updated_at,
    )
    say(_("Macro {code} saved: {steps}").format(code=saved.code, steps=_describe(saved.macro)))


@app.command("delete")
def delete(
    ctx: typer.Context,
    code: str = typer.Argument(..., help=N_("The code of a macro made in the application.")),
    login: str | None = AS,
) -> None:
    """Delete a macro made in the application (not one a rule runs)."""
    c = ctx_obj(ctx)
    gone = macros.delete(c.store(), c.actor(login), code)
    say(_("Macro {code} deleted.").format(code=gone.code))


@app.command("log")
def log(
    ctx: typer.Context,
    limit: int = typer.Option(50, "-n", help=N_("At most this many, newest first.")),
    login: str | None = AS,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Who wrote, changed and deleted which macro in the application, and when."""
    c = ctx_obj(ctx)
    entries = macros.log(c.store(), c.actor(login), limit=limit)
    if as_json:
        print_json([e.__dict__ for e in entries])
        return
    print_table(
        ("when", "who", "what", "code", "steps"),
        [
            (
                e.at[:19].replace("T", " "),
                e.by,
                e.action,
                e.code,
                _describe(Macro.from_json(e.after or e.before or {})),
            )
            for e in entries
        ],
    )


def _describe(mac: Macro) -> str:
    return " → ".join(s.describe() for s in mac.steps)
