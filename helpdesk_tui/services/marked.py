"""One action on the tickets marked in the queue: reply from a template, priority, assign,
escalate, attach to a parent, close, or a macro.

Each ticket goes through the service an agent would call on it alone (its own
transaction, audit event and permission check) by the shared runner (`services/batch.py`):
a conflict or a refusal on one ticket is that ticket's outcome and the rest go on; a
cancel stops between tickets. A template reply is filled for each ticket on its own
(`{{contact.name}}`, `{{ticket.key}}`, …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid, NotFound
from helpdesk_tui.i18n import _
from helpdesk_tui.services import batch, escalation, macros, ticket_actions
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.refusals import require
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

KINDS = ("reply", "priority", "assign", "escalate", "link", "close", "macro")
CONFIRM_ABOVE = 1_000  # marking everything in a filter asks first above this many


@dataclass(frozen=True)
class Change:
    """What to do to each marked ticket; only the fields of its `kind` are used."""

    kind: str
    template: str = ""  # reply: a template code
    impact: int = 0  # priority
    urgency: int = 0
    login: str | None = None  # assign (None: back to the queue)
    group: str = ""  # escalate
    note: str = ""  # escalate: what was tried
    parent: str = ""  # link: the mass incident
    macro: str = ""  # macro: its code

    def describe(self) -> str:
        if self.kind == "assign" and not self.login:
            return _("put back in the queue")
        return {
            "reply": _("reply with the template {template}"),
            "priority": _("set impact {impact}, urgency {urgency}"),
            "assign": _("assign to {login}"),
            "escalate": _("escalate to {group}"),
            "link": _("attach to the mass incident {parent}"),
            "close": _("close (resolved tickets, without the customer's answer)"),
            "macro": _("run the macro {macro}"),
        }[self.kind].format(
            template=self.template,
            impact=self.impact,
            urgency=self.urgency,
            login=self.login,
            group=self.group,
            parent=self.parent,
            macro=self.macro,
        )


def per_ticket(store: Store, actor: Actor, change: Change) -> Callable[[str], str]:
    """The function the runner calls for each key: one service call, its message."""
    if change.kind not in KINDS:
        raise Invalid(
            _("unknown action {kind!r}: use one of {KINDS}").format(
                kind=change.kind, KINDS=", ".join(KINDS)
            )
        )
    if change.kind == "reply":
        body = _template_body(store, change.template)
        return lambda key: (
            ticket_actions.reply(
                store, actor, key, body, template=change.template, fill_in=True
            ).message
        )
    if change.kind == "priority":
        return lambda key: (
            ticket_actions.change_priority(store, actor, key, change.impact, change.urgency).message
        )
    if change.kind == "assign":
        return lambda key: ticket_actions.assign(store, actor, key, change.login).message
    if change.kind == "escalate":
        return lambda key: escalation.escalate(store, actor, key, change.group, change.note).message
    if change.kind == "link":
        return lambda key: ticket_actions.link(store, actor, key, change.parent, "child").message
    if change.kind == "close":
        return lambda key: ticket_actions.close(store, actor, key).message

    def macro(key: str) -> str:
        run = macros.run(store, actor, change.macro, [key])
        if run.tickets_failed:
            failed = next(o for o in run.outcomes if not o.ok)
            raise Invalid(f"{failed.step}: {failed.message}")
        return run.summary()

    macros.find(store, change.macro)  # an unknown macro: one error before any ticket
    return macro


def apply(
    store: Store,
    actor: Actor,
    keys: list[str],
    change: Change,
    *,
    cancel: batch.CancelFlag | None = None,
    progress: Callable[[int, int, batch.Outcome], None] | None = None,
) -> batch.BatchResult:
    """`change` on each of `keys`, one after another. The gate (`ticket.bulk`) is checked
    once; each ticket's own action is then checked, and a refusal recorded, as if it were
    changed alone."""
    require(store, actor, "ticket.bulk")
    fn = per_ticket(store, actor, change)
    return batch.run(keys, fn, cancel=cancel, progress=progress)


def _template_body(store: Store, code: str) -> str:
    with store.read() as s:
        row = s.exec(select(m.Template).where(m.Template.code == code, m.Template.active)).first()
    if row is None:
        raise NotFound(_("no active template {code!r}").format(code=code))
    return row.body


def reply_templates(store: Store) -> list[tuple[str, str, str]]:
    """(code, name, language) of the active reply templates, for the picker."""
    with store.read() as s:
        rows = s.exec(
            select(m.Template.code, m.Template.name, m.Template.language)
            .where(m.Template.active, m.Template.kind == "reply")
            .order_by(m.Template.use_count.desc(), m.Template.name)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]
