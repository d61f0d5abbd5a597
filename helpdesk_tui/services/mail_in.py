"""Mail intake: one message in, one ticket change out — exactly once.

A message is read as well as it can be (charsets guessed when declared wrongly, broken
MIME taken as text), then in ONE transaction: its identity (Message-ID, or a hash of its
bytes) is inserted into the unique-keyed `mail_message` table, and the ticket change it
causes is written — a new ticket, a reply, a confirmation. A second copy of the message,
even from a run overlapping this one, finds the key taken and changes nothing.

What it does with a message:
- automatic mail (auto-replies, bounces, bulk, our own mail coming back) is recorded as
  `ignored` and changes no ticket; a bounce of one of our messages marks it failed;
- a subject tagged `[HD-1042]` (or a reply threaded to our mail by In-Reply-To/References)
  from the ticket's customer is a reply on that ticket, quoted history trimmed; on a
  resolved ticket a one-word answer confirms (yes/да/ok, or a rating 1-5) or reopens
  (no/нет), any other text reopens it; a closed ticket gets a new *follow-up* ticket
  linked to it (only a supervisor reopens a closed ticket);
- anything else opens a ticket on the e-mail channel for the contact with that address,
  or a new contact of the customer whose contacts share the sender's domain, or of the
  fallback customer (`[mail] fallback_customer`), routed like any call of the intake
  service (`[mail] intake_service`).
A message that cannot be stored at all raises `Unstorable`; callers set it aside.
"""

from __future__ import annotations

import contextlib
import email
import email.errors
import email.policy
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from helpdesk_tui.config import MailConfig
from helpdesk_tui.domain.errors import HelpdeskError, Invalid, StoreError
from helpdesk_tui.domain.mail_text import (
    FREE_MAIL,
    automatic_reason,
    guess_language,
    html_to_text,
    key_in_subject,
    parse_answer,
    safe_filename,
    trim_quoted,
)
from helpdesk_tui.domain.text import clean, clean_line, contact_search_text
from helpdesk_tui.domain.vocab import Channel, LinkKind
from helpdesk_tui.domain.workflow import Status
from helpdesk_tui.i18n import _
from helpdesk_tui.services import registration, ticket_actions
from helpdesk_tui.services.agents import CUSTOMER_ACTOR
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import JoinedStore, Store
from helpdesk_tui.store.keys import PREFIX

REPLY_LIMIT = 100_000
_MSGID = re.compile(r"<[^<>\s]+>")
_ROOT = re.compile(rf"<({PREFIX}-\d+)@helpdesk>", re.I)
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_CHARSET_ALIASES = {
    "win-1251": "cp1251",
    "windows1251": "cp1251",
    "x-cp1251": "cp1251",
    "koi8r": "koi8-r",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gbk",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
}


class Unstorable(Invalid):
    """The message cannot be stored (no sender, too large, data missing): set it aside."""

    exit_code = 3


@dataclass(frozen=True)
class Part:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Parsed:
    """What intake needs of a message, decoded and made inert."""

    message_key: str
    from_addr: str
    from_name: str
    subject: str
    text: str
    references: tuple[str, ...]
    automatic: str | None
    attachments: tuple[Part, ...]
    problems: tuple[str, ...]
    size: int


@dataclass(frozen=True)
class Intake:
    """What became of a message: `created`, `reply`, `confirmed`, `reopened`,
    `follow-up`, `ignored` or `duplicate`, the ticket, and a line for people."""

    outcome: str
    key: str | None
    detail: str
    attachments: int = 0
    problems: tuple[str, ...] = field(default=())


# -- reading a message -------------------------------------------------------------------------


def _charset(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    return _CHARSET_ALIASES.get(name, name)


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, bool]:
    """Text from bytes: the declared charset, else UTF-8, else Windows-1251 (the usual
    undeclared charset of Russian mail). Returns the text and whether it was clean."""
    declared = _charset(declared)
    for name in dict.fromkeys(c for c in (declared, "utf-8") if c):
        try:
            return data.decode(name), True
        except (LookupError, UnicodeDecodeError):
            continue
    if declared in (None, "us-ascii", "ascii", "utf-8", "utf8"):
        # mostly UTF-8 with a few bad bytes, or another charset altogether?
        text = data.decode("utf-8", errors="replace")
        if text.count("\ufffd") * 2 < sum(1 for b in data if b >= 0x80):
            return text, False
        try:
            return data.decode("cp1251"), True
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(declared or "utf-8", errors="replace"), False
    except LookupError:
        return data.decode("utf-8", errors="replace"), False


def _header_text(raw: str, charset: str | None) -> str:
    """A header's text: raw 8-bit bytes decoded, then RFC 2047 encoded words."""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        raw, _ok = decode_bytes(raw.encode("ascii", "surrogateescape"), charset)
    try:
        return str(make_header(decode_header(raw)))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return raw


class _Headers:
    """Header values from the raw source, never trusting the email package's parsers
    (they raise or mangle on malformed headers)."""

    def __init__(self, msg: Message, charset: str | None):
        self.raw: dict[str, str] = {}
        for name, value in msg.raw_items():
            self.raw.setdefault(name.lower(), value if isinstance(value, str) else str(value))
        self.charset = charset

    def __call__(self, name: str) -> str | None:
        value = self.raw.get(name.lower())
        return None if value is None else _header_text(value, self.charset)

    def ids(self, *names: str) -> list[str]:
        return [i for n in names for i in _MSGID.findall(self.raw.get(n.lower(), ""))]


def _leaves(msg: Message) -> Iterator[Message]:
    """The parts that hold content; an attached message (`message/*`) is one leaf."""
    if msg.get_content_maintype() == "message" or not msg.is_multipart():
        yield msg
        return
    payload = msg.get_payload()
    for part in payload if isinstance(payload, list) else []:
        if isinstance(part, Message):
            yield from _leaves(part)


def _part_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        try:
            return inner.as_bytes(policy=email.policy.compat32)
        except Exception:  # a broken attached message is kept as its text
            return str(inner).encode("utf-8", "surrogateescape")
    payload = part.get_payload()
    if isinstance(payload, list):  # message/delivery-status: blocks of fields
        return b"\n".join(p.as_bytes() for p in payload if isinstance(p, Message))
    if part.get_content_maintype() == "multipart":  # no usable boundary: its raw text
        raw = getattr(part, "_payload", "")  # get_payload() would decode it lossily
        return raw.encode("ascii", "surrogateescape") if isinstance(raw, str) else b""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _part_text(part: Message, problems: list[str]) -> str:
    text, ok = decode_bytes(_part_bytes(part), part.get_content_charset())
    if not ok:
        problems.append(f"invalid bytes in the text (charset {part.get_content_charset()})")
    if part.get_content_maintype() == "multipart":
        problems.append("broken MIME structure: read as plain text")
        return _without_mime_lines(text)
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    if (part.get_param("format") or "").lower() == "flowed":
        text = _unflow(text, (part.get_param("delsp") or "").lower() == "yes")
    return text


def _without_mime_lines(text: str) -> str:
    """A multipart body whose boundary is lost: boundary lines and part headers dropped."""
    out: list[str] = []
    in_headers = False
    for line in text.splitlines():
        if re.fullmatch(r"--\S+", line.strip()):
            in_headers = True
        elif in_headers:
            in_headers = bool(line.strip())
        else:
            out.append(line)
    return "\n".join(out).strip()


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: soft line breaks (a trailing space) joined."""
    out: list[str] = []
    joining = False
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line[1:] if line.startswith(" ") else line  # space-stuffing
        soft = line.endswith(" ") and line.rstrip() != "--"
        piece = line[:-1] if soft and delsp else line
        if joining and out:
            out[-1] += piece
        else:
            out.append(piece)
        joining = soft
    return "\n".join(out)


def _filename(part: Message, charset: str | None) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a malformed RFC 2231 parameter
        name = ""
    if not name and part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else None
        subject = _Headers(inner, charset)("Subject") if isinstance(inner, Message) else ""
        name = f"{subject or 'message'}.eml"
    return clean_line(_header_text(name, charset))


def parse(raw: bytes, ours: frozenset[str] = frozenset()) -> Parsed:
    """Read a message; raises `Unstorable` only when there is nobody to answer. `ours`:
    the desk's own addresses (mail from them is a loop)."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    problems = [type(d).__name__ for d in msg.defects][:5]
    leaves = list(_leaves(msg))
    charset = next((p.get_content_charset() for p in leaves if p.get_content_charset()), None)
    header = _Headers(msg, charset)

    name_raw, addr = _sender(header.raw)
    addr = clean_line(addr).lower()
    if not _ADDRESS.match(addr):
        what = f"an invalid sender address {addr!r}" if addr else "no sender address (From)"
        raise Unstorable(f"the message has {what}")
    ids = header.ids("Message-ID")
    key = ids[0] if ids and len(ids[0]) <= 255 else None
    if key is None:
        key = "sha256:" + hashlib.sha256(ids[0].encode() if ids else raw).hexdigest()
        problems.append("no Message-ID" if not ids else "an overlong Message-ID")

    texts, attachments = [], []
    for n, part in enumerate(leaves, 1):
        ctype = part.get_content_type()
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        name = _filename(part, charset)
        readable = ctype.startswith("text/") or part.get_content_maintype() == "multipart"
        if readable and not name and disposition != "attachment":
            texts.append((ctype, part))
        elif ctype != "multipart/report" or name:
            data = _part_bytes(part)
            if data or name:
                default = f"attachment-{n}"
                attachments.append(Part(name or default, clean_line(ctype)[:255], data))
    text = _body(texts, problems)
    automatic = automatic_reason(header, addr, ours, msg.get_content_type())
    return Parsed(
        message_key=key,
        from_addr=addr,
        from_name=clean_line(_header_text(name_raw, charset))[:300],
        subject=clean_line(header("Subject")),
        text=clean(text),
        references=tuple(header.ids("In-Reply-To", "References")[-30:]),
        automatic=automatic,
        attachments=tuple(attachments),
        problems=tuple(dict.fromkeys(problems)),
        size=len(raw),
    )


def _sender(raw: dict[str, str]) -> tuple[str, str]:
    """The first address of From (else Sender, else Return-Path) and its display name."""
    for name in ("from", "sender", "return-path"):
        for display, addr in getaddresses([raw.get(name, "")]):
            if "@" in addr:
                return display, addr
    return "", ""


def _body(texts: list[tuple[str, Message]], problems: list[str]) -> str:
    """The plain text parts in order; the HTML ones only when there is no plain text."""
    plain = [_part_text(p, problems) for ctype, p in texts if ctype != "text/html"]
    plain = [t for t in plain if t.strip()]
    if plain:
        return "\n\n".join(plain)
    html = [_part_text(p, problems) for ctype, p in texts if ctype == "text/html"]
    return "\n\n".join(t for t in html if t.strip())


# -- storing it --------------------------------------------------------------------------------


def take_in(store: Store, raw: bytes, config: MailConfig, *, now: datetime | None = None) -> Intake:
    """Store one message (see the module's docstring). Raises `Unstorable` for a message
    to set aside, `StoreError` when the store cannot be written (try again later)."""
    now = now or utcnow()
    if len(raw) > config.max_message_bytes:
        raise Unstorable(f"the message is too large ({len(raw):,} bytes)")
    parsed = parse(raw, config.ours)
    written: list[Path] = []
    try:
        with store.write() as s:
            row = _claim(s, parsed, now)
            if row is None:
                return Intake("duplicate", None, f"already taken in: {parsed.message_key}")
            return _act(store, s, parsed, row, raw, config, now, written)
    except HelpdeskError as exc:
        _remove(written)
        if isinstance(exc, StoreError | Unstorable):
            raise
        raise Unstorable(str(exc)) from exc
    except BaseException:
        _remove(written)
        raise


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _claim(s: Session, parsed: Parsed, now: datetime) -> m.MailMessage | None:
    """The message's row, or None when it was taken in before (or is being, right now,
    by another run: the unique key makes that one wait for this one, or fail)."""
    key = parsed.message_key
    if s.exec(select(m.MailMessage.id).where(m.MailMessage.message_key == key)).first():
        return None
    row = m.MailMessage(
        message_key=key,
        received_at=now,
        from_addr=parsed.from_addr[:320],
        subject=parsed.subject[:500],
        size=parsed.size,
        outcome="pending",
        reason="; ".join(parsed.problems)[:500],
    )
    try:
        with s.begin_nested():
            s.add(row)
            s.flush()
    except IntegrityError:
        return None
    return row


def _act(
    store: Store,
    s: Session,
    parsed: Parsed,
    row: m.MailMessage,
    raw: bytes,
    config: MailConfig,
    now: datetime,
    written: list[Path],
) -> Intake:
    if parsed.automatic:
        row.outcome, row.reason = "ignored", parsed.automatic[:500]
        _note_bounce(s, raw, parsed)
        s.add(row)
        return Intake("ignored", None, f"ignored: {parsed.automatic}")
    joined = JoinedStore(store, s)
    contact = _contact_by_address(s, parsed.from_addr)
    target = _thread(s, parsed)
    outcome, key, event_id = "", None, None
    if target is not None and _may_reply(s, target, contact, parsed.from_addr):
        if target.status in (Status.CLOSED, Status.CANCELLED):
            outcome = "follow-up"
        else:
            outcome, key, event_id = _reply(joined, s, target, contact, parsed, row, now)
    if not key:
        follow = target if outcome == "follow-up" else None
        contact = contact or _new_contact(s, parsed, config, now)
        key, event_id = _open(joined, s, parsed, contact, config, follow, now)
        outcome = outcome or "created"
    ticket = s.exec(select(m.Ticket).where(m.Ticket.key == key)).one()
    row.outcome, row.ticket_id, row.event_id = outcome, ticket.id, event_id
    s.add(row)
    s.flush()
    saved = _save_attachments(s, parsed, row, ticket, event_id, config, now, written)
    what = {
        "created": f"{key} opened",
        "follow-up": f"{key} opened as a follow-up of {target.key if target else '?'}",
        "reply": f"reply recorded on {key}",
        "confirmed": f"{key} confirmed and closed",
        "reopened": f"{key} reopened",
    }[outcome]
    files = f" with {saved} attachment{'s' if saved != 1 else ''}" if saved else ""
    return Intake(outcome, key, f"{what}{files}", saved, parsed.problems)


def _reply(
    joined: Store,
    s: Session,
    t: m.Ticket,
    contact: m.Contact | None,
    parsed: Parsed,
    row: m.MailMessage,
    now: datetime,
) -> tuple[str, str, int]:
    text = trim_quoted(parsed.text) if parsed.text.strip() else ""
    answer = parse_answer(text) if t.status == Status.RESOLVED else None
    if not text:
        names = ", ".join(p.name for p in parsed.attachments) or "nothing"
        text = f"(no text; attached: {names})"
    if contact is None or contact.id != t.contact_id:
        who = f"{parsed.from_name} <{parsed.from_addr}>" if parsed.from_name else parsed.from_addr
        text = f"From: {who}\n\n{text}"
    text = _limit(text, REPLY_LIMIT)
    if t.status == Status.RESOLVED:
        if answer is not None and answer.yes:
            done = ticket_actions.confirm(
                joined, CUSTOMER_ACTOR, t.key, rating=answer.rating, now=now
            )
            row.reason = f"answer: {text[:200]}"
            return "confirmed", t.key, done.event_id
        done = ticket_actions.customer_reply(joined, t.key, text, now=now)
        return "reopened", t.key, done.event_id
    done = ticket_actions.customer_reply(joined, t.key, text, now=now)
    return "reply", t.key, done.event_id


def _open(
    joined: Store,
    s: Session,
    parsed: Parsed,
    contact: m.Contact,
    config: MailConfig,
    follow: m.Ticket | None,
    now: datetime,
) -> tuple[str, int]:
    subject = parsed.subject or ("(без темы)" if contact.language == "ru" else "(no subject)")
    if len(subject) > registration.SUBJECT_LIMIT:
        subject = subject[: registration.SUBJECT_LIMIT - 1] + "…"
    description = parsed.text
    if not description.strip() and parsed.attachments:
        description = "(no text; attached: " + ", ".join(p.name for p in parsed.attachments) + ")"
    done = registration.register(
        joined,
        CUSTOMER_ACTOR,
        registration.NewTicket(
            subject=subject,
            service=config.intake_service,
            description=_limit(description, registration.DESCRIPTION_LIMIT),
            channel=Channel.EMAIL,
            contact_id=contact.id,
            tags=("follow-up",) if follow else (),
        ),
        now=now,
    )
    if follow is not None:
        s.add(
            m.TicketLink(
                ticket_id=done.id, other_id=follow.id, kind=LinkKind.RELATED, created_at=now
            )
        )
    event_id = s.exec(
        select(m.TicketEvent.id)
        .where(m.TicketEvent.ticket_id == done.id)
        .order_by(m.TicketEvent.id.desc())
    ).first()
    return done.key, event_id


def _limit(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    note = f"\n… [{len(text) - limit + 100:,} more characters not kept]"
    return text[: limit - 100] + note


# -- who wrote, about which ticket ----------------------------------------------------------


def _contact_by_address(s: Session, addr: str) -> m.Contact | None:
    return s.exec(
        select(m.Contact)
        .where(m.Contact.email == addr)
        .order_by(m.Contact.active.desc(), m.Contact.id)
    ).first()


def _thread(s: Session, parsed: Parsed) -> m.Ticket | None:
    """The ticket a message answers: the key in its subject, else the ticket of a message
    of ours (or of the customer's) that it names in In-Reply-To/References."""
    key = key_in_subject(parsed.subject, PREFIX)
    if key:
        found = s.exec(select(m.Ticket).where(m.Ticket.key == key)).first()
        if found is not None:
            return found
    if not parsed.references:
        return None
    ids = list(parsed.references)
    roots = [r.group(1).upper() for r in map(_ROOT.match, ids) if r]
    if roots:  # our thread root, `<hd-1042@helpdesk>` (services/outbox.py)
        found = s.exec(select(m.Ticket).where(m.Ticket.key.in_(roots))).first()
        if found is not None:
            return found
    found = s.exec(
        select(m.Ticket)
        .join(m.Outbox, m.Outbox.ticket_id == m.Ticket.id)
        .where(m.Outbox.message_id.in_(ids))
        .order_by(m.Outbox.id.desc())
    ).first()
    if found is None:
        found = s.exec(
            select(m.Ticket)
            .join(m.MailMessage, m.MailMessage.ticket_id == m.Ticket.id)
            .where(m.MailMessage.message_key.in_(ids))
            .order_by(m.MailMessage.id.desc())
        ).first()
    return found


def _may_reply(s: Session, t: m.Ticket, contact: m.Contact | None, addr: str) -> bool:
    """Replies count from the ticket's customer: its contacts, or its contact's domain.
    A stranger quoting a key opens a ticket of their own instead."""
    if contact is not None and (contact.id == t.contact_id or contact.customer_id == t.customer_id):
        return True
    own = s.get(m.Contact, t.contact_id) if t.contact_id else None
    domain = addr.rsplit("@", 1)[-1]
    return bool(own and own.email.endswith("@" + domain) and domain not in FREE_MAIL)


def _new_contact(s: Session, parsed: Parsed, config: MailConfig, now: datetime) -> m.Contact:
    """A contact for a new sender: of the customer whose contacts share the sender's
    domain (one customer, not a free-mail domain), else of the fallback customer."""
    domain = parsed.from_addr.rsplit("@", 1)[-1]
    customer = None
    if domain not in FREE_MAIL:
        like = "%@" + domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        owners = s.exec(
            select(m.Contact.customer_id)
            .where(m.Contact.email.like(like, escape="\\"), m.Contact.active)
            .distinct()
        ).all()
        if len(owners) == 1:
            customer = s.get(m.Customer, owners[0])
    if customer is None:
        code = config.fallback_customer
        customer = s.exec(select(m.Customer).where(m.Customer.code == code)).first()
        if customer is None:
            raise Unstorable(
                f"no customer for the new sender {parsed.from_addr}: add the fallback "
                f"customer {code!r} (data/customers.toml) or set [mail] fallback_customer"
            )
    name = parsed.from_name or parsed.from_addr.split("@")[0]
    language = guess_language(f"{parsed.subject}\n{parsed.text}") or customer.language
    contact = m.Contact(
        customer_id=customer.id,
        name=name[:300],
        email=parsed.from_addr,
        language=language,
        created_at=now,
        search_text=contact_search_text(name, parsed.from_addr, "", "", "", customer.name),
    )
    s.add(contact)
    s.flush()
    return contact


_OUR_IDS = re.compile(rb"<[0-9a-f]{32}@helpdesk>")


def _note_bounce(s: Session, raw: bytes, parsed: Parsed) -> None:
    """A delivery report naming one of our messages: that message failed after all."""
    if not parsed.automatic or "delivery" not in parsed.automatic:
        return
    ids = {i.decode() for i in _OUR_IDS.findall(raw)} | set(parsed.references)
    if not ids:
        return
    found = re.search(rb"Diagnostic-Code:[^\r\n]*", raw, re.I)
    why = clean_line(found.group(0).decode("ascii", "replace")) if found else parsed.subject
    for row in s.exec(select(m.Outbox).where(m.Outbox.message_id.in_(list(ids)))).all():
        row.status, row.last_error = "failed", f"bounced: {why}"[:2000]
        s.add(row)


# -- attachments ----------------------------------------------------------------------------


def _save_attachments(
    s: Session,
    parsed: Parsed,
    row: m.MailMessage,
    ticket: m.Ticket,
    event_id: int | None,
    config: MailConfig,
    now: datetime,
    written: list[Path],
) -> int:
    """Each file under `<attachments dir>/<KEY>/<message row>-<n>-<safe name>`: the
    sender's name is only a hint for the last part, never a path."""
    if not parsed.attachments:
        return 0
    folder = config.attachments_dir / ticket.key
    folder.mkdir(parents=True, exist_ok=True)
    for n, part in enumerate(parsed.attachments, 1):
        fallback = f"attachment-{n}"
        relative = f"{ticket.key}/{row.id}-{n}-{safe_filename(part.name, fallback)}"
        path = config.attachments_dir / relative
        temporary = path.with_name(f".{row.id}-{n}.part")
        temporary.write_bytes(part.data)
        written.append(temporary)
        os.replace(temporary, path)
        written.append(path)
        s.add(
            m.Attachment(
                ticket_id=ticket.id,
                event_id=event_id,
                mail_message_id=row.id,
                name=part.name[:255] or fallback,
                content_type=part.content_type or "application/octet-stream",
                size=len(part.data),
                sha256=hashlib.sha256(part.data).hexdigest(),
                path=relative,
                created_at=now,
            )
        )
    return len(parsed.attachments)


# -- files: one message from a file or a pipe, every new message of a maildir -----------------

TEMPORARY = (StoreError, OSError)
"""Failures that are not the message's fault: it stays where it is, to be tried again."""


@dataclass
class Batch:
    """What one run did: each file's outcome, the ones set aside, and whether it stopped
    early on a temporary failure (the rest stay in new/ for the next run)."""

    done: list[tuple[str, Intake]] = field(default_factory=list)
    set_aside: list[tuple[str, str]] = field(default_factory=list)
    stopped: str = ""

    def count(self, *outcomes: str) -> int:
        return sum(1 for _name, result in self.done if result.outcome in outcomes)


def set_aside(folder: Path, name: str, raw: bytes | None, source: Path | None, reason: str) -> Path:
    """Keep a message that could not be stored, with `<name>.reason` saying why. The
    reason is written first: a message in failed/ always has its reason."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    reason_file = folder / f"{name}.reason"
    reason_file.write_text(f"{utcnow().isoformat(timespec='seconds')} {reason}\n", "utf-8")
    if source is not None:
        os.replace(source, target)
    else:
        target.write_bytes(raw or b"")
    return target


def take_in_file(
    store: Store, raw: bytes, config: MailConfig, *, now: datetime | None = None
) -> Intake:
    """One message from a file or a mail server's pipe. A message that cannot be stored
    is kept in `[mail] failed_dir` and `Unstorable` is raised naming where."""
    try:
        return take_in(store, raw, config, now=now)
    except TEMPORARY:
        raise
    except Exception as exc:  # Unstorable, or a bug: either way the message is kept
        reason = str(exc) if isinstance(exc, Unstorable) else f"internal error: {exc!r}"
        name = f"{utcnow():%Y%m%dT%H%M%S}-{hashlib.sha256(raw).hexdigest()[:12]}.eml"
        where = set_aside(config.failed_dir, name, raw, None, reason)
        raise Unstorable(f"{reason}; kept in {where}") from exc


def take_in_maildir(
    store: Store,
    directory: Path,
    config: MailConfig,
    *,
    now: datetime | None = None,
    stale_after_s: int = 900,
) -> Batch:
    """Every message in `new/`: claimed by an atomic rename into `cur/` (flag-less name
    `<name>:2,`), stored, then marked seen (`<name>:2,S`); what cannot be stored goes to
    `failed/` with a `.reason`. Runs may overlap: a rename succeeds for one of them only,
    and a claim left by a run that died is given back to `new/` after `stale_after_s`
    (the message's key keeps it from being stored twice)."""
    new, cur, failed = directory / "new", directory / "cur", directory / "failed"
    if not new.is_dir():
        raise Invalid(
            _("{directory} is not a maildir (it has no new/ folder)").format(directory=directory)
        )
    cur.mkdir(exist_ok=True)
    _give_back_stale(cur, new, stale_after_s)
    batch = Batch()
    for name in sorted(os.listdir(new)):
        if name.startswith("."):
            continue
        base = name.split(":", 1)[0]
        claimed = cur / f"{base}:2,"
        try:
            os.rename(new / name, claimed)
        except FileNotFoundError:
            continue  # another run claimed it first
        os.utime(claimed)  # the claim's age, for `_give_back_stale`
        try:
            raw = claimed.read_bytes()
            result = take_in(store, raw, config, now=now)
        except TEMPORARY as exc:
            os.replace(claimed, new / name)
            batch.stopped = f"{base}: {exc}"
            break
        except Unstorable as exc:
            set_aside(failed, base, None, claimed, str(exc))
            batch.set_aside.append((base, str(exc)))
            continue
        except Exception as exc:  # a bug must not lose the message nor stop the others
            reason = f"internal error: {type(exc).__name__}: {exc}"
            set_aside(failed, base, None, claimed, reason)
            batch.set_aside.append((base, reason))
            continue
        with contextlib.suppress(FileNotFoundError):  # given back as stale meanwhile
            os.replace(claimed, cur / f"{base}:2,S")
        batch.done.append((base, result))
    return batch


def _give_back_stale(cur: Path, new: Path, stale_after_s: int) -> None:
    limit = utcnow().timestamp() - stale_after_s
    for name in os.listdir(cur):
        if not name.endswith(":2,"):
            continue
        try:
            st = os.stat(cur / name)
            if max(st.st_mtime, st.st_ctime) < limit:
                os.rename(cur / name, new / name[:-3])
        except FileNotFoundError:
            continue
