"""Setting a desk up: config, init, demo, schema upgrades, reference data, the SLA tick."""

from __future__ import annotations

from pathlib import Path

import typer

from helpdesk_tui.cli.common import ctx_obj, print_json, print_table, say
from helpdesk_tui.config import demo_db_path, redact, source_label
from helpdesk_tui.i18n import N_, _, n_
from helpdesk_tui.services import setup
from helpdesk_tui.store import schema

db_app = typer.Typer(help=N_("The database schema."), no_args_is_help=True)
data_app = typer.Typer(help=N_("Reference data (data/*.toml)."), no_args_is_help=True)
sla_app = typer.Typer(help=N_("SLA clocks."), no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("config")(config)
    app.command("init")(init)
    app.command("demo")(demo)


def config(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show the settings in force and where each came from."""
    s = ctx_obj(ctx).settings
    rows = [
        ("database", redact(s.db_url), s.db.source),
        ("agent (--as)", s.login.value or "—", s.login.source),
        ("language", s.lang.value, s.lang.source),
        ("config file", str(s.config_path), "exists" if s.config_path.exists() else "absent"),
        ("data directory", str(s.data_dir), "platformdirs"),
        ("reference data", str(setup.reference_dir()), "package"),
    ]
    rows += [
        (
            f"key {k.key}",
            " ".join(k.argv) if k.kind == "run" else f"{k.kind} {k.target}",
            "[user_keys]",
        )
        for k in s.user_keys
    ]
    if as_json:
        print_json({name: {"value": value, "source": src} for name, value, src in rows})
    else:
        labels = {
            "database": _("database"),
            "agent (--as)": _("agent (--as)"),
            "language": _("language"),
            "config file": _("config file"),
            "data directory": _("data directory"),
            "reference data": _("reference data"),
        }
        labels |= {f"key {k.key}": _("key {key}").format(key=k.key) for k in s.user_keys}
        froms = {"exists": _("exists"), "absent": _("absent")}
        print_table(
            ("setting", "value", "from"),
            [(labels.get(n, n), v, froms.get(f) or source_label(f)) for n, v, f in rows],
        )


def init(
    ctx: typer.Context,
    data: Path | None = typer.Option(None, "--data", help=N_("Reference data directory.")),
) -> None:
    """Create or upgrade the store and load the reference data; no demo tickets."""
    c = ctx_obj(ctx)
    store = c.store(migrate=False)
    c.admin_for("desk.upgrade", store)
    c.admin_for("desk.load_data", store)
    report = setup.init_store(store, data)
    say(
        _(
            "store ready at {url}: schema {schema}, {changes} reference records created or updated"
        ).format(url=redact(store.url), schema=schema.head_revision(), changes=report.changes)
    )


def demo(
    ctx: typer.Context,
    tickets: int = typer.Option(300, "--tickets", min=0, max=5_000_000, help=N_("How many.")),
    seed: int = typer.Option(7, "--seed", help=N_("Random seed for the generated world.")),
    open_app: bool = typer.Option(True, "--open/--no-open", help=N_("Open the application.")),
    fresh: bool = typer.Option(False, "--fresh", help=N_("Start the demo store over.")),
    login: str | None = typer.Option(
        None,
        "--as",
        help=N_("Open as this agent (default: the dispatcher ivanova; morozov is a supervisor)."),
    ),
) -> None:
    """A demo service desk: its own store, reference data, N generated tickets, then the app."""
    from helpdesk_tui.cli.run import run_app
    from helpdesk_tui.services import demo as demo_service

    c = ctx_obj(ctx)
    if c.db is None:
        path = demo_db_path()
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        c.db = str(path)
        c._settings = None
    store = c.store(migrate=False)
    c.admin_for("desk.load_data", store)  # a demo on a shared store: its admin's doing
    setup.init_store(store)
    have = setup.ticket_count(store)
    if have < tickets:
        demo_service.generate(store, tickets - have, seed=seed + have, progress=True)
    count = setup.ticket_count(store)
    say(
        n_("demo store {url}: {n} ticket", "demo store {url}: {n} tickets", count).format(
            url=redact(store.url), n=f"{count:,}"
        )
    )
    if open_app:
        if login or not c.settings.login.value:
            c.login = login or demo_service.DEMO_LOGIN
            c._settings = None
        run_app(c)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Bring the schema to the current version (never loses data)."""
    c = ctx_obj(ctx)
    store = c.store(migrate=False)
    before, after = setup.upgrade(store, actor=c.admin_for("desk.upgrade", store))
    if before == after:
        say(_("schema already at {version}").format(version=after))
    else:
        say(
            _("schema upgraded from {before} to {after}").format(
                before=before or _("empty"), after=after
            )
        )
    _warn_upkeep(store)


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Show the schema version of the store and the version this helpdesk needs."""
    store = ctx_obj(ctx).store(migrate=False)
    current = schema.current_revision(store)
    head = schema.head_revision()
    say(
        _("store: {current}; this helpdesk: {head}").format(
            current=current or _("empty"), head=head
        )
        + ("" if current == head else _(" — run `helpdesk db upgrade`"))
    )
    _warn_upkeep(store)


def _warn_upkeep(store) -> None:
    for warning in setup.upkeep_warnings(store):
        say(_("warning: {warning}").format(warning=warning), err=True)


@data_app.command("load")
def data_load(
    ctx: typer.Context,
    directory: Path | None = typer.Argument(
        None, help=N_("Directory of TOML files (default data/).")
    ),
    as_json: bool = typer.Option(False, "--json"),
    overwrite_edited: bool = typer.Option(
        False,
        "--overwrite-edited",
        help=N_("Also replace templates and articles edited in the application (kept otherwise)."),
    ),
) -> None:
    """Apply the reference data files to the store, creating or updating by key."""
    c = ctx_obj(ctx)
    store = c.store()
    report = setup.load_data(
        store,
        directory or setup.reference_dir(),
        actor=c.admin_for("desk.load_data", store),
        overwrite_edited=overwrite_edited,
    )
    rows = report.rows()
    heads = ("kind", "created", "updated", "unchanged", "kept")
    if as_json:
        print_json([dict(zip(heads, r, strict=True)) for r in rows])
        return
    print_table(heads, rows)
    say(
        _("nothing changed")
        if report.changes == 0
        else n_("{n} record changed", "{n} records changed", report.changes).format(
            n=report.changes
        )
    )
    if report.kept:
        say(
            _(
                "{n} edited in the application and kept "
                "(--overwrite-edited puts the files' version back)"
            ).format(n=sum(report.kept.values()))
        )


@sla_app.command("tick")
def sla_tick(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Record at-risk and breach events and close resolved tickets nobody answered."""
    from helpdesk_tui.services.sla_tick import tick

    report = tick(ctx_obj(ctx).store())
    if as_json:
        print_json(
            {
                "at_risk": report.at_risk,
                "breached": report.breached,
                "closed": report.closed,
                "rules": report.rules,
                "vendor_late": report.vendor_late,
            }
        )
    else:
        text = _("at risk: {at_risk}, breached: {breached}, closed: {closed}").format(
            at_risk=report.at_risk, breached=report.breached, closed=report.closed
        )
        if report.vendor_late:
            text += _(", vendor promises passed: {n}").format(n=report.vendor_late)
        if report.rules:
            text += _(", idle rules fired: {n}").format(n=report.rules)
        say(text)
