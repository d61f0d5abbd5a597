"""Templates: the ones that fit a ticket, filled for it; and writing them.

Templates come from `data/templates.toml` (`helpdesk data load`) and from the templates
screen. One saved from the screen records who saved it (`edited_by_id`), and `data load`
then leaves it as it is, so an edit is never silently lost to the file's older text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from helpdesk_tui.domain.errors import Conflict, Invalid, NotFound
from helpdesk_tui.domain.placeholders import fill, problems
from helpdesk_tui.domain.text import clean, clean_line
from helpdesk_tui.i18n import _, localized
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.notify import placeholder_values
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import normalize_key, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store


@dataclass(frozen=True)
class TemplateChoice:
    code: str
    name: str
    language: str
    kind: str
    body: str  # filled for the ticket
    use_count: int


def for_ticket(
    store: Store, actor: Actor, key: str, kinds: tuple[str, ...] = ("reply", "resolution")
) -> list[TemplateChoice]:
    """Templates scoped to the ticket's service and line, filled from the ticket, in the
    contact's language first, most used first."""
    with store.read() as s:
        cat = catalog(store, s)
        t = s.exec(select(m.Ticket).where(m.Ticket.key == normalize_key(key))).first()
        if t is None:
            raise NotFound(_("no ticket {key}").format(key=normalize_key(key)))
        service = cat.services[t.service_id].code
        line = cat.lines[t.line_id].code
        contact = s.get(m.Contact, t.contact_id) if t.contact_id else None
        language = contact.language if contact else "ru"
        rows = s.exec(select(m.Template).where(m.Template.active, m.Template.kind.in_(kinds))).all()
        out = []
        for row in rows:
            if row.services and service not in row.services:
                continue
            if row.lines and line not in row.lines:
                continue
            values = placeholder_values(s, cat, t, language=row.language, agent_name=actor.name)
            out.append(
                TemplateChoice(
                    row.code,
                    row.name,
                    row.language,
                    row.kind,
                    fill(row.body, values),
                    row.use_count,
                )
            )
        out.sort(key=lambda c: (c.language != language, -c.use_count, c.name))
        return out


def for_call(
    store: Store,
    actor: Actor,
    service: str,
    kinds: tuple[str, ...] = ("resolution", "reply"),
    *,
    language: str = "ru",
    contact_id: int | None = None,
    line: str = "L1",
) -> list[TemplateChoice]:
    """Templates for a call not registered yet (solved on first contact): what is known
    (the caller, the agent) is filled in now; the rest (the key, the deadlines) when the
    ticket is registered."""
    with store.read() as s:
        contact = s.get(m.Contact, contact_id) if contact_id else None
        customer = s.get(m.Customer, contact.customer_id) if contact else None
        site = s.get(m.Site, contact.site_id) if contact and contact.site_id else None
        values = {
            "contact.name": contact.name if contact else "",
            "contact.phone": contact.phone if contact else "",
            "contact.email": contact.email if contact else "",
            "customer.name": customer.name if customer else "",
            "site.name": site.name if site else "",
            "agent.name": actor.name,
        }
        rows = s.exec(select(m.Template).where(m.Template.active, m.Template.kind.in_(kinds))).all()
        out = [
            TemplateChoice(
                row.code,
                row.name,
                row.language,
                row.kind,
                fill_known(row.body, values),
                row.use_count,
            )
            for row in rows
            if (not row.services or service in row.services)
            and (not row.lines or line in row.lines)
        ]
        out.sort(key=lambda c: (c.language != language, -c.use_count, c.name))
        return out


def fill_known(body: str, values: dict[str, str]) -> str:
    """Fill only the placeholders in `values`; leave the others for later."""
    from helpdesk_tui.domain.placeholders import names_in

    for name in set(names_in(body)) & set(values):
        body = fill_one(body, name, values[name])
    return body


def fill_one(body: str, name: str, value: str) -> str:
    import re

    return re.sub(r"\{\{\s*" + re.escape(name) + r"\s*\}\}", lambda _m: value, body)


# -- the templates screen ---------------------------------------------------------------------

KINDS = ("reply", "resolution", "notification")
LANGUAGES = ("en", "ru")
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
BODY_MAX = 20_000

# what the preview shows when the store has no ticket to fill a template from
EXAMPLE = {
    "ticket.key": "HD-1042",
    "ticket.subject": "Cash desk 3 does not print receipts",
    "ticket.priority": "P3",
    "ticket.status": "in progress",
    "ticket.service": "Receipt printer",
    "contact.name": "Olga Smirnova",
    "contact.phone": "+7 495 123-45-17",
    "contact.email": "shop017@produkty24.example",
    "customer.name": "Produkty 24",
    "site.name": "Shop 17",
    "asset.name": "Cash desk 3 receipt printer",
    "sla.response_due": "24.11.2026 15:00",
    "sla.resolution_due": "25.11.2026 12:00",
    "resolution": "The paper roll was replaced; a test receipt printed.",
}


@dataclass(frozen=True)
class TemplateRow:
    code: str
    name: str
    language: str
    kind: str
    services: tuple[str, ...]
    lines: tuple[str, ...]
    subject: str
    body: str  # as written, placeholders and all
    use_count: int
    active: bool
    updated_at: datetime | None
    edited: bool  # saved from the application (`data load` keeps it)


@dataclass(frozen=True)
class TemplateInput:
    code: str
    name: str
    body: str
    language: str = "en"
    kind: str = "reply"
    services: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    subject: str = ""
    active: bool = True


@dataclass(frozen=True)
class Sample:
    """The ticket a preview is filled from (None: the made-up example), and its values."""

    key: str | None
    values: dict[str, str]


def _row(t: m.Template) -> TemplateRow:
    return TemplateRow(
        t.code,
        t.name,
        t.language,
        t.kind,
        tuple(t.services),
        tuple(t.lines),
        t.subject,
        t.body,
        t.use_count,
        t.active,
        t.updated_at,
        t.edited_by_id is not None,
    )


def list_all(store: Store, actor: Actor) -> list[TemplateRow]:
    """Every template, active first, by kind and name (a few hundred at most)."""
    with store.read() as s:
        rows = s.exec(select(m.Template)).all()
        order = {k: i for i, k in enumerate(KINDS)}
        return sorted(
            (_row(t) for t in rows),
            key=lambda r: (not r.active, order.get(r.kind, 9), r.name.casefold(), r.code),
        )


def get(store: Store, actor: Actor, code: str) -> TemplateRow:
    with store.read() as s:
        row = s.exec(select(m.Template).where(m.Template.code == clean_line(code))).first()
        if row is None:
            raise NotFound(_("no template {code!r}").format(code=clean_line(code)))
        return _row(row)


def _codes(values: tuple[str, ...], known: set[str], what: str) -> list[str]:
    out: list[str] = []
    for value in values:
        code = clean_line(value)
        if code and code not in known:
            raise Invalid(
                _("unknown {what} {code!r} (known: {known})").format(
                    what=what, code=code, known=", ".join(sorted(known))
                )
            )
        if code and code not in out:
            out.append(code)
    return out


def validate(store: Store, data: TemplateInput) -> TemplateInput:
    """The input cleaned, or a one-line `Invalid` naming the first thing wrong."""
    code = clean_line(data.code).lower()
    if not _CODE.fullmatch(code):
        raise Invalid(
            _(
                "bad code {code!r}: lower-case letters, digits and dashes, "
                "at most 64 (printer-paper-en)"
            ).format(code=code)
        )
    name = clean_line(data.name)
    if not name or len(name) > 200:
        raise Invalid(
            _("the name is empty") if not name else _("the name is too long (at most 200)")
        )
    if data.kind not in KINDS:
        raise Invalid(
            _("unknown kind {kind!r}: use {KINDS}").format(kind=data.kind, KINDS=", ".join(KINDS))
        )
    if data.language not in LANGUAGES:
        raise Invalid(
            _("unknown language {language!r}: use {LANGUAGES}").format(
                language=data.language, LANGUAGES=" or ".join(LANGUAGES)
            )
        )
    subject = clean_line(data.subject)
    if len(subject) > 500:
        raise Invalid(_("the subject is too long (at most 500)"))
    body = clean(data.body)
    if not body.strip():
        raise Invalid(_("the body is empty"))
    if len(body) > BODY_MAX:
        raise Invalid(
            _("the body is too long ({body:,} characters; at most {BODY_MAX:,})").format(
                body=len(body), BODY_MAX=BODY_MAX
            )
        )
    for where, text in (("subject", subject), ("body", body)):
        found = problems(text)
        if found:
            raise Invalid(f"{where}, {found[0]}")
    cat = catalog(store)
    services = _codes(data.services, {sv.code for sv in cat.services.values()}, "service")
    lines = _codes(data.lines, {ln.code for ln in cat.lines.values()}, "line")
    return TemplateInput(
        code,
        name,
        body,
        data.language,
        data.kind,
        tuple(services),
        tuple(lines),
        subject,
        data.active,
    )


@guarded("template.write")
def save(
    store: Store,
    actor: Actor,
    data: TemplateInput,
    *,
    new: bool,
    expected_updated_at: datetime | None = None,
) -> TemplateRow:
    """Write a new template (`new`, its code must be free) or change the one with
    `data.code`. A change over a newer version than the one edited is refused."""
    clean_data = validate(store, data)
    now = utcnow()
    with store.write() as s:
        row = s.exec(
            select(m.Template).where(m.Template.code == clean_data.code).with_for_update()
        ).first()
        if new and row is not None:
            raise Invalid(
                _("a template {code!r} exists already: choose another code").format(
                    code=clean_data.code
                )
            )
        if not new:
            if row is None:
                raise NotFound(_("no template {code!r}").format(code=clean_data.code))
            if expected_updated_at is not None and row.updated_at != expected_updated_at:
                raise Conflict(
                    _(
                        "template {code!r} was changed by somebody else while you edited it; "
                        "nothing was saved (your text is still in the editor)"
                    ).format(code=row.code)
                )
            if row.updated_at is not None and now <= row.updated_at:
                now = row.updated_at + timedelta(microseconds=1)
        else:
            row = m.Template(code=clean_data.code, name=clean_data.name)
        row.name = clean_data.name
        row.language = clean_data.language
        row.kind = clean_data.kind
        row.services = list(clean_data.services)
        row.lines = list(clean_data.lines)
        row.subject = clean_data.subject
        row.body = clean_data.body
        row.active = clean_data.active
        row.updated_at = now
        row.edited_by_id = actor.id
        s.add(row)
        s.flush()
        return _row(row)


def sample(
    store: Store, actor: Actor, services: tuple[str, ...] = (), language: str = "en"
) -> Sample:
    """Values to preview a template with: from the newest ticket of one of `services` (of
    any service when none), or a made-up example when there is no such ticket."""
    with store.read() as s:
        cat = catalog(store, s)
        q = select(m.Ticket).order_by(m.Ticket.id.desc()).limit(1)
        ids = [sv.id for sv in cat.services.values() if sv.code in services]
        if ids:
            q = q.where(m.Ticket.service_id.in_(ids))
        ticket = s.exec(q).first()
        if ticket is None:
            return Sample(None, {**EXAMPLE, "agent.name": actor.name})
        values = placeholder_values(s, cat, ticket, language=language, agent_name=actor.name)
        if not values.get("resolution"):
            values["resolution"] = EXAMPLE["resolution"]
        return Sample(ticket.key, values)


@dataclass(frozen=True)
class Scopes:
    """What a template may be scoped to: services and lines, as (code, name)."""

    services: tuple[tuple[str, str], ...]
    lines: tuple[tuple[str, str], ...]


def scopes(store: Store) -> Scopes:
    """The services and lines a template may name, by their names in the language in
    force."""
    cat = catalog(store)
    return Scopes(
        tuple(sorted((sv.code, localized(sv)) for sv in cat.services.values())),
        tuple(
            (ln.code, localized(ln)) for ln in sorted(cat.lines.values(), key=lambda ln: ln.level)
        ),
    )
