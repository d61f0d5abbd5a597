"""The actions on a ticket, shared by the workspace (on the highlighted row) and the ticket
screen. Each reads what it needs, asks the agent (picker, editor, confirmation), then calls
one service in a worker with the version the agent was looking at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding

from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.errors import Conflict, Invalid
from helpdesk_tui.domain.pauses import OTHER, PauseReason
from helpdesk_tui.domain.priority import IMPACTS, URGENCIES, priority_of
from helpdesk_tui.domain.text import is_number
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.domain.workflow import Status, allowed_targets
from helpdesk_tui.i18n import N_, _, localized
from helpdesk_tui.screens.dialogs import (
    ConfirmScreen,
    ConflictScreen,
    InputScreen,
    describe_conflict,
)
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import (
    agents,
    drafts,
    escalation,
    pauses,
    plan_change,
    ticket_actions,
    ticket_views,
)
from helpdesk_tui.services.ticket_actions import Changed
from helpdesk_tui.services.ticket_core import normalize_key
from helpdesk_tui.services.ticket_views import TicketDetail
from helpdesk_tui.services.vendor_cases import VendorTerms

EXAMPLE_KEY = "HD-1042"  # a ticket key, the same in every language

# the words of domain/priority.py's levels, marked here for the catalogs
_LEVEL_WORDS = (
    N_("widespread"),
    N_("several users"),
    N_("one user"),
    N_("work stopped"),
    N_("work degraded"),
    N_("can wait"),
)


def impact_name(impact: int) -> str:
    """`1` → "widespread", in the language in force."""
    return _(IMPACTS[impact])


def urgency_name(urgency: int) -> str:
    """`1` → "work stopped", in the language in force."""
    return _(URGENCIES[urgency])


# (key, action, short description for the footer, what it does for the help and palette,
#  shown in the footer)
_ACTIONS = [
    ("t", "take", N_("Take"), N_("Take the ticket: it becomes yours"), True),
    (
        "a",
        "assign",
        N_("Assign"),
        N_("Assign the ticket to an agent of its group (with their load)"),
        True,
    ),
    (
        "e",
        "escalate",
        N_("Escalate"),
        N_("Escalate or de-escalate to another line or group, with a note of what was tried"),
        True,
    ),
    (
        "exclamation_mark",
        "supervisor",
        N_("Supervisor"),
        N_("Tell a supervisor (hierarchical escalation)"),
        False,
    ),
    (
        "r",
        "reply",
        N_("Reply"),
        N_("Reply to the customer (from a template or from scratch)"),
        True,
    ),
    ("i", "note", N_("Note"), N_("Add an internal note (never sent to the customer)"), True),
    (
        "s",
        "status",
        N_("Status"),
        N_("Change the status (waiting for the customer pauses the SLA)"),
        True,
    ),
    ("R", "resolve", N_("Resolve"), N_("Resolve the ticket with a resolution text"), True),
    ("O", "reopen", N_("Reopen"), N_("Reopen a resolved ticket"), False),
    (
        "c",
        "close",
        N_("Close"),
        N_("Close a resolved ticket (confirmed by the customer, or without an answer)"),
        False,
    ),
    (
        "l",
        "link",
        N_("Link"),
        N_("Link to another ticket (duplicate, mass incident, related)"),
        False,
    ),
    (
        "p",
        "priority",
        N_("Priority"),
        N_("Change impact and urgency (the SLA is recomputed)"),
        False,
    ),
    ("T", "time", N_("Log time"), N_("Log time spent on the ticket"), False),
    (
        "K",
        "articles",
        N_("Articles"),
        N_("Knowledge-base articles for the ticket: open one, or put it into the reply"),
        False,
    ),
    (
        "A",
        "article",
        N_("Write up"),
        N_("Draft a knowledge-base article from the resolved ticket"),
        False,
    ),
    (
        "m",
        "macro",
        N_("Macro"),
        N_("Run a macro: a named sequence of actions (data/macros.toml)"),
        False,
    ),
    (
        "C",
        "customer",
        N_("Card"),
        N_("The card of the ticket's customer, contact or asset: contracts, equipment, history"),
        False,
    ),
    (
        "P",
        "plan",
        N_("SLA plan"),
        N_("Move the ticket to another SLA plan (the time already used counts)"),
        False,
    ),
]

TICKET_BINDINGS = [
    Binding(
        key,
        action,
        short,
        id=f"ticket.{action}",
        tooltip=long,
        show=show,
        key_display="!" if key == "exclamation_mark" else None,
    )
    for key, action, short, long, show in _ACTIONS
]

# the palette's entries: action and what it does (marked `N_`: translate where shown)
COMMANDS = [(action, long) for _key, action, _short, long, _show in _ACTIONS]


class TicketActions:
    """Mixin for screens that have a current ticket.

    The screen provides `target()` → (key, version) of the ticket the agent is looking at
    (or None), and `changed(result)` to refresh itself after a change; `MassIncidentActions`
    (on every screen with this mixin) resolves a resolved mass incident's children.
    """

    def target(self) -> tuple[str, int | None] | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def changed(self, result: Changed) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def resolve_children(  # pragma: no cover - MassIncidentActions, beside this mixin
        self, key: str, resolution: str | None, otherwise: Callable[[], None] | None = None
    ) -> None:
        raise NotImplementedError

    # -- helpers ----------------------------------------------------------------------
    def _with_ticket(self, then: Callable[[str, int | None, TicketDetail], None]) -> None:
        target = self.target()
        if target is None:
            self.notify(_("No ticket selected."), severity="warning")
            return
        key, version = target
        self.call(
            ticket_views.read,
            self.desk.store,
            self.desk.actor,
            key,
            events=False,
            done=lambda detail: then(key, version, detail),
        )

    def _run(
        self,
        fn: Callable[..., Changed],
        *args: Any,
        draft: tuple[str, str] | None = None,
        then: Callable[[Changed], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """Call an action service; on success refresh, drop the draft it came from, and
        `then(result)`."""

        def done(result: Changed) -> None:
            self.notify(result.message, timeout=4, markup=False)  # names, keys: never markup
            if fn in (ticket_actions.reply, ticket_actions.note):
                self.app.handling.sent(result.key)  # a stretch of handling time ends here
            if draft is not None:
                self.call(drafts.discard, self.desk.store, self.desk.actor, *draft, group="draft")
            self.changed(result)
            if then is not None:
                then(result)

        def failed(error: Exception) -> bool:
            if isinstance(error, Conflict) and hasattr(error, "seen"):

                def reload(answer: bool | None) -> None:
                    if answer:
                        self.reload_ticket()

                self.app.push_screen(
                    ConflictScreen(describe_conflict(error), kept=draft is not None), reload
                )
                return True
            return False

        self.call(fn, self.desk.store, self.desk.actor, *args, done=done, failed=failed, **kwargs)

    def reload_ticket(self) -> None:
        """Show the ticket's current state (screens override to refresh more)."""

    def _write(
        self,
        title: str,
        key: str,
        kind: str,
        then: Callable[[str], None],
        *,
        templates: tuple[str, ...] = (),
        min_length: int = 1,
        hint: str = "",
    ) -> None:
        from helpdesk_tui.screens.compose import ComposeScreen

        screen = ComposeScreen(
            title, ticket=key, kind=kind, template_kinds=templates, min_length=min_length, hint=hint
        )

        def sent(text: str | None) -> None:
            if text is not None:
                then(text, screen.template_code) if templates else then(text)

        self.app.push_screen(screen, sent)

    # -- the actions ------------------------------------------------------------------------
    def action_take(self) -> None:
        target = self.target()
        if target:
            self._run(ticket_actions.take, target[0])

    def action_assign(self) -> None:
        def pick(key: str, version: int | None, detail: TicketDetail) -> None:
            def show(rows: list[agents.AgentRow]) -> None:
                choices = [Choice("-", _("— back to the queue (nobody)"))] + [
                    Choice(
                        a.login,
                        f"{a.name} ({a.login})",
                        _("{n} open").format(n=a.load)
                        + " · "
                        + (_("on shift") if a.on_shift else _("OFF shift"))
                        + (" · " + _("holds it") if a.login == detail.assignee else ""),
                    )
                    for a in sorted(rows, key=lambda a: (not a.on_shift, a.load, a.login))
                ]

                def chosen(login: str | None) -> None:
                    if login is not None:
                        self._run(
                            ticket_actions.assign,
                            key,
                            None if login == "-" else login,
                            expected_version=version,
                        )

                self.app.push_screen(
                    PickerScreen(
                        _("Assign {key} within {group}").format(key=key, group=detail.group_name),
                        choices,
                    ),
                    chosen,
                )

            self.call(agents.members, self.desk.store, detail.group, done=show)

        self._with_ticket(pick)

    def action_escalate(self) -> None:
        def pick(key: str, version: int | None, detail: TicketDetail) -> None:
            cat = self.desk.catalog
            here = cat.lines.get(
                next(g.line_id for g in cat.groups.values() if g.code == detail.group)
            )
            choices = []
            for g in sorted(cat.groups.values(), key=lambda g: (g.level, g.code)):
                if g.code == detail.group:
                    continue
                direction = (
                    _("↑ up")
                    if here and g.level > here.level
                    else _("↓ down")
                    if here and g.level < here.level
                    else _("→ same line")
                )
                choices.append(
                    Choice(g.code, f"{g.line_code} · {localized(g)}", f"{direction} · {g.code}")
                )

            def note(group: str, terms: VendorTerms | None) -> None:
                self._write(
                    _("Escalate {key} to {group}: what was already tried?").format(
                        key=key, group=group
                    ),
                    key,
                    "escalation",
                    lambda text: self._run(
                        escalation.escalate,
                        key,
                        group,
                        text,
                        expected_version=version,
                        vendor=terms,
                        draft=("escalation", key),
                    ),
                    min_length=escalation.MIN_NOTE,
                    hint=_("The next line needs to know what was checked and what happened."),
                )

            def chosen(group: str | None) -> None:
                if group is None:
                    return
                info = next(g for g in cat.groups.values() if g.code == group)
                if info.level != escalation.VENDOR_LEVEL:
                    note(group, None)
                    return

                def with_case(terms: VendorTerms | None) -> None:
                    if terms is not None:
                        note(group, terms if terms.case else None)

                from helpdesk_tui.screens.vendor_case import VendorCaseScreen

                self.app.push_screen(
                    VendorCaseScreen(
                        _("Escalate {key} to the vendor {vendor}: their case").format(
                            key=key, vendor=localized(info)
                        )
                    ),
                    with_case,
                )

            self.app.push_screen(
                PickerScreen(_("Escalate {key} to…").format(key=key), choices), chosen
            )

        self._with_ticket(pick)

    def action_customer(self) -> None:
        def pick(key: str, version: int | None, detail: TicketDetail) -> None:
            choices = []
            if detail.customer:
                said = _("Customer: {name}").format(name=detail.customer_name)
                choices.append(Choice("customer", said))
            if detail.contact_id is not None:
                said = _("Contact: {name}").format(name=detail.contact_name)
                choices.append(Choice("contact", said))
            if detail.asset:
                said = _("Asset: {name} ({tag})").format(name=detail.asset_name, tag=detail.asset)
                choices.append(Choice("asset", said))
            if detail.vendor is not None:
                said = _("Vendor: {name}").format(name=detail.vendor.vendor_name)
                choices.append(Choice("vendor", said))
            idents = {
                "customer": detail.customer,
                "contact": detail.contact_id,
                "asset": detail.asset,
                "vendor": detail.vendor.vendor if detail.vendor else None,
            }
            if not choices:
                self.notify(
                    _("{key} has no customer, contact or asset.").format(key=key),
                    severity="warning",
                )
                return

            def chosen(kind: str | None) -> None:
                if kind is not None:
                    self.desk.open_card(kind, idents[kind])

            if len(choices) == 1:
                chosen(choices[0].id)
            else:
                self.app.push_screen(
                    PickerScreen(_("The card of {key}'s…").format(key=key), choices), chosen
                )

        self._with_ticket(pick)

    def action_supervisor(self) -> None:
        target = self.target()
        if target:
            key, version = target
            self._write(
                _("Tell a supervisor about {key}: why?").format(key=key),
                key,
                "supervisor",
                lambda text: self._run(
                    escalation.tell_supervisor,
                    key,
                    text,
                    expected_version=version,
                    draft=("supervisor", key),
                ),
            )

    def action_reply(self) -> None:
        def write(key: str, version: int | None, detail: TicketDetail) -> None:
            if detail.status in (Status.CLOSED, Status.CANCELLED):
                self.notify(
                    _("{key} is {status}: reopen it to reply.").format(
                        key=key, status=status_label(detail.status)
                    ),
                    severity="warning",
                )
                return
            self._write(
                _("Reply to the customer on {key}").format(key=key),
                key,
                "reply",
                lambda text, code: self._run(
                    ticket_actions.reply,
                    key,
                    text,
                    template=code,
                    expected_version=version,
                    draft=("reply", key),
                ),
                templates=("reply",),
            )

        self._with_ticket(write)

    def action_note(self) -> None:
        target = self.target()
        if target:
            key, version = target
            self._write(
                _("Internal note on {key} (never sent to the customer)").format(key=key),
                key,
                "note",
                lambda text: self._run(
                    ticket_actions.note, key, text, expected_version=version, draft=("note", key)
                ),
            )

    def _may(self, key: str, detail: TicketDetail, status: Status, refusal: str) -> bool:
        """Whether the workflow lets this agent move the ticket to `status`; says why not
        before the agent writes a text for nothing (`refusal`, translated, takes the key
        and the status: "{key} is {status}: resolving it is not open to you.")."""
        if status in allowed_targets(detail.status, self.desk.actor.role):
            return True
        self.notify(refusal.format(key=key, status=status_label(detail.status)), severity="warning")
        return False

    def action_resolve(self) -> None:
        def write(key: str, version: int | None, detail: TicketDetail) -> None:
            refusal = _("{key} is {status}: resolving it is not open to you.")
            if detail.status in (Status.RESOLVED, Status.CLOSED):
                # a mass incident whose children's run was cancelled: the rest of them
                self.resolve_children(
                    key, None, lambda: self._may(key, detail, Status.RESOLVED, refusal)
                )
                return
            if not self._may(key, detail, Status.RESOLVED, refusal):
                return
            self._write(
                _("Resolve {key}: how was it solved?").format(key=key),
                key,
                "resolution",
                lambda text, code: self._run(
                    ticket_actions.resolve,
                    key,
                    text,
                    template=code,
                    expected_version=version,
                    draft=("resolution", key),
                    cascade=False,  # a mass incident's children: with a progress bar
                    then=lambda result: self.resolve_children(result.key, text),
                ),
                templates=("resolution", "reply"),
                hint=_("The customer gets this text and is asked to confirm."),
            )

        self._with_ticket(write)

    def action_reopen(self) -> None:
        def write(key: str, version: int | None, detail: TicketDetail) -> None:
            refusal = _("{key} is {status}: reopening it is not open to you.")
            if not self._may(key, detail, Status.REOPENED, refusal):
                return
            self._write(
                _("Reopen {key}: why is it not solved?").format(key=key),
                key,
                "reopen",
                lambda text: self._run(
                    ticket_actions.reopen,
                    key,
                    text,
                    expected_version=version,
                    draft=("reopen", key),
                ),
            )

        self._with_ticket(write)

    def action_status(self) -> None:
        def pick(key: str, version: int | None, detail: TicketDetail) -> None:
            special = {Status.RESOLVED, Status.CLOSED, Status.REOPENED}
            targets = [
                s for s in allowed_targets(detail.status, self.desk.actor.role) if s not in special
            ]
            if not targets:
                self.notify(
                    _(
                        "{key} is {status}: no status change is open to you "
                        "(resolve, reopen or close have their own keys)."
                    ).format(key=key, status=status_label(detail.status)),
                    severity="warning",
                )
                return
            choices = [
                Choice(
                    s.value,
                    status_label(s.value),
                    _("pauses the SLA") if s == Status.WAITING_CUSTOMER else "",
                )
                for s in targets
            ]

            def chosen(status: str | None) -> None:
                if status is None:
                    return
                if status == Status.CANCELLED:
                    self._write(
                        _("Cancel {key}: why?").format(key=key),
                        key,
                        "cancel",
                        lambda text: self._run(
                            ticket_actions.set_status,
                            key,
                            status,
                            note=text,
                            expected_version=version,
                            draft=("cancel", key),
                        ),
                    )
                elif status == Status.WAITING_CUSTOMER:
                    self._ask_pause_reason(key, version)
                else:
                    self._run(ticket_actions.set_status, key, status, expected_version=version)

            self.app.push_screen(
                PickerScreen(
                    _("{key} is {status}: move to…").format(
                        key=key, status=status_label(detail.status)
                    ),
                    choices,
                ),
                chosen,
            )

        self._with_ticket(pick)

    def _ask_pause_reason(self, key: str, version: int | None) -> None:
        """Waiting for the customer pauses the SLA: pick why (data/sla.toml's reasons), add
        words (required for `other`), then move."""

        def listed(reasons: tuple[PauseReason, ...]) -> None:
            choices = [Choice(r.code, r.name, r.code) for r in reasons]

            def chosen(code: str | None) -> None:
                if code is None:
                    return

                def check(value: str) -> str | None:
                    return _("say why, in a few words") if code == OTHER and not value else None

                def worded(words: str | None) -> None:
                    if words is None:
                        return
                    reason = f"{code}: {words}" if words else code
                    self._run(
                        ticket_actions.set_status,
                        key,
                        Status.WAITING_CUSTOMER.value,
                        reason=reason,
                        expected_version=version,
                    )

                name = next(r.name for r in reasons if r.code == code)
                self.app.push_screen(
                    InputScreen(
                        _("{key} waits for the customer: {reason}").format(key=key, reason=name),
                        placeholder=_("details (optional)") if code != OTHER else _("why?"),
                        validate=check,
                        hint=_("Enter: pause the SLA · Esc: cancel"),
                    ),
                    worded,
                )

            self.app.push_screen(
                PickerScreen(_("{key}: why does it wait?").format(key=key), choices), chosen
            )

        self.call(pauses.reasons, self.desk.store, done=listed)

    def action_close(self) -> None:
        def pick(key: str, version: int | None, detail: TicketDetail) -> None:
            if detail.status != Status.RESOLVED:
                self.notify(
                    _("{key} is {status}: resolve it first.").format(
                        key=key, status=status_label(detail.status)
                    ),
                    severity="warning",
                )
                return
            choices = [Choice("confirm", _("The customer confirmed"))]
            if permissions.allows(self.desk.actor.role, "ticket.rate"):
                # engineers do not record ratings of their own work
                choices += [
                    Choice(f"rate{n}", _("The customer confirmed and rated {n} of 5").format(n=n))
                    for n in range(5, 0, -1)
                ]
            if permissions.allows(self.desk.actor.role, "ticket.close"):
                choices.append(Choice("close", _("Close without the customer's answer")))

            def chosen(what: str | None) -> None:
                if what == "close":
                    self._run(ticket_actions.close, key, expected_version=version)
                elif what == "confirm":
                    self._run(ticket_actions.confirm, key, expected_version=version)
                elif what and what.startswith("rate"):
                    self._run(
                        ticket_actions.confirm, key, rating=int(what[4:]), expected_version=version
                    )

            self.app.push_screen(PickerScreen(_("Close {key}").format(key=key), choices), chosen)

        self._with_ticket(pick)

    def action_link(self) -> None:
        target = self.target()
        if not target:
            return
        key, version = target

        def check(value: str) -> str | None:
            try:
                other = normalize_key(value)
            except Invalid as exc:
                return str(exc)
            return _("a ticket cannot be linked to itself") if other == key else None

        def got_other(other: str | None) -> None:
            if not other:
                return
            keys = {"key": key, "other": normalize_key(other)}
            choices = [
                Choice("duplicate", _("{key} duplicates {other}").format(**keys)),
                Choice("child", _("{key} is part of the mass incident {other}").format(**keys)),
                Choice("related", _("{key} is related to {other}").format(**keys)),
            ]
            self.app.push_screen(
                PickerScreen(_("How are they linked?"), choices),
                lambda kind: (
                    kind
                    and self._run(ticket_actions.link, key, other, kind, expected_version=version)
                ),
            )

        self.app.push_screen(
            InputScreen(
                _("Link {key} to which ticket?").format(key=key),
                placeholder=EXAMPLE_KEY,
                validate=check,
            ),
            got_other,
        )

    def action_priority(self) -> None:
        def pick(key: str, version: int | None, detail: TicketDetail) -> None:
            matrix = self.desk.catalog.matrix
            said = _(
                "{priority}: impact {impact} ({impact_name}), urgency {urgency} ({urgency_name})"
            )
            current = _("current")
            choices = [
                Choice(
                    f"{i}{u}",
                    said.format(
                        priority=f"P{priority_of(matrix, i, u)}",
                        impact=i,
                        impact_name=impact_name(i),
                        urgency=u,
                        urgency_name=urgency_name(u),
                    ),
                    current if (i, u) == (detail.impact, detail.urgency) else "",
                )
                for i in IMPACTS
                for u in URGENCIES
            ]

            def chosen(value: str | None) -> None:
                if value:
                    self._run(
                        ticket_actions.change_priority,
                        key,
                        int(value[0]),
                        int(value[1]),
                        expected_version=version,
                    )

            self.app.push_screen(
                PickerScreen(
                    _(
                        "{key} is {priority}: new impact and urgency "
                        "(the SLA deadlines are recomputed)"
                    ).format(key=key, priority=detail.priority),
                    choices,
                ),
                chosen,
            )

        self._with_ticket(pick)

    def action_time(self) -> None:
        target = self.target()
        if not target:
            return
        key, version = target

        def check(value: str) -> str | None:
            return None if is_number(value) and 1 <= int(value) <= 1440 else _("minutes, 1 to 1440")

        self.app.push_screen(
            InputScreen(
                _("Time spent on {key}, in minutes").format(key=key),
                placeholder="15",
                validate=check,
            ),
            lambda value: (
                value
                and self._run(ticket_actions.log_time, key, int(value), expected_version=version)
            ),
        )

    def action_macro(self) -> None:
        from helpdesk_tui.services import macros

        target = self.target()
        if not target:
            return
        key, _version = target

        def listed(found: list) -> None:
            if not found:
                self.notify(_("No macros: see data/macros.toml."), severity="warning")
                return
            choices = [
                Choice(
                    mac.code,
                    mac.name,
                    " → ".join(step.describe() for step in mac.steps),
                )
                for mac in found
            ]
            self.app.push_screen(
                PickerScreen(_("Run a macro on {key}").format(key=key), choices), chosen
            )

        def chosen(code: str | None) -> None:
            if code:
                self.call(macros.run, self.desk.store, self.desk.actor, code, [key], done=ran)

        def ran(result: macros.Run) -> None:
            failed = result.tickets_failed > 0
            self.notify(
                result.summary(),
                severity="warning" if failed else "information",
                timeout=6,
                markup=False,
            )
            self.reload_ticket()

        self.call(macros.list_macros, self.desk.store, done=listed)

    def action_plan(self) -> None:
        if not permissions.allows(self.desk.actor.role, "ticket.plan"):
            self.notify(_("Supervisors and admins change a ticket's SLA plan."), severity="warning")
            return

        def pick(key: str, version: int | None, detail: TicketDetail) -> None:
            plans = sorted(self.desk.catalog.plans.values(), key=lambda p: p.code)
            choices = [
                Choice(p.code, localized(p), _("current") if p.code == detail.sla_plan else "")
                for p in plans
            ]

            def chosen(code: str | None) -> None:
                if code and code != detail.sla_plan:
                    self._run(plan_change.change_plan, key, code, expected_version=version)

            self.app.push_screen(
                PickerScreen(
                    _("{key}: the new SLA plan (deadlines keep the time already used)").format(
                        key=key
                    ),
                    choices,
                ),
                chosen,
            )

        self._with_ticket(pick)

    def load_articles(self, pane, key: str) -> None:
        """The knowledge base's articles for the ticket in `pane` (a TicketPane)."""
        from helpdesk_tui.services import knowledge

        def got(found: knowledge.TicketArticles) -> None:
            if pane.detail is not None and pane.detail.key == found.key:
                pane.show_articles(found)

        self.call(
            knowledge.for_ticket,
            self.desk.store,
            self.desk.actor,
            key,
            done=got,
            group="articles",
            exclusive=True,
        )

    def action_articles(self) -> None:
        from helpdesk_tui.screens.knowledge import KnowledgeScreen

        target = self.target()
        if target:
            self.app.push_screen(KnowledgeScreen(ticket=target[0]))

    def action_article(self) -> None:
        from helpdesk_tui.screens.article_editor import ArticleEditorScreen
        from helpdesk_tui.services import knowledge

        target = self.target()
        if not target:
            return

        def drafted(draft: knowledge.ArticleDraft) -> None:
            def edit() -> None:
                editor = ArticleEditorScreen(draft.article, source_ticket=draft.source_ticket)
                self.app.push_screen(editor, lambda view: view and self.reload_ticket())

            if draft.existing:
                self.confirm(
                    _(
                        "{key} already has an article drafted from it ({articles}). "
                        "Draft another one?"
                    ).format(key=draft.source_ticket, articles=", ".join(draft.existing)),
                    edit,
                )
            else:
                edit()

        self.call(
            knowledge.draft_from_ticket, self.desk.store, self.desk.actor, target[0], done=drafted
        )

    def confirm(self, question: str, then: Callable[[], None]) -> None:
        self.app.push_screen(ConfirmScreen(question), lambda yes: yes and then())
