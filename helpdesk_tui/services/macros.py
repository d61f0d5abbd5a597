"""Running macros (domain/macros.py) on tickets: each step the service an agent would call.

A run on one ticket stops at the first step refused (the steps after it would act on a
state nobody planned); the report says which steps were done and which refused, and why.
Every step is its own transaction and event, so the timeline shows the macro as the
actions it took.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import select

from helpdesk_tui.domain.errors import HelpdeskError, NotFound
from helpdesk_tui.domain.macros import Macro, Step
from helpdesk_tui.domain.placeholders import fill
from helpdesk_tui.i18n import _, localized, n_
from helpdesk_tui.services import bulk, templates, ticket_actions
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.notify import placeholder_values
from helpdesk_tui.services.ticket_core import normalize_key
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


def list_macros(store: Store) -> list[Macro]:
    with store.read() as s:
        row = s.exec(select(m.DeskSetting).where(m.DeskSetting.key == "macros")).first()
    data = row.value.get("macros", []) if row is not None else []
    return [Macro.from_json(d) for d in data]


def find(store: Store, code: str) -> Macro:
    for macro in list_macros(store):
        if macro.code == code.strip():
            return macro
    known = ", ".join(m.code for m in list_macros(store)) or "none: see data/macros.toml"
    raise NotFound(_("no macro {code!r} (known: {known})").format(code=code, known=known))


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
