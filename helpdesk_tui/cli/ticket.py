"""`helpdesk ticket …`: every ticket action, for scripts and integrations."""

from __future__ import annotations

import signal
import sys
from datetime import datetime

import typer

from helpdesk_tui.cli.common import (
    ctx_obj,
    print_csv,
    print_json,
    print_table,
    read_text_arg,
    say,
)
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.priority import parse_level
from helpdesk_tui.domain.workflow import PAUSED, parse_status
from helpdesk_tui.i18n import N_, _, format_datetime, localized, n_, pgettext
from helpdesk_tui.services import (
    auth,
    batch,
    bulk,
    escalation,
    mass_incident,
    pauses,
    plan_change,
    ticket_actions,
    ticket_views,
    views,
)
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.registration import NewContact, NewTicket, register
from helpdesk_tui.services.ticket_actions import Changed
from helpdesk_tui.services.vendor_cases import VendorTerms

app = typer.Typer(help=N_("Tickets: register, list, show and change them."), no_args_is_help=True)

AS = typer.Option(None, "--as", help=N_("Act as this agent login."))
JSON = typer.Option(False, "--json", help=N_("Print JSON."))
VERSION = typer.Option(
    None, "--if-version", help=N_("Refuse if the ticket changed since this version.")
)


def _done(result: Changed, as_json: bool, *, children: batch.BatchResult | None = None) -> None:
    if as_json:
        row = {
            "key": result.key,
            "version": result.version,
            "status": result.status,
            "assignee": result.assignee,
            "event": result.event_id,
        }
        if children is not None:  # a mass incident's: what happened to each
            row["children"] = [
                {"key": o.key, "ok": o.ok, "message": o.message} for o in children.outcomes
            ]
        print_json(row)
    else:
        say(result.message)


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            _("not an ISO 8601 date-time: {value} (like 2026-11-23T10:00+03:00)").format(
                value=repr(value)
            )
        ) from None
    if parsed.tzinfo is None:
        raise Invalid(
            _("{value} has no time zone offset (like 2026-11-23T10:00+03:00)").format(
                value=repr(value)
            )
        )
    return parsed


@app.command("new")
def new(
    ctx: typer.Context,
    subject: str = typer.Option(..., "--subject", "-s", help=N_("One line: what is wrong.")),
    service: str = typer.Option(
        ..., "--service", help=N_("Service code (`helpdesk service list`).")
    ),
    description: str = typer.Option("", "--description", "-d", help=N_("Text, or - for stdin.")),
    channel: str = typer.Option("phone", "--channel"),
    type_: str | None = typer.Option(
        None, "--type", help=N_("incident|request|question|complaint")
    ),
    category: str | None = typer.Option(None, "--category"),
    customer: str | None = typer.Option(None, "--customer", help=N_("Customer code.")),
    contact: str | None = typer.Option(
        None, "--contact", help=N_("Known contact's e-mail or phone.")
    ),
    contact_id: int | None = typer.Option(None, "--contact-id"),
    new_name: str | None = typer.Option(None, "--new-contact", help=N_("Add a caller: name.")),
    new_phone: str = typer.Option("", "--phone", help=N_("The new caller's phone.")),
    new_email: str = typer.Option("", "--email", help=N_("The new caller's e-mail.")),
    site: str | None = typer.Option(None, "--site", help=N_("The new caller's site code.")),
    asset: str | None = typer.Option(None, "--asset", help=N_("Asset tag.")),
    impact: str | None = typer.Option(None, "--impact", help=N_("1-3 or high/medium/low.")),
    urgency: str | None = typer.Option(None, "--urgency", help=N_("1-3 or high/medium/low.")),
    created_at: str | None = typer.Option(
        None, "--created-at", help=N_("ISO 8601, for back-fills.")
    ),
    checklist: list[str] = typer.Option([], "--check", help=N_("A checklist item done (repeat).")),
    tags: list[str] = typer.Option([], "--tag", help=N_("A tag (repeat).")),
    resolve: str | None = typer.Option(None, "--resolve", help=N_("Solved on first contact: how.")),
    template: str | None = typer.Option(
        None, "--template", help=N_("Template the resolution used.")
    ),
    parent: str | None = typer.Option(
        None, "--parent", help=N_("Part of this mass incident (an open ticket): resolved with it.")
    ),
    login: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Register a call: routed, deadlines set, the caller acknowledged."""
    c = ctx_obj(ctx)
    actor = c.actor(login)
    ticket = NewTicket(
        subject=subject,
        service=service,
        description=read_text_arg(description) or "",
        channel=channel,
        type=type_,
        category=category,
        customer=customer,
        contact_id=contact_id,
        contact=contact,
        new_contact=NewContact(new_name, new_phone, new_email, customer, site)
        if new_name
        else None,
        asset=asset,
        impact=parse_level(impact, "impact") if impact is not None else None,
        urgency=parse_level(urgency, "urgency") if urgency is not None else None,
        created_at=_instant(created_at),
        checklist=tuple(checklist),
        tags=tuple(tags),
        resolution=read_text_arg(resolve),
        template=template,
        link_to=parent,
        link_kind="child",
    )
    done = register(c.store(), actor, ticket)
    if as_json:
        print_json(
            ticket_views.as_json(ticket_views.show(c.store(), done.key, events=False))
            | {"warnings": list(done.warnings)}
        )
        return
    for warning in done.warnings:
        say(_("note: {warning}").format(warning=warning))
    if done.assignee:
        message = _(
            "{key} registered: P{priority}, {line}/{group}, offered to {agent}; resolve by {due}"
        )
    else:
        message = _("{key} registered: P{priority}, {line}/{group}, in the queue; resolve by {due}")
    message = message.format(
        key=done.key,
        priority=done.priority,
        line=done.line,
        group=done.group,
        agent=done.assignee,
        due=format_datetime(done.resolution_due.astimezone()),
    )
    if done.status == "resolved":
        message += _(" (resolved on first contact)")
    say(message)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: str = typer.Option("open", "--status", help=N_("open, all, or a status.")),
    group: str | None = typer.Option(None, "--group"),
    line: str | None = typer.Option(None, "--line"),
    assignee: str | None = typer.Option(None, "--assignee", help=N_("A login, me, or none.")),
    priority: str | None = typer.Option(None, "--priority"),
    service: str | None = typer.Option(None, "--service"),
    customer: str | None = typer.Option(None, "--customer"),
    limit: int = typer.Option(50, "--limit"),
    where: str = typer.Option(
        "",
        "--where",
        "-w",
        help=N_(
            "A query: 'status:open priority<=P2 "
            "sla:at-risk age>4h assignee:me' (see `helpdesk query --help`)."
        ),
    ),
    view: str | None = typer.Option(
        None, "--view", help=N_("A saved view's query (combined with --where).")
    ),
    keys: bool = typer.Option(False, "--keys", help=N_("Print only the keys, one per line.")),
    login: str | None = AS,
    as_json: bool = JSON,
    as_csv: bool = typer.Option(False, "--csv"),
) -> None:
    """Tickets, nearest SLA deadline first."""
    c = ctx_obj(ctx)
    c.logged_in(login)  # a shared store shows its tickets to agents who logged in
    if view is not None:
        saved = views.find(c.store(), c.actor(login), view)
        query = views.as_listed(saved)  # open tickets unless the view names statuses
        where = f"({query}) ({where})" if where.strip() else query
    needs_me = view is not None or assignee == "me" or "assignee:me" in where.replace(" ", "")
    actor = c.actor(login) if needs_me else None
    flt = ticket_views.ListFilter(
        status, group, line, assignee, priority, service, customer, limit, where
    )
    rows = ticket_views.list_tickets(c.store(), actor, flt)
    if keys:
        for t in rows:
            print(t.key)
        return
    if as_json:
        print_json([ticket_views.as_json(t) for t in rows])
        return
    headers = (
        "key",
        "priority",
        "status",
        "subject",
        "customer",
        "group",
        "assignee",
        "resolution_due",
    )
    data = [
        (
            t.key,
            t.priority,
            t.status,
            t.subject,
            t.customer_name,
            t.group,
            t.assignee,
            t.resolution_due,
        )
        for t in rows
    ]
    if as_csv:
        print_csv(headers, data)
    else:
        print_table(headers, data, optional=("customer", "resolution_due", "group"))


def _vendor_rows(t: ticket_views.TicketDetail) -> list[tuple[str, object]]:
    v = t.vendor
    if v is None:
        return []
    state = (
        _("closed {at}").format(at=format_datetime(v.closed_at.astimezone()))
        if v.closed_at
        else pgettext("vendor case", "open")
    )
    case = _("{vendor} case {case} ({state})").format(vendor=v.vendor, case=v.case, state=state)
    if v.contact:
        case += f", {v.contact}"
    return [(_("vendor"), case), (_("vendor promised"), v.promised_at)]


@app.command("show")
def show(ctx: typer.Context, key: str, as_json: bool = JSON) -> None:
    """One ticket with its timeline."""
    c = ctx_obj(ctx)
    store = c.store()
    if auth.password_required(store):  # a shared store shows its tickets to agents in standing
        t = ticket_views.read(store, c.actor(), key)
    else:  # a private store: to whoever opens it
        t = ticket_views.show(store, key)
    if as_json:
        print_json(ticket_views.as_json(t, events=True))
        return
    print_table(
        ("field", "value"),
        [
            (_("key"), t.key),
            (_("subject"), t.subject),
            (_("status"), t.status),
            (
                _("priority"),
                _("{priority} (impact {impact}, urgency {urgency})").format(
                    priority=t.priority, impact=t.impact, urgency=t.urgency
                ),
            ),
            (_("service"), _service_name(c, t.service) or t.service_name),
            (_("customer"), t.customer_name),
            (
                _("contact"),
                " ".join(x for x in (t.contact_name, t.contact_phone, t.contact_email) if x),
            ),
            (_("asset"), t.asset_name or None),
            (_("line/group"), f"{t.line}/{t.group}"),
            (_("assignee"), t.assignee),
            (_("created"), t.created_at),
            (_("response due"), t.response_due),
            (_("first response"), t.first_response_at),
            (_("resolution due"), t.resolution_due),
            (_("resolved"), t.resolved_at),
            (_("closed"), t.closed_at),
            (_("sla plan"), f"{t.sla_plan} ({t.plan_note})" if t.plan_note else t.sla_plan),
            *_vendor_rows(t),
            (_("version"), t.version),
        ],
        title=t.key,
    )
    if t.description:
        say(t.description)
    print_table(
        ("when", "who", "what", "changes", "text"),
        [
            (
                e.at,
                e.actor,
                e.kind + ("" if e.public or e.kind != "note" else _(" (internal)")),
                "; ".join(
                    f"{k}: {b} → {a}"
                    for k, (b, a) in e.changes.items()
                    if k not in ("description",)
                )[:200],
                e.body[:200],
            )
            for e in t.events
        ],
        title=_("timeline"),
    )


def _service_name(c, code: str) -> str:
    """The service's name in the language in force."""
    found = next((s for s in catalog(c.store()).services.values() if s.code == code), None)
    return localized(found) if found else ""


@app.command("take")
def take(
    ctx: typer.Context,
    key: str,
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Take an unassigned ticket (of two agents racing, one wins)."""
    c = ctx_obj(ctx)
    _done(ticket_actions.take(c.store(), c.actor(login), key, expected_version=version), as_json)


@app.command("assign")
def assign(
    ctx: typer.Context,
    key: str,
    to: str | None = typer.Argument(None, help=N_("Agent login; omit (or `none`) for the queue.")),
    group: str | None = typer.Option(None, "--group", help=N_("Also move to this group.")),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Give the ticket to an agent, or back to the queue."""
    c = ctx_obj(ctx)
    target = None if to in (None, "none", "-") else to
    _done(
        ticket_actions.assign(
            c.store(), c.actor(login), key, target, group=group, expected_version=version
        ),
        as_json,
    )


@app.command("escalate")
def escalate(
    ctx: typer.Context,
    key: str,
    to: str = typer.Argument(..., help=N_("A line (L2, L3, L4) or a group code.")),
    note: str = typer.Option(..., "--note", "-n", help=N_("What was already tried (required).")),
    case: str | None = typer.Option(
        None, "--case", help=N_("To a vendor (line 4): their case number; the ticket then waits.")
    ),
    promised: str | None = typer.Option(
        None,
        "--promised",
        help=N_("The vendor's promised date: 2026-11-30 or 2026-11-30 15:00."),
    ),
    vendor_contact: str = typer.Option(
        "", "--vendor-contact", help=N_("Who at the vendor was contacted (name, phone, e-mail).")
    ),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Move the ticket up (or down) a line, with a note of what was tried. To a vendor
    with --case (and --promised, --vendor-contact): the case is recorded and the ticket
    waits for the vendor while our SLA keeps counting."""
    c = ctx_obj(ctx)
    if case is None and (promised or vendor_contact):
        raise Invalid(_("--promised and --vendor-contact go with --case (the vendor's case)"))
    terms = VendorTerms(case, promised, vendor_contact) if case is not None else None
    _done(
        escalation.escalate(
            c.store(),
            c.actor(login),
            key,
            to,
            read_text_arg(note) or "",
            expected_version=version,
            vendor=terms,
        ),
        as_json,
    )


@app.command("supervisor")
def supervisor(
    ctx: typer.Context,
    key: str,
    note: str = typer.Option(..., "--note", "-n", help=N_("Why a supervisor is needed.")),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Hierarchical escalation: tell the group's supervisors."""
    c = ctx_obj(ctx)
    _done(
        escalation.tell_supervisor(
            c.store(), c.actor(login), key, read_text_arg(note) or "", expected_version=version
        ),
        as_json,
    )


@app.command("reply")
def reply(
    ctx: typer.Context,
    key: str,
    body: str = typer.Argument(..., help=N_("The reply, or - for stdin.")),
    template: str | None = typer.Option(None, "--template"),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """A public reply to the customer (mailed)."""
    c = ctx_obj(ctx)
    _done(
        ticket_actions.reply(
            c.store(),
            c.actor(login),
            key,
            read_text_arg(body) or "",
            template=template,
            expected_version=version,
        ),
        as_json,
    )


@app.command("note")
def note(
    ctx: typer.Context,
    key: str,
    body: str = typer.Argument(..., help=N_("The note, or - for stdin.")),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """An internal note (never reaches the customer)."""
    c = ctx_obj(ctx)
    _done(
        ticket_actions.note(
            c.store(), c.actor(login), key, read_text_arg(body) or "", expected_version=version
        ),
        as_json,
    )


@app.command("status")
def status(
    ctx: typer.Context,
    key: str,
    to: str = typer.Argument(..., help=N_("in_progress, waiting_customer, waiting_vendor, …")),
    note_: str = typer.Option("", "--note", "-n", help=N_("Why (required to resolve or reopen).")),
    reason: str | None = typer.Option(
        None,
        "--reason",
        help=N_(
            "Why it waits for the customer (required for waiting_customer): a reason code "
            "from data/sla.toml (info, confirm, access, …), 'CODE: words', or words of your own."
        ),
    ),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Move the ticket through the workflow."""
    c = ctx_obj(ctx)
    store = c.store()
    if parse_status(to) in PAUSED and not (reason or "").strip():
        codes = ", ".join(r.code for r in pauses.reasons(store))
        raise Invalid(
            _("say why it waits for the customer: --reason CODE[: words] ({codes})").format(
                codes=codes
            )
        )
    _done(
        ticket_actions.set_status(
            store, c.actor(login), key, to, note=note_, reason=reason, expected_version=version
        ),
        as_json,
    )


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    key: str,
    resolution: str = typer.Argument(..., help=N_("How it was solved, or - for stdin.")),
    template: str | None = typer.Option(None, "--template"),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Resolve; the customer is asked to confirm. A mass incident's open children go with
    it, each its own change, a line each on standard error as they go; Ctrl+C stops after
    the child in hand (`ticket cascade PARENT` resolves the rest). Exit status 1 if a
    child refused or the run was stopped."""
    c = ctx_obj(ctx)
    store, actor = c.store(), c.actor(login)
    text = read_text_arg(resolution) or ""
    result = ticket_actions.resolve(
        store, actor, key, text, template=template, expected_version=version, cascade=False
    )
    if not as_json:
        say(result.message)
    went = _resolve_children(store, actor, result.key, text)
    if as_json:
        _done(result, as_json, children=went)
    if went is not None and (went.failed or went.cancelled):
        raise typer.Exit(1)


@app.command("cascade")
def cascade(
    ctx: typer.Context,
    key: str = typer.Argument(..., help=N_("A resolved mass incident.")),
    login: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Resolve the open children of a resolved mass incident with its resolution: the rest
    of a run that was stopped. Exit status 1 if a child refused or the run was stopped."""
    c = ctx_obj(ctx)
    store, actor = c.store(), c.actor(login)
    went = _resolve_children(store, actor, key, None)
    if went is None:
        raise Invalid(_("{key} has no open children to resolve with it").format(key=key))
    if as_json:
        print_json([{"key": o.key, "ok": o.ok, "message": o.message} for o in went.outcomes])
    if went.failed or went.cancelled:
        raise typer.Exit(1)


def _resolve_children(store, actor, key: str, resolution: str | None) -> batch.BatchResult | None:
    """A resolved mass incident's open children (None: it has none), with a line on
    standard error per child; the first Ctrl+C stops the run after the child in hand."""
    todo = mass_incident.pending(store, key)
    if not todo.keys:
        return None
    flag = batch.CancelFlag()

    def interrupted(_signal, _frame) -> None:
        flag.cancel()
        signal.signal(signal.SIGINT, previous)  # a second Ctrl+C stops at once
        say(_("stopping after the ticket in hand…"), err=True)

    def progress(done: int, total: int, o: batch.Outcome) -> None:
        line = o.message if o.ok else _("{key} refused: {why}").format(key=o.key, why=o.message)
        say(f"[{done}/{total}] {line}", err=True)

    say(
        n_(
            "{key} is a mass incident: resolving its {n} open child ticket",
            "{key} is a mass incident: resolving its {n} open child tickets",
            len(todo.keys),
        ).format(key=key, n=len(todo.keys)),
        err=True,
    )
    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        went = mass_incident.cascade(
            store, actor, key, resolution, cancel=flag, progress=progress
        ).result
    finally:
        signal.signal(signal.SIGINT, previous)
    summary = _("{done} of {total} children resolved, {failed} refused").format(
        done=went.done, total=went.total, failed=len(went.failed)
    )
    if todo.excluded:
        summary += _(", {n} excluded left open").format(n=todo.excluded)
    if went.cancelled:
        summary += _(", stopped with {n} left open").format(n=went.skipped)
    say(summary, err=True)
    return went


@app.command("confirm")
def confirm(
    ctx: typer.Context,
    key: str,
    rating: int | None = typer.Option(None, "--rating", help=N_("Satisfaction 1-5.")),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """The customer confirmed the resolution: close it."""
    c = ctx_obj(ctx)
    _done(
        ticket_actions.confirm(
            c.store(), c.actor(login), key, rating=rating, expected_version=version
        ),
        as_json,
    )


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    key: str,
    reason: str = typer.Argument(..., help=N_("Why it is not solved.")),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Reopen a resolved ticket (counted)."""
    c = ctx_obj(ctx)
    _done(
        ticket_actions.reopen(
            c.store(), c.actor(login), key, read_text_arg(reason) or "", expected_version=version
        ),
        as_json,
    )


@app.command("close")
def close(
    ctx: typer.Context,
    key: str,
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Close a resolved ticket without waiting for the customer."""
    c = ctx_obj(ctx)
    _done(ticket_actions.close(c.store(), c.actor(login), key, expected_version=version), as_json)


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    key: str,
    reason: str = typer.Option(
        ..., "--note", "-n", help=N_("Why (duplicate, mistake, withdrawn).")
    ),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Cancel an open ticket."""
    c = ctx_obj(ctx)
    _done(
        ticket_actions.set_status(
            c.store(), c.actor(login), key, "cancelled", note=reason, expected_version=version
        ),
        as_json,
    )


@app.command("link")
def link(
    ctx: typer.Context,
    key: str,
    other: str = typer.Argument(..., help=N_("The other ticket.")),
    kind: str = typer.Option("related", "--kind", help=N_("duplicate (of other), child, related.")),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Link two tickets."""
    c = ctx_obj(ctx)
    _done(
        ticket_actions.link(c.store(), c.actor(login), key, other, kind, expected_version=version),
        as_json,
    )


@app.command("priority")
def priority(
    ctx: typer.Context,
    key: str,
    impact: str = typer.Option(..., "--impact"),
    urgency: str = typer.Option(..., "--urgency"),
    reason: str = typer.Option("", "--note", "-n"),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Change impact and urgency; the SLA deadlines are recomputed."""
    c = ctx_obj(ctx)
    _done(
        ticket_actions.change_priority(
            c.store(),
            c.actor(login),
            key,
            parse_level(impact, "impact"),
            parse_level(urgency, "urgency"),
            reason=reason,
            expected_version=version,
        ),
        as_json,
    )


@app.command("plan")
def plan(
    ctx: typer.Context,
    key: str,
    plan_code: str = typer.Argument(..., metavar="PLAN", help=N_("The new SLA plan's code.")),
    reason: str = typer.Option("", "--note", "-n", help=N_("Why the plan changes.")),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Move an open ticket to another SLA plan; the deadlines count the business time
    already used, pauses excluded."""
    c = ctx_obj(ctx)
    _done(
        plan_change.change_plan(
            c.store(), c.actor(login), key, plan_code, reason=reason, expected_version=version
        ),
        as_json,
    )


@app.command("time")
def time_(
    ctx: typer.Context,
    key: str,
    minutes: int = typer.Argument(..., help=N_("Minutes spent.")),
    note_: str = typer.Option("", "--note", "-n"),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Log time spent on the ticket."""
    c = ctx_obj(ctx)
    _done(
        ticket_actions.log_time(
            c.store(), c.actor(login), key, minutes, note=note_, expected_version=version
        ),
        as_json,
    )


@app.command("bulk")
def bulk_(
    ctx: typer.Context,
    keys: list[str] = typer.Argument(
        ..., help=N_("Ticket keys, or - to read them from standard input (one per line).")
    ),
    settings: list[str] = typer.Option(
        ...,
        "--set",
        "-s",
        help=N_(
            "FIELD=VALUE, repeatable: priority=P2, impact=1, urgency=2, status=in_progress, "
            "assignee=LOGIN|none, group=CODE, escalate=L3."
        ),
    ),
    note_: str = typer.Option(
        "",
        "--note",
        "-n",
        help=N_("The reason or resolution (escalate, resolve, cancel need one)."),
    ),
    login: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """One change on many tickets, each its own audited change:
    `helpdesk ticket list --where 'sla:at-risk' --keys | helpdesk ticket bulk - --set priority=P2`.
    A ticket that refuses does not stop the others; exit status 1 if any refused."""
    c = ctx_obj(ctx)
    parsed = bulk.parse_settings(settings)
    lines = sys.stdin if keys == ["-"] else keys
    wanted = bulk.parse_keys(lines)
    actor = c.actor(login)

    def each(o: bulk.Outcome) -> None:
        if not as_json:
            say(o.message if o.ok else f"{o.key}: {o.message}", err=not o.ok)

    report = bulk.run(c.store(), actor, wanted, parsed, note=note_, progress=each)
    if as_json:
        print_json([{"key": o.key, "ok": o.ok, "message": o.message} for o in report.outcomes])
    else:
        tickets = len(wanted)
        say(
            n_(
                "{n} ticket: {changed} changes made, {failed} refused",
                "{n} tickets: {changed} changes made, {failed} refused",
                tickets,
            ).format(n=tickets, changed=report.changed, failed=report.failed),
            err=True,
        )
    if report.failed:
        raise typer.Exit(1)


@app.command("attach")
def attach(
    ctx: typer.Context,
    parent: str = typer.Argument(..., help=N_("The mass incident (an open ticket).")),
    keys: list[str] = typer.Argument(
        ..., help=N_("Tickets to attach to it, or - to read them from standard input.")
    ),
    login: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Make PARENT a mass incident and attach the tickets to it, each its own change:
    resolving PARENT then resolves them too (see `ticket exclude`). Exit status 1 if any
    ticket refused."""
    c = ctx_obj(ctx)
    wanted = bulk.parse_keys(sys.stdin if keys == ["-"] else keys)
    result = mass_incident.attach(c.store(), c.actor(login), parent, wanted)
    _outcomes(result, as_json)


@app.command("exclude")
def exclude(
    ctx: typer.Context,
    key: str = typer.Argument(..., help=N_("A child of a mass incident.")),
    include: bool = typer.Option(
        False, "--include", help=N_("Take it back into the incident's resolution.")
    ),
    login: str | None = AS,
    version: int | None = VERSION,
    as_json: bool = JSON,
) -> None:
    """Leave a child out of its mass incident's resolution (or, with --include, back in)."""
    c = ctx_obj(ctx)
    _done(
        mass_incident.set_excluded(
            c.store(), c.actor(login), key, not include, expected_version=version
        ),
        as_json,
    )


def _outcomes(result: batch.BatchResult, as_json: bool) -> None:
    if as_json:
        print_json([{"key": o.key, "ok": o.ok, "message": o.message} for o in result.outcomes])
    else:
        for o in result.outcomes:
            say(o.message if o.ok else f"{o.key}: {o.message}", err=not o.ok)
        say(result.summary(), err=True)
    if result.failed:
        raise typer.Exit(1)
