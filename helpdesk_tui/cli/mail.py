"""`helpdesk intake …` (mail in) and `helpdesk outbox …` (mail out).

Exit codes, for mail servers and cron:
  0   done: every message stored, or ignored on purpose (auto-reply, loop, duplicate);
      for `outbox send`: everything due was sent
  2   bad input: a file that cannot be read, a bad setting, not a maildir
  3   a message could not be stored and was set aside (`failed/` of the maildir, or
      `[mail] failed_dir` for `intake eml`) with a `.reason` file; for `outbox send`:
      a message failed for good
  75  temporary failure (EX_TEMPFAIL): the store or the SMTP server cannot be reached;
      nothing is lost — a mail server retries the delivery, the maildir keeps the
      message in new/, the outbox retries later
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.table import Table

from helpdesk_tui.cli.common import column_label, console, ctx_obj, print_json, say, text
from helpdesk_tui.config import mail_config, smtp_config
from helpdesk_tui.domain.errors import HelpdeskError, Invalid, StoreError
from helpdesk_tui.i18n import N_, _, n_
from helpdesk_tui.services import mail_in, outbox

intake_app = typer.Typer(
    help=N_("Mail in: messages become tickets and replies."), no_args_is_help=True
)
outbox_app = typer.Typer(help=N_("Mail out: deliver and inspect the outbox."), no_args_is_help=True)

JSON = typer.Option(False, "--json", help=N_("Print JSON."))
TEMPFAIL = 75


class TryLater(HelpdeskError):
    """The store is out of reach: the message stays where it was (exit 75)."""

    exit_code = TEMPFAIL


def _intake_json(name: str, result: mail_in.Intake) -> dict:
    return {
        "file": name,
        "outcome": result.outcome,
        "key": result.key,
        "detail": result.detail,
        "attachments": result.attachments,
        "problems": list(result.problems),
    }


@intake_app.command("eml")
def intake_eml(
    ctx: typer.Context,
    file: str = typer.Argument("-", help=N_("An RFC 5322 message file, or - for standard input.")),
    as_json: bool = JSON,
) -> None:
    """Take in one message (for a mail server's pipe alias: `|helpdesk intake eml`)."""
    c = ctx_obj(ctx)
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise Invalid(
            _("cannot read {file}: {reason}").format(file=file, reason=exc.strerror or exc)
        ) from None
    if not raw.strip():
        where = _("standard input") if file == "-" else file
        raise Invalid(_("{file} is empty: no message").format(file=where))
    config = mail_config(c.settings)
    try:
        result = mail_in.take_in_file(c.store(), raw, config)
    except (StoreError, OSError) as exc:  # the store, or the attachments folder
        raise TryLater(
            _("{error}; the message was not taken in, try again").format(error=exc)
        ) from None
    if as_json:
        print_json(_intake_json(file, result))
    else:
        say(result.detail)


@intake_app.command("maildir")
def intake_maildir(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., help=N_("A maildir: its new/ messages are taken in.")),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=N_("Say nothing unless a problem.")),
    as_json: bool = JSON,
) -> None:
    """Take in every new message of a maildir (safe from cron; runs may overlap)."""
    c = ctx_obj(ctx)
    config = mail_config(c.settings)
    try:
        batch = mail_in.take_in_maildir(c.store(), directory, config)
    except StoreError as exc:
        raise TryLater(
            _("{error}; the messages stay in {folder}").format(error=exc, folder=directory / "new")
        ) from None
    if as_json:
        print_json(
            {
                "done": [_intake_json(n, r) for n, r in batch.done],
                "set_aside": [{"file": n, "reason": why} for n, why in batch.set_aside],
                "stopped": batch.stopped or None,
            }
        )
    else:
        if not quiet:
            for name, result in batch.done:
                say(f"{name}: {result.detail}")
            say(_summary(batch))
        for name, why in batch.set_aside:
            aside = _("{file} set aside in {folder}: {reason}").format(
                file=name, folder=directory / "failed", reason=why
            )
            sys.stderr.write(f"helpdesk: {aside}\n")
    if batch.stopped:
        stopped = _("stopped, will retry: {reason}").format(reason=batch.stopped)
        sys.stderr.write(f"helpdesk: {stopped}\n")
        raise typer.Exit(TEMPFAIL)
    if batch.set_aside:
        raise typer.Exit(3)


def _summary(batch: mail_in.Batch) -> str:
    if not batch.done and not batch.set_aside:
        return _("no new messages")
    opened = batch.count("created", "follow-up")
    replies = batch.count("reply", "reopened", "confirmed")
    ignored = batch.count("ignored")
    duplicates = batch.count("duplicate")
    aside = len(batch.set_aside)
    parts = [
        text.format(n=n)
        for n, text in (
            (opened, n_("{n} opened", "{n} opened", opened)),
            (replies, n_("{n} reply", "{n} replies", replies)),
            (ignored, n_("{n} ignored", "{n} ignored", ignored)),
            (duplicates, n_("{n} duplicate", "{n} duplicates", duplicates)),
            (aside, n_("{n} set aside", "{n} set aside", aside)),
        )
        if n
    ]
    total = len(batch.done) + aside
    return n_("{n} message: {parts}", "{n} messages: {parts}", total).format(
        n=total, parts=", ".join(parts)
    )


@outbox_app.command("send")
def outbox_send(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help=N_("One pass, then exit (for cron).")),
    interval: float = typer.Option(30.0, "--interval", help=N_("Seconds between passes.")),
    limit: int = typer.Option(50, "--limit", help=N_("Messages per pass.")),
    as_json: bool = JSON,
) -> None:
    """Deliver due messages over SMTP ([smtp] in the config file), retrying with backoff."""
    c = ctx_obj(ctx)
    if limit < 1 or interval <= 0:
        raise Invalid(_("--limit and --interval must be positive"))
    smtp, mail = smtp_config(c.settings), mail_config(c.settings)
    store = c.store()
    while True:
        try:
            report = outbox.deliver(store, smtp, mail, limit=limit)
        except StoreError as exc:
            if once:
                raise TryLater(str(exc)) from None
            sys.stderr.write(f"helpdesk: {exc}\n")
            report = None
        if report is not None and (report.tried or once):
            _print_report(report, as_json)
        if once:
            if report.failed:
                raise typer.Exit(3)
            if report.deferred:
                raise typer.Exit(TEMPFAIL)
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return


def _print_report(report: outbox.SendReport, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "sent": report.sent,
                "deferred": report.deferred,
                "failed": report.failed,
                "errors": report.errors,
            }
        )
        return
    if not report.tried:
        say(_("nothing to send"))
        return
    say(
        _("{sent} sent, {deferred} to retry, {failed} failed").format(
            sent=report.sent, deferred=report.deferred, failed=report.failed
        )
    )
    for line in report.errors:
        sys.stderr.write(f"helpdesk: {line}\n")


@outbox_app.command("list")
def outbox_list(
    ctx: typer.Context,
    status: str = typer.Option("all", "--status", help=N_("all, pending, sending, sent, failed.")),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = JSON,
) -> None:
    """The outbox, newest first: where each message is and what went wrong."""
    rows = outbox.list_outbox(ctx_obj(ctx).store(), status=status.strip().lower(), limit=limit)
    if as_json:
        print_json(
            [
                {
                    "id": r.id,
                    "ticket": r.ticket,
                    "kind": r.kind,
                    "to": r.to_addr,
                    "to_name": r.to_name,
                    "subject": r.subject,
                    "status": r.status,
                    "attempts": r.attempts,
                    "created_at": r.created_at,
                    "next_attempt_at": r.next_attempt_at,
                    "sent_at": r.sent_at,
                    "last_error": r.last_error,
                    "message_id": r.message_id,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        say(
            _("the outbox is empty")
            if status == "all"
            else _("no {status} messages").format(status=status)
        )
        return
    cells = [
        [
            text(v)
            for v in (
                r.id,
                r.ticket,
                r.kind,
                r.status,
                r.attempts,
                r.sent_at or r.next_attempt_at or r.created_at,
                r.to_addr,
                r.last_error if r.status in ("failed", "pending") and r.last_error else r.subject,
            )
        ]
        for r in rows
    ]
    # Fit the console by shortening only the address and the subject (rich would squeeze
    # the short columns to nothing instead).
    headers = ("id", "ticket", "kind", "status", "tries", "when", "to", "subject / error")
    labels = [column_label(h) for h in headers]
    widths = [max(len(h), *(row[i].cell_len for row in cells)) for i, h in enumerate(labels)]
    room = console.width - sum(widths[:6]) - 3 * len(headers)  # padding and rules
    widths[6] = min(widths[6], 32, max(12, room // 3))
    widths[7] = min(widths[7], max(12, room - widths[6]))
    table = Table(show_edge=False, header_style="bold")
    for header, width in zip(labels, widths, strict=True):
        table.add_column(header, no_wrap=True, width=width)
    for row in cells:
        for cell, width in zip(row, widths, strict=True):
            cell.truncate(width, overflow="ellipsis")
        table.add_row(*row)
    console.print(table)


@outbox_app.command("retry")
def outbox_retry(
    ctx: typer.Context,
    ids: list[int] = typer.Argument(..., help=N_("Outbox ids of failed messages.")),
) -> None:
    """Give failed messages another round of attempts."""
    n = outbox.retry(ctx_obj(ctx).store(), ids)
    say(
        n_("{n} message queued again", "{n} messages queued again", n).format(n=n)
        if n
        else _("none of them had failed")
    )
