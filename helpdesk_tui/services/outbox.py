"""The outbox sender: queued mail delivered over SMTP, retried with backoff, never sent twice.

Each message is claimed in its own transaction before it is sent:
`UPDATE outbox SET status='sending', attempts=attempts+1, next_attempt_at=<lease> WHERE
id=? AND status IN ('pending','sending') AND next_attempt_at <= now`; the sender that
changed the row sends it, any other finds the row count 0 and moves on. After the SMTP
server accepts it the row becomes `sent`. A temporary failure (4xx, a dropped
connection) puts it back to `pending` after 1, 2, 4, … minutes (`[smtp] retry_after`,
`retry_max`); a permanent one (5xx) or the last allowed attempt makes it `failed` with
the server's words in `last_error`.

At-least-once at the SMTP boundary: a sender that dies after the server accepted a
message and before it recorded `sent` leaves the row in `sending`; once its lease
(`[smtp] sending_timeout`, 15 minutes) has passed, another run sends it again. No other
path sends a message twice.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import or_, update
from sqlmodel import Session, select

from helpdesk_tui.config import MailConfig, Settings, SmtpConfig, mail_config, smtp_config
from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.domain.text import clean_line
from helpdesk_tui.i18n import _
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

STATUSES = ("pending", "sending", "sent", "failed")
AUTOMATIC = frozenset(
    {"ack", "resolved", "closed", "assigned", "at-risk", "breached", "supervisor"}
)
"""Notices the desk writes by itself: marked `Auto-Submitted: auto-generated`."""


@dataclass(frozen=True)
class Letter:
    """A claimed message and its thread, read in the claiming transaction."""

    id: int
    kind: str
    key: str | None
    to_addr: str
    to_name: str
    subject: str
    body: str
    message_id: str
    attempts: int
    thread: tuple[str, ...]  # Message-IDs this one answers, oldest first


@dataclass
class SendReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def tried(self) -> int:
        return self.sent + self.deferred + self.failed


class _Permanent(Exception):
    """The server (or the address itself) refused this message for good."""


# -- the pass ------------------------------------------------------------------------------------


def send_due(
    store: Store, settings: Settings, *, limit: int = 50, now: datetime | None = None
) -> SendReport:
    """One pass of the sender with the config file's `[smtp]` and `[mail]`: for the
    application's background worker and `helpdesk outbox send`."""
    return deliver(store, smtp_config(settings), mail_config(settings), limit=limit, now=now)


def deliver(
    store: Store,
    smtp: SmtpConfig,
    mail: MailConfig,
    *,
    limit: int = 50,
    now: datetime | None = None,
) -> SendReport:
    """Send up to `limit` due messages over one SMTP connection. A failure of the
    connection itself (refused, timed out, bad login) defers the message being sent and
    ends the pass; the rest wait for the next one."""
    now = now or utcnow()
    report = SendReport()
    conn: smtplib.SMTP | None = None
    try:
        for row_id in _due(store, now, limit):
            letter = _claim(store, row_id, now, smtp)
            if letter is None:
                continue  # another sender has it
            try:
                if conn is None:
                    conn = _connect(smtp)
                _send(conn, build(letter, mail, now), mail.from_addr, letter.to_addr)
            except _Permanent as exc:
                _finish(store, letter, "failed", str(exc), now)
                report.failed += 1
                report.errors.append(f"#{letter.id} to {letter.to_addr}: {exc}")
            except (smtplib.SMTPException, OSError) as exc:
                reason = _describe(exc)
                status = _retry(store, letter, reason, now, smtp)
                setattr(report, status, getattr(report, status) + 1)
                report.errors.append(f"#{letter.id} to {letter.to_addr}: {reason}")
                conn = _close(conn)
                if _connection_failed(exc):
                    break
            else:
                _finish(store, letter, "sent", "", now)
                report.sent += 1
    finally:
        _close(conn)
    return report


def _due(store: Store, now: datetime, limit: int) -> list[int]:
    """Pending messages whose time has come, and claims whose lease ran out."""
    with store.read() as s:
        return list(
            s.exec(
                select(m.Outbox.id)
                .where(
                    m.Outbox.status.in_(("pending", "sending")),
                    or_(m.Outbox.next_attempt_at.is_(None), m.Outbox.next_attempt_at <= now),
                )
                .order_by(m.Outbox.next_attempt_at, m.Outbox.id)
                .limit(limit)
            ).all()
        )


def _claim(store: Store, row_id: int, now: datetime, smtp: SmtpConfig) -> Letter | None:
    lease = now + timedelta(seconds=smtp.sending_timeout_s)
    with store.write() as s:
        claimed = s.execute(
            update(m.Outbox)
            .where(
                m.Outbox.id == row_id,
                m.Outbox.status.in_(("pending", "sending")),
                or_(m.Outbox.next_attempt_at.is_(None), m.Outbox.next_attempt_at <= now),
            )
            .values(status="sending", attempts=m.Outbox.attempts + 1, next_attempt_at=lease)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return None
        row = s.exec(select(m.Outbox).where(m.Outbox.id == row_id)).one()
        ticket = s.get(m.Ticket, row.ticket_id) if row.ticket_id else None
        return Letter(
            id=row.id,
            kind=row.kind,
            key=ticket.key if ticket else None,
            to_addr=row.to_addr,
            to_name=row.to_name,
            subject=row.subject,
            body=row.body,
            message_id=row.message_id,
            attempts=row.attempts,
            thread=_thread_of(s, ticket),
        )


def _thread_of(s: Session, ticket: m.Ticket | None) -> tuple[str, ...]:
    """The ticket's thread: its own root id, then the customer's messages on it (the
    first and the last few), so every client threads our mail under theirs."""
    if ticket is None:
        return ()
    ids = s.exec(
        select(m.MailMessage.message_key)
        .where(m.MailMessage.ticket_id == ticket.id, m.MailMessage.message_key.startswith("<"))
        .order_by(m.MailMessage.id)
    ).all()
    picked = [*ids[:1], *ids[1:][-4:]]
    return (thread_root(ticket.key), *picked)


def thread_root(key: str) -> str:
    """The Message-ID every message about a ticket refers to (intake threads by it)."""
    return f"<{key.lower()}@helpdesk>"


def _finish(store: Store, letter: Letter, status: str, error: str, now: datetime) -> None:
    with store.write() as s:
        s.execute(
            update(m.Outbox)
            .where(m.Outbox.id == letter.id, m.Outbox.status == "sending")
            .values(
                status=status,
                sent_at=now if status == "sent" else None,
                next_attempt_at=None,
                last_error=error[:2000],
            )
            .execution_options(synchronize_session=False)
        )


def _retry(store: Store, letter: Letter, reason: str, now: datetime, smtp: SmtpConfig) -> str:
    """Back to pending after an exponential backoff, or failed after the last attempt."""
    if letter.attempts >= smtp.max_attempts:
        _finish(store, letter, "failed", f"gave up after {letter.attempts} attempts: {reason}", now)
        return "failed"
    delay = min(smtp.retry_after_s * 2 ** (letter.attempts - 1), smtp.retry_max_s)
    with store.write() as s:
        s.execute(
            update(m.Outbox)
            .where(m.Outbox.id == letter.id, m.Outbox.status == "sending")
            .values(
                status="pending",
                next_attempt_at=now + timedelta(seconds=delay),
                last_error=reason[:2000],
            )
            .execution_options(synchronize_session=False)
        )
    return "deferred"


# -- SMTP --------------------------------------------------------------------------------------


def build(letter: Letter, mail: MailConfig, now: datetime) -> EmailMessage:
    """The RFC 5322 message: names and subject encoded as needed, threaded to the ticket."""
    msg = EmailMessage(policy=policy.SMTP)
    try:
        msg["From"] = Address(clean_line(mail.from_name), addr_spec=mail.from_addr)
        msg["To"] = Address(clean_line(letter.to_name), addr_spec=letter.to_addr)
    except (ValueError, IndexError) as exc:
        raise _Permanent(f"not a deliverable address: {letter.to_addr!r} ({exc})") from exc
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    msg["Subject"] = clean_line(letter.subject)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = letter.message_id
    if letter.thread:
        msg["In-Reply-To"] = letter.thread[-1]
        msg["References"] = " ".join(letter.thread)
    msg["X-Helpdesk-Id"] = f"{letter.key or '-'}/{letter.id}"
    if letter.kind in AUTOMATIC:
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-Auto-Response-Suppress"] = "All"  # asks Exchange for no out-of-office reply
    msg.set_content(letter.body or "")
    return msg


def _connect(smtp: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=smtp.ca_file or None)
    if smtp.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout, context=context
        )
    else:
        conn = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.security == "starttls":
            conn.ehlo()
            conn.starttls(context=context)
    conn.ehlo()
    if smtp.username:
        conn.login(smtp.username, smtp.password)
    return conn


def _send(conn: smtplib.SMTP, msg: EmailMessage, sender: str, to: str) -> None:
    try:
        conn.send_message(msg, from_addr=sender, to_addrs=[to])
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b""))
        if code >= 500:
            raise _Permanent(_reply_text(code, text)) from exc
        raise
    except smtplib.SMTPDataError as exc:
        if exc.smtp_code >= 500:
            raise _Permanent(_reply_text(exc.smtp_code, exc.smtp_error)) from exc
        raise
    except smtplib.SMTPNotSupportedError as exc:
        raise _Permanent(f"the server cannot take this address: {exc}") from exc
    except (UnicodeError, ValueError) as exc:
        raise _Permanent(f"the message cannot be encoded: {exc}") from exc


def _reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return clean_line(f"{code} {text}")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (0, b""))
        return _reply_text(code, text)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply_text(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, socket.timeout | TimeoutError):
        return "the SMTP server did not answer in time"
    return clean_line(f"{type(exc).__name__}: {exc}") or type(exc).__name__


def _connection_failed(exc: BaseException) -> bool:
    """Errors that would fail every message alike: stop the pass."""
    return not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is None:
        return None
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()
    return None


# -- for people --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    id: int
    ticket: str | None
    kind: str
    to_addr: str
    to_name: str
    subject: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str
    message_id: str


def list_outbox(store: Store, *, status: str = "all", limit: int = 50) -> list[OutboxRow]:
    """The newest messages first, of one status or all."""
    if status != "all" and status not in STATUSES:
        raise Invalid(
            _("unknown outbox status {status!r}: use all, {STATUSES}").format(
                status=status, STATUSES=", ".join(STATUSES)
            )
        )
    if not 1 <= limit <= 10_000:
        raise Invalid(_("--limit is 1 to 10000"))
    with store.read() as s:
        q = (
            select(m.Outbox, m.Ticket.key)
            .join(m.Ticket, m.Ticket.id == m.Outbox.ticket_id, isouter=True)
            .order_by(m.Outbox.id.desc())
            .limit(limit)
        )
        if status != "all":
            q = q.where(m.Outbox.status == status)
        return [
            OutboxRow(
                o.id,
                key,
                o.kind,
                o.to_addr,
                o.to_name,
                o.subject,
                o.status,
                o.attempts,
                o.created_at,
                o.next_attempt_at,
                o.sent_at,
                o.last_error,
                o.message_id,
            )
            for o, key in s.exec(q).all()
        ]


def retry(store: Store, ids: list[int], *, now: datetime | None = None) -> int:
    """Give failed messages another round of attempts (after fixing an address or the
    server's settings); returns how many were failed and are pending now."""
    now = now or utcnow()
    with store.write() as s:
        found = set(s.exec(select(m.Outbox.id).where(m.Outbox.id.in_(ids))).all())
        missing = sorted(set(ids) - found)
        if missing:
            raise NotFound(_("no outbox message #{missing}").format(missing=missing[0]))
        return s.execute(
            update(m.Outbox)
            .where(m.Outbox.id.in_(ids), m.Outbox.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=now, last_error="")
            .execution_options(synchronize_session=False)
        ).rowcount
