"""Macros (domain/macros.py): run on tickets, each step the service an agent would call;
and written in the application.

A run on one ticket stops at the first step refused (the steps after it would act on a
state nobody planned); the report says which steps were done and which refused, and why.
Every step is its own transaction and event, so the timeline shows the macro as the
actions it took.

Macros come from two places, kept apart: `data/macros.toml` (the desk setting `macros`,
replaced whole by `helpdesk data load`) and the application's macro editor or `helpdesk
macro add` (the desk setting `app_macros`, which `data load` never touches). A code is one
macro: the editor refuses a code the data file has, and should the file later gain a code
made here, the file's macro wins and the one made here is listed as hidden by it (to be
deleted or kept until the file drops it). Each save and delete is recorded, with who, when,
and the macro before and after, in the same transaction (`helpdesk macro log`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from helpdesk_tui.domain.errors import Conflict, HelpdeskError, Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.macros import Macro, Step, parse_typed
from helpdesk_tui.domain.placeholders import fill
from helpdesk_tui.domain.text import clean_line
from helpdesk_tui.i18n import _, localized, n_
from helpdesk_tui.services import bulk, templates, ticket_actions
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.notify import placeholder_values
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import normalize_key, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store


@dataclass
class StepOutcome:
    key: str
    step: str
    ok: bool
    message: str


@dataclass
class Run:
    macro: Macro
    outcomes: list[StepOutcome] = field(default_factory=list)

    @property
    def tickets_done(self) -> int:
        keys = {o.key for o in self.outcomes}
        failed = {o.key for o in self.outcomes if not o.ok}
        return len(keys - failed)

    @property
    def tickets_failed(self) -> int:
        return len({o.key for o in self.outcomes if not o.ok})

    def summary(self) -> str:
        text = n_("{macro}: {n} done", "{macro}: {n} done", self.tickets_done).format(
            macro=localized(self.macro), n=self.tickets_done
        )
        if self.tickets_failed:
            first = next(o for o in self.outcomes if not o.ok)
            text += n_(
                ", {n} stopped ({key}: {why})", ", {n} stopped ({key}: {why})", self.tickets_failed
            ).format(n=self.tickets_failed, key=first.key, why=first.message)
        return text


DATA_KEY = "macros"  # data/macros.toml's, replaced by `data load`
APP_KEY = "app_macros"  # made in the application: {"macros": [...], "log": [...]}


def _setting(s: Session, key: str) -> dict[str, Any]:
    row = s.exec(select(m.DeskSetting).where(m.DeskSetting.key == key)).first()
    return row.value if row is not None else {}


def list_macros(store: Store) -> list[Macro]:
    """The macros in force: the data file's, then those made in the application (but for
    one hidden by a data-file macro of the same code)."""
    with store.read() as s:
        data, app = _setting(s, DATA_KEY), _setting(s, APP_KEY)
    found = [Macro.from_json(d) for d in data.get("macros", [])]
    codes = {mac.code for mac in found}
    return found + [
        Macro.from_json({**d, "origin": "app"})
        for d in app.get("macros", [])
        if d["code"] not in codes
    ]


def find(store: Store, code: str) -> Macro:
    for macro in list_macros(store):
        if macro.code == code.strip():
            return macro
    known = ", ".join(m.code for m in list_macros(store)) or "none: see data/macros.toml"
    raise NotFound(_("no macro {code!r} (known: {known})").format(code=code, known=known))


# -- writing macros in the application ------------------------------------------------------

_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
NAME_MAX = 200


@dataclass(frozen=True)
class MacroRow:
    """A macro as the editor lists it."""

    macro: Macro
    origin: str  # data | app
    updated_at: str = ""  # made here: when last saved (ISO), the editor's conflict check
    updated_by: str = ""  # made here: who saved it last
    hidden: bool = False  # made here, but the data file has a macro of the same code

    @property
    def code(self) -> str:
        return self.macro.code


@dataclass(frozen=True)
class MacroInput:
    code: str
    name: str
    steps: str  # one step per line, as in data/macros.toml (domain.macros.parse_typed)
    name_ru: str = ""


@dataclass(frozen=True)
class LogEntry:
    at: str
    by: str
    action: str  # created | changed | deleted
    code: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def list_rows(store: Store) -> list[MacroRow]:
    """Every macro, the data file's first (in its order), then those made here by name."""
    with store.read() as s:
        data, app = _setting(s, DATA_KEY), _setting(s, APP_KEY)
    rows = [MacroRow(Macro.from_json(d), "data") for d in data.get("macros", [])]
    codes = {r.code for r in rows}
    made = [
        MacroRow(
            Macro.from_json({**d, "origin": "app"}),
            "app",
            d.get("updated_at", ""),
            d.get("updated_by", ""),
            d["code"] in codes,
        )
        for d in app.get("macros", [])
    ]
    return rows + sorted(made, key=lambda r: (r.macro.name.casefold(), r.code))


def validate(data: MacroInput) -> Macro:
    """The macro the input describes, or one `Invalid` line naming what is wrong (a step:
    its line and number, checked exactly as the data file's steps are)."""
    code = clean_line(data.code).lower()
    if not _CODE.fullmatch(code):
        raise Invalid(
            _(
                "bad code {code!r}: lower-case letters, digits and dashes, at most 64 "
                "(ask-cash-desk)"
            ).format(code=code)
        )
    name, name_ru = clean_line(data.name), clean_line(data.name_ru)
    if not name:
        raise Invalid(_("the name is empty"))
    if max(len(name), len(name_ru)) > NAME_MAX:
        raise Invalid(_("the name is too long (at most {n})").format(n=NAME_MAX))
    if not data.steps.strip():
        raise Invalid(_("no steps: one step per line, such as take = true"))
    return replace(parse_typed(code, name, data.steps, name_ru), origin="app")


def _rule_users(s: Session, code: str) -> list[str]:
    return [r["code"] for r in _setting(s, "rules").get("rules", []) if _runs(r, code)]


def _runs(rule: dict[str, Any], code: str) -> bool:
    return any(a.get("action") == "macro" and a.get("value") == code for a in rule.get("then", []))


def _write_app(s: Session, value: dict[str, Any], existed: bool) -> None:
    if existed:
        row = s.get(m.DeskSetting, APP_KEY)
        row.value = value  # a new dict: the JSON column sees the change
        s.add(row)
    else:
        s.add(m.DeskSetting(key=APP_KEY, value=value))
    try:
        s.flush()
    except IntegrityError:  # two first macros of a store saved at once (PostgreSQL)
        raise Conflict(
            _("somebody saved a macro at the same moment; nothing was saved: save again")
        ) from None


def _locked(s: Session) -> tuple[dict[str, Any], bool]:
    row = s.exec(
        select(m.DeskSetting).where(m.DeskSetting.key == APP_KEY).with_for_update()
    ).first()
    if row is None:
        return {"macros": [], "log": []}, False
    value = {"macros": list(row.value.get("macros", [])), "log": list(row.value.get("log", []))}
    return value, True


def _stored(macro: Macro) -> dict[str, Any]:
    data = macro.as_json()
    data.pop("origin", None)
    return data


@guarded("macro.edit")
def save(
    store: Store,
    actor: Actor,
    data: MacroInput,
    *,
    new: bool,
    expected_updated_at: str | None = None,
    now: datetime | None = None,
) -> MacroRow:
    """Write a new macro (`new`: its code must be free, in the data file too) or change one
    made here. A change over a newer save than the one edited is refused."""
    macro = validate(data)
    at = (now or utcnow()).isoformat()
    with store.write() as s:
        if any(d["code"] == macro.code for d in _setting(s, DATA_KEY).get("macros", [])):
            raise Invalid(
                _(
                    "macro {code!r} comes from data/macros.toml: edit it in the file, "
                    "or choose another code"
                ).format(code=macro.code)
            )
        value, existed = _locked(s)
        index = next((i for i, d in enumerate(value["macros"]) if d["code"] == macro.code), None)
        before = value["macros"][index] if index is not None else None
        if new and before is not None:
            raise Invalid(
                _("a macro {code!r} exists already: choose another code").format(code=macro.code)
            )
        if not new:
            if before is None:
                raise NotFound(
                    _("no macro {code!r} made in the application").format(code=macro.code)
                )
            if expected_updated_at is not None and before.get("updated_at") != expected_updated_at:
                raise Conflict(
                    _(
                        "macro {code!r} was changed by {who} while you edited it; nothing was "
                        "saved (your steps are still in the editor)"
                    ).format(code=macro.code, who=before.get("updated_by") or "?")
                )
        after = {**_stored(macro), "updated_at": at, "updated_by": actor.login}
        if index is None:
            value["macros"].append(after)
        else:
            value["macros"][index] = after
        value["log"].append(_entry(at, actor, "changed" if before else "created", before, after))
        _write_app(s, value, existed)
    return MacroRow(replace(macro, origin="app"), "app", at, actor.login)


@guarded("macro.edit")
def delete(store: Store, actor: Actor, code: str, *, now: datetime | None = None) -> Macro:
    """Delete a macro made here; one a rule of data/rules.toml runs is refused."""
    code = clean_line(code).lower()
    at = (now or utcnow()).isoformat()
    with store.write() as s:
        value, existed = _locked(s)
        index = next((i for i, d in enumerate(value["macros"]) if d["code"] == code), None)
        if index is None:
            if any(d["code"] == code for d in _setting(s, DATA_KEY).get("macros", [])):
                raise NotAllowed(
                    _("macro {code!r} comes from data/macros.toml: remove it from the file").format(
                        code=code
                    )
                )
            raise NotFound(_("no macro {code!r} made in the application").format(code=code))
        data_codes = {d["code"] for d in _setting(s, DATA_KEY).get("macros", [])}
        users = [] if code in data_codes else _rule_users(s, code)
        if users:
            raise Invalid(
                _("macro {code!r} is run by the rule {rule} (data/rules.toml): not deleted").format(
                    code=code, rule=", ".join(users)
                )
            )
        before = value["macros"].pop(index)
        value["log"].append(_entry(at, actor, "deleted", before, None))
        _write_app(s, value, existed)
    return Macro.from_json({**before, "origin": "app"})


def _entry(
    at: str, actor: Actor, action: str, before: dict | None, after: dict | None
) -> dict[str, Any]:
    return {
        "at": at,
        "by": actor.login,
        "action": action,
        "code": (after or before or {}).get("code", ""),
        "before": before,
        "after": after,
    }


@guarded("audit.view")
def log(store: Store, actor: Actor, *, limit: int = 50) -> list[LogEntry]:
    """The saves and deletes of macros made here, newest first."""
    with store.read() as s:
        entries = _setting(s, APP_KEY).get("log", [])
    return [
        LogEntry(e["at"], e["by"], e["action"], e["code"], e.get("before"), e.get("after"))
        for e in reversed(entries[-max(1, limit) :])
    ]


def run(
    store: Store,
    actor: Actor,
    code: str,
    keys: list[str],
    *,
    progress: Callable[[StepOutcome], None] | None = None,
) -> Run:
    """Run macro `code` on each ticket of `keys` in turn."""
    macro = find(store, code)
    result = Run(macro)
    for key in keys:
        key = normalize_key(key)
        for step in macro.steps:
            try:
                outcome = StepOutcome(key, step.describe(), True, _step(store, actor, key, step))
            except HelpdeskError as exc:
                outcome = StepOutcome(key, step.describe(), False, str(exc))
            result.outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
            if not outcome.ok:
                break
    return result


def run_steps(store: Store, actor: Actor, macro: Macro, key: str) -> list[str]:
    """Every step of `macro` on one ticket, raising at the first refused: for callers that
    keep all of it or none (an automation rule runs a macro in a savepoint)."""
    return [_step(store, actor, key, step) for step in macro.steps]


def _step(store: Store, actor: Actor, key: str, step: Step) -> str:
    if step.action == "take":
        return ticket_actions.take(store, actor, key).message
    if step.action == "reply":
        body, code = _template(store, actor, key, step.value, ("reply",))
        return ticket_actions.reply(store, actor, key, body, template=code).message
    if step.action == "resolve":
        body, code = _template(store, actor, key, step.value, ("resolution", "reply"))
        return ticket_actions.resolve(store, actor, key, body, template=code).message
    if step.action == "note":
        return ticket_actions.note(store, actor, key, filled(store, actor, key, step.value)).message
    return bulk.apply_setting(store, actor, key, bulk.Setting(step.action, step.value), step.note)


def _template(
    store: Store, actor: Actor, key: str, base: str, kinds: tuple[str, ...]
) -> tuple[str, str]:
    """The template `base` (or `base-en`, `base-ru`) filled for the ticket, in the contact's
    language when there is a choice (`for_ticket` puts it first)."""
    for choice in templates.for_ticket(store, actor, key, kinds):
        if choice.code == base or choice.code.rsplit("-", 1)[0] == base:
            return choice.body, choice.code
    raise NotFound(
        _("no template {base!r} for {key} (its service or line may be out of scope)").format(
            base=base, key=key
        )
    )


def filled(store: Store, actor: Actor, key: str, text: str) -> str:
    """`text` with its placeholders filled from the ticket `key`."""
    with store.read() as s:
        t = s.exec(select(m.Ticket).where(m.Ticket.key == key)).first()
        if t is None:
            raise NotFound(_("no ticket {key}").format(key=key))
        contact = s.get(m.Contact, t.contact_id) if t.contact_id else None
        values = placeholder_values(
            s,
            catalog(store, s),
            t,
            language=contact.language if contact else "en",
            agent_name=actor.name,
        )
    return fill(text, values)
