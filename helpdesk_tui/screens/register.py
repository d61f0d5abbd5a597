"""Register a call: the dispatcher's form, built for a caller on the phone.

The shortest path for a known caller with their usual service is `n`, a few letters or
digits of who is calling, Enter (the first match is taken; customer, site, plan and usual
service follow), the subject, Ctrl+S — seven keys besides the subject's words. Everything
the dispatcher types is kept as a draft while they type.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Digits,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from helpdesk_tui.domain.priority import IMPACTS, URGENCIES
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.domain.vocab import Channel, TicketType, status_label
from helpdesk_tui.i18n import N_, _, localized
from helpdesk_tui.screens.actions import impact_name, urgency_name
from helpdesk_tui.screens.base import DeskScreen, WorkerCalls
from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.screens.dialogs import ConfirmScreen
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import contacts, drafts, templates
from helpdesk_tui.services.registration import (
    NewContact,
    NewTicket,
    Preview,
    Registered,
    preview,
    register,
)
from helpdesk_tui.widgets.footer import Footer

LOOKUP_DELAY = 0.05  # seconds of quiet typing before the caller search runs


@dataclass
class CallForm:
    """What the form holds; also what a draft stores."""

    contact_id: int | None = None
    new_contact: dict[str, str] | None = None  # name, phone, email, customer
    customer: str | None = None
    service: str | None = None
    category: str | None = None
    asset: str | None = None
    channel: str = Channel.PHONE.value
    type: str | None = None
    impact: int | None = None
    urgency: int | None = None
    subject: str = ""
    description: str = ""
    checklist: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (
            self.contact_id or self.new_contact or self.subject.strip() or self.description.strip()
        )


class NewCallerScreen(WorkerCalls, ModalScreen[dict[str, str] | None]):
    """Add an unknown caller without leaving the form: name, phone, e-mail, customer."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="newcaller.cancel"),
        Binding("ctrl+s", "save", N_("Add"), id="newcaller.save", priority=True),
    ]
    DEFAULT_CSS = """
    NewCallerScreen { align: center middle; }
    NewCallerScreen > Vertical {
        width: 80%; max-width: 80; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    NewCallerScreen Label { padding-top: 1; }
    NewCallerScreen #newcaller-error { color: $error; }
    """

    def __init__(self, typed: str) -> None:
        super().__init__()
        self.typed = typed

    def compose(self) -> ComposeResult:
        digits = sum(ch.isdigit() for ch in self.typed)
        with Vertical():
            yield Static(_("A new caller"), classes="dialog-title")
            yield Label(_("Name"))
            yield Input(value="" if digits > 3 else self.typed, id="nc-name")
            yield Label(_("Phone"))
            yield Input(value=self.typed if digits > 3 else "", id="nc-phone")
            yield Label(_("E-mail (optional)"))
            yield Input(id="nc-email")
            yield Label(_("Customer"))
            yield Select([], prompt=_("pick the organisation"), id="nc-customer")
            yield Static("", id="newcaller-error")
            yield Static(_("Ctrl+S add · Esc cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#nc-name", Input).focus()
        self.call(contacts.customers, self.desk.store, done=self._customers)

    def _customers(self, rows: list[tuple[str, str]]) -> None:
        self.query_one("#nc-customer", Select).set_options(
            [(Text(name), code) for code, name in rows]
        )

    def action_save(self) -> None:
        name = self.query_one("#nc-name", Input).value.strip()
        phone = self.query_one("#nc-phone", Input).value.strip()
        email = self.query_one("#nc-email", Input).value.strip()
        customer = self.query_one("#nc-customer", Select).value
        problem = None
        if not name:
            problem = _("The name is needed.")
        elif not phone and not email:
            problem = _("A phone or an e-mail is needed.")
        elif customer is Select.BLANK:
            problem = _("Which organisation is calling?")
        if problem:
            self.query_one("#newcaller-error", Static).update(problem)
            return
        self.dismiss({"name": name, "phone": phone, "email": email, "customer": str(customer)})

    def action_cancel(self) -> None:
        self.dismiss(None)


class RegisteredScreen(ModalScreen[str]):
    """The new key, big enough to read out over the phone."""

    BINDINGS = [
        Binding("enter,n", "next", N_("Next call"), id="registered.next"),
        Binding("o", "open", N_("Open the ticket"), id="registered.open"),
        Binding("escape", "back", N_("Back to the queue"), id="registered.back"),
    ]
    DEFAULT_CSS = """
    RegisteredScreen { align: center middle; }
    RegisteredScreen > Vertical {
        width: auto; min-width: 50; height: auto; border: thick $success;
        background: $surface; padding: 1 3;
    }
    RegisteredScreen Digits { width: auto; color: $success; }
    RegisteredScreen .dialog-hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, result: Registered) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        prefix, number = r.key.split("-", 1)
        lines = [
            f"P{r.priority} · {r.line} / {r.group} · "
            + (
                _("offered to {agent}").format(agent=r.assignee)
                if r.assignee
                else _("in the queue")
            )
        ]
        if r.status == "resolved":
            lines.append(_("Solved on first contact."))
        elif r.status == "cancelled":
            lines.append(_("Recorded as a duplicate."))
        else:
            lines.append(
                _("Respond by {respond}, resolve by {resolve}").format(
                    respond=f"{r.response_due.astimezone():%d.%m %H:%M}",
                    resolve=f"{r.resolution_due.astimezone():%d.%m %H:%M}",
                )
            )
        lines.append(
            _("The caller gets an e-mail with the key.")
            if r.acknowledged
            else _("No e-mail on file: tell the caller the key.")
        )
        lines.extend(r.warnings)
        with Vertical():
            yield Static(
                Text(_("Registered as {prefix}-").format(prefix=prefix)), classes="dialog-title"
            )
            yield Digits(number)
            yield Static(Text("\n".join(lines)))
            yield Static(
                _("Enter / n: next call · o: open the ticket · Esc: back to the queue"),
                classes="dialog-hint",
            )

    def action_next(self) -> None:
        self.dismiss("next")

    def action_open(self) -> None:
        self.dismiss("open")

    def action_back(self) -> None:
        self.dismiss("back")


class RegisterScreen(DeskScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save & route"), id="register.save", priority=True),
        Binding("f2", "solved", N_("Solved on first contact"), id="register.solved", priority=True),
        Binding("ctrl+d", "draft", N_("Save as draft"), id="register.draft", priority=True),
        Binding("f3", "new_caller", N_("New caller"), id="register.new_caller", priority=True),
        Binding("f4", "service", N_("Service"), id="register.service", priority=True),
        Binding("f5", "asset", N_("Asset"), id="register.asset", priority=True, show=False),
        Binding(
            "f7",
            "link('duplicate')",
            N_("Duplicate of suggested"),
            id="register.duplicate",
            priority=True,
            show=False,
        ),
        Binding(
            "f8",
            "link('child')",
            N_("Attach to this incident"),
            id="register.child",
            priority=True,
            show=False,
        ),
        Binding(
            "ctrl+r",
            "restore",
            N_("Restore kept call"),
            id="register.restore",
            priority=True,
            show=False,
        ),
        Binding("escape", "leave", N_("Close"), id="register.close"),
    ]

    DEFAULT_CSS = """
    RegisterScreen VerticalScroll#form { padding: 0 1; }
    RegisterScreen #kept { display: none; background: $warning 20%; padding: 0 1; }
    RegisterScreen.-narrow #top { layout: vertical; }
    RegisterScreen.-narrow #classify { layout: grid; grid-size: 4; grid-rows: 2; }
    RegisterScreen.-narrow #words { layout: vertical; }
    RegisterScreen.-narrow #checklist { width: 1fr; }
    RegisterScreen .box { border: round $panel; padding: 0 1; height: auto; }
    RegisterScreen .box:focus-within { border: round $primary; }
    RegisterScreen #top { height: auto; }
    RegisterScreen #caller-box { width: 1fr; }
    RegisterScreen #context-box { width: 1fr; }
    RegisterScreen #matches { height: 6; border: none; }
    RegisterScreen #nearby { height: auto; max-height: 5; border: none; }
    RegisterScreen #caller-card, RegisterScreen #context { color: $text; }
    RegisterScreen #classify { height: auto; }
    RegisterScreen #classify Select { width: 1fr; }
    RegisterScreen #classify Vertical { width: 1fr; height: auto; }
    RegisterScreen #preview { padding: 0 1; background: $boost; height: auto; }
    RegisterScreen #preview.-warn { color: $warning; }
    RegisterScreen #words { height: auto; }
    RegisterScreen #words > Vertical { width: 2fr; height: auto; }
    RegisterScreen #description { height: 6; }
    RegisterScreen #checklist { width: 1fr; height: 9; }
    RegisterScreen .field-label { color: $text-muted; }
    RegisterScreen #service-field { padding: 0 1; height: 1; }
    RegisterScreen #asset-field { padding: 0 1; height: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.form = CallForm()
        self.matches: list[contacts.ContactMatch] = []
        self.context: contacts.CallerContext | None = None
        self.preview: Preview | None = None
        self._lookup_timer = None
        self._draft_timer = None
        self._filling = False  # programmatic changes must not echo back as user edits
        self._lookup_pending = False  # keys typed in the caller box not looked up yet
        self._lookup_seq = 0
        self._enter_pending = False  # Enter pressed before the look-up answered
        self.saved: Registered | None = None
        self.kept = None  # a call kept as a draft earlier, offered with Ctrl+R

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="kept")
        with VerticalScroll(id="form"):
            with Horizontal(id="top"):
                with Vertical(id="caller-box", classes="box"):
                    yield Label(_("Caller — phone, name, e-mail or shop"), classes="field-label")
                    yield Input(placeholder=_("who is calling?"), id="caller", compact=True)
                    yield OptionList(id="matches")
                    yield Static("", id="caller-card")
                with Vertical(id="context-box", classes="box"):
                    yield Static(
                        _("Their open tickets, recent history and nearby incidents show here."),
                        id="context",
                    )
                    yield OptionList(id="nearby")
            with Horizontal(id="classify", classes="box"):
                with Vertical():
                    yield Label(_("Service (F4)"), classes="field-label")
                    yield Static("—", id="service-field")
                with Vertical():
                    yield Label(_("Category"), classes="field-label")
                    yield Select([], prompt="—", id="category", compact=True)
                with Vertical():
                    yield Label(_("Asset (F5)"), classes="field-label")
                    yield Static("—", id="asset-field")
                with Vertical():
                    yield Label(_("Impact"), classes="field-label")
                    yield Select(
                        [(Text(f"{i} {impact_name(i)}"), i) for i in IMPACTS],
                        prompt="—",
                        id="impact",
                        compact=True,
                    )
                with Vertical():
                    yield Label(_("Urgency"), classes="field-label")
                    yield Select(
                        [(Text(f"{u} {urgency_name(u)}"), u) for u in URGENCIES],
                        prompt="—",
                        id="urgency",
                        compact=True,
                    )
                with Vertical():
                    yield Label(_("Channel"), classes="field-label")
                    yield Select(
                        [(c.value, c.value) for c in Channel],
                        value="phone",
                        allow_blank=False,
                        id="channel",
                        compact=True,
                    )
                with Vertical():
                    yield Label(_("Type"), classes="field-label")
                    yield Select(
                        [(t.value, t.value) for t in TicketType],
                        prompt=_("default"),
                        id="type",
                        compact=True,
                    )
            yield Static(
                _(
                    "Pick the caller and the service to see the priority, the group and "
                    "the promised times."
                ),
                id="preview",
            )
            with Horizontal(id="words", classes="box"):
                with Vertical():
                    yield Label(_("Subject"), classes="field-label")
                    yield Input(
                        placeholder=_("what is wrong, in one line"), id="subject", compact=True
                    )
                    yield Label(_("Description"), classes="field-label")
                    yield TextArea(id="description", soft_wrap=True)
                yield SelectionList(id="checklist")
        yield Footer()

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < 100, "-narrow")

    def on_mount(self) -> None:
        self.title = _("Register a call")
        self.query_one("#caller", Input).focus()
        self.call(
            drafts.load,
            self.desk.store,
            self.desk.actor,
            "registration",
            None,
            done=self._draft_found,
        )

    # -- drafts ---------------------------------------------------------------------------
    def _draft_found(self, draft) -> None:
        """A call kept from before: offer it without getting in the way of this one."""
        if draft is None or not draft.data:
            return
        self.kept = draft
        subject = visible_line(draft.data.get("subject", "")) or _("(no subject yet)")
        self.query_one("#kept", Static).update(
            Text(
                _("A call you started {at} was kept: “{subject}” — Ctrl+R brings it back.").format(
                    at=f"{draft.updated_at.astimezone():%d.%m %H:%M}", subject=subject
                )
            )
        )
        self.query_one("#kept", Static).display = True

    def action_restore(self) -> None:
        if self.kept is None:
            self.notify(_("There is no kept call."))
            return
        data = self.kept.data
        self.kept = None
        self.query_one("#kept", Static).display = False
        self.restore(
            CallForm(**{k: v for k, v in data.items() if k in CallForm.__dataclass_fields__})
        )

    def _remember(self) -> None:
        """Keep the form as a draft while the dispatcher types (debounced)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(0.8, self._write_draft)

    def _write_draft(self) -> None:
        self._collect()
        data = dict(self.form.__dict__)
        self.call(
            drafts.save,
            self.desk.store,
            self.desk.actor,
            "registration",
            None,
            self.form.subject,
            data,
            group="draft",
            exclusive=True,
        )

    def _collect(self) -> None:
        """Read the free-text fields into the form."""
        self.form.subject = self.query_one("#subject", Input).value
        self.form.description = self.query_one("#description", TextArea).text
        self.form.checklist = list(self.query_one("#checklist", SelectionList).selected)

    def restore(self, form: CallForm) -> None:
        self._filling = True
        self.form = form
        self.query_one("#subject", Input).value = form.subject
        self.query_one("#description", TextArea).text = form.description
        self._set_select("#channel", form.channel)
        self._set_select("#type", form.type)
        self._set_select("#impact", form.impact)
        self._set_select("#urgency", form.urgency)
        self._filling = False
        if form.contact_id:
            self.call(
                contacts.context,
                self.desk.store,
                form.contact_id,
                now=self.desk.clock(),
                done=lambda ctx: self._got_context(ctx, keep_service=True),
            )
        elif form.new_contact:
            self._show_new_caller()
        self._service_changed(keep_fields=True)

    def _set_select(self, selector: str, value: Any) -> None:
        select = self.query_one(selector, Select)
        if value is None:
            select.clear()
        else:
            select.value = value

    # -- the caller ---------------------------------------------------------------------------
    @on(Input.Changed, "#caller")
    def _caller_typed(self, event: Input.Changed) -> None:
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self._lookup_seq += 1
        self._lookup_pending = True
        seq, query = self._lookup_seq, event.value
        self._lookup_timer = self.set_timer(LOOKUP_DELAY, lambda: self._lookup(query, seq))

    def _lookup(self, query: str, seq: int) -> None:
        self.call(
            contacts.lookup,
            self.desk.store,
            query,
            done=lambda matches: self._got_matches(seq, matches),
            group="lookup",
            exclusive=True,
        )

    def _got_matches(self, seq: int, matches: list[contacts.ContactMatch]) -> None:
        if seq != self._lookup_seq:
            return  # more keys were typed since: their look-up is on its way
        self._lookup_pending = False
        self.matches = matches
        options = self.query_one("#matches", OptionList)
        options.clear_options()
        for match in matches:
            prompt = Text()
            prompt.append(visible_line(match.name), style="bold")
            prompt.append(
                "  "
                + visible_line(
                    " · ".join(
                        x for x in (match.phone, match.email, match.site or match.customer) if x
                    )
                ),
                style="dim",
            )
            options.add_option(Option(prompt, id=str(match.id)))
        if not matches and self.query_one("#caller", Input).value.strip():
            options.add_option(
                Option(Text(_("No such caller — F3 adds a new one"), style="dim"), disabled=True)
            )
        elif matches:
            options.highlighted = 0
        if self._enter_pending:
            self._enter_pending = False
            self._caller_entered()

    @on(Input.Submitted, "#caller")
    def _caller_entered(self) -> None:
        """Enter in the caller box takes the highlighted (first) match — also when the
        look-up for the last keys typed is still running: then the first match it finds."""
        options = self.query_one("#matches", OptionList)
        if self._lookup_pending:
            self._enter_pending = True
            return
        if self.matches:
            index = options.highlighted or 0
            self._pick_caller(self.matches[min(index, len(self.matches) - 1)].id)
        else:
            self.action_new_caller()

    @on(OptionList.OptionSelected, "#matches")
    def _match_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._pick_caller(int(event.option.id))

    def _pick_caller(self, contact_id: int) -> None:
        self.form.contact_id = contact_id
        self.form.new_contact = None
        self.call(
            contacts.context,
            self.desk.store,
            contact_id,
            now=self.desk.clock(),
            done=self._got_context,
        )
        self.query_one("#subject", Input).focus()

    def _got_context(self, ctx: contacts.CallerContext, keep_service: bool = False) -> None:
        self.context = ctx
        c = ctx.contact
        self.form.customer = c.customer_code
        card = Text()
        card.append(visible_line(c.name), style="bold")
        card.append("\n" + visible_line(" · ".join(x for x in (c.phone, c.email) if x)))
        card.append("\n" + visible_line(" · ".join(x for x in (c.customer, c.site) if x)))
        card.append("\n" + _("SLA: {plan}").format(plan=ctx.plan), style="dim")
        self.query_one("#caller-card", Static).update(card)
        self.query_one("#matches", OptionList).display = False
        self._show_context(ctx)
        if not keep_service and ctx.usual_service and not self.form.service:
            self.form.service = ctx.usual_service
            self._service_changed()
        else:
            self._refresh_preview()
        self._remember()

    def _show_context(self, ctx: contacts.CallerContext) -> None:
        text = Text()
        if ctx.open_tickets:
            name = visible_line(ctx.contact.name)
            text.append(_("Open tickets of {name}:").format(name=name) + "\n", style="bold")
            for t in ctx.open_tickets[:4]:
                text.append(
                    f"  {t.key} {status_label(t.status)} · {visible_line(t.subject)[:60]}\n"
                )
        else:
            text.append(_("No open tickets.") + "\n", style="dim")
        if ctx.recent_closed:
            text.append(_("Recently closed:") + " ", style="bold")
            text.append(", ".join(t.key for t in ctx.recent_closed[:5]) + "\n")
        nearby = self.query_one("#nearby", OptionList)
        nearby.clear_options()
        if ctx.nearby:
            text.append(
                _(
                    "Open on {site} in the last hours — the same problem? F8 attach to this "
                    "incident, F7 record as a duplicate:"
                ).format(site=visible_line(ctx.contact.site)),
                style="bold",
            )
            for t in ctx.nearby:
                prompt = Text(
                    f"{t.key} {t.created_at.astimezone():%H:%M} {visible_line(t.subject)[:60]}"
                )
                if t.asset:
                    prompt.append(f" · {visible_line(t.asset)}", style="dim")
                nearby.add_option(Option(prompt, id=t.key))
            nearby.highlighted = 0
        nearby.display = bool(ctx.nearby)
        self.query_one("#context", Static).update(text)

    def action_new_caller(self) -> None:
        typed = self.query_one("#caller", Input).value

        def added(data: dict[str, str] | None) -> None:
            if data:
                self.form.contact_id = None
                self.form.new_contact = data
                self.form.customer = data["customer"]
                self._show_new_caller()
                self._refresh_preview()
                self._remember()
                self.query_one("#subject", Input).focus()

        self.app.push_screen(NewCallerScreen(typed), added)

    def _show_new_caller(self) -> None:
        data = self.form.new_contact or {}
        card = Text()
        card.append(visible_line(data.get("name", "")), style="bold")
        card.append(" " + _("(new caller)") + "\n", style="dim")
        card.append(
            visible_line(" · ".join(x for x in (data.get("phone"), data.get("email")) if x))
        )
        self.query_one("#caller-card", Static).update(card)
        self.query_one("#matches", OptionList).display = False
        self.query_one("#context", Static).update(Text(_("A new caller: no history."), style="dim"))

    # -- classification ------------------------------------------------------------------------
    def action_service(self) -> None:
        cat = self.desk.catalog
        choices = [
            Choice(s.code, localized(s), s.name if localized(s) != s.name else s.name_ru)
            for s in sorted(cat.services.values(), key=localized)
        ]

        def chosen(code: str | None) -> None:
            if code:
                self.form.service = code
                self.form.category = None
                self._service_changed()
                self._remember()

        self.app.push_screen(PickerScreen(_("Which service?"), choices), chosen)

    def action_asset(self) -> None:
        if self.context is None or not self.context.assets:
            self.notify(
                _("Pick a known caller first: assets are those of their site."), severity="warning"
            )
            return
        choices = [Choice("-", _("— no asset"))] + [
            Choice(tag, name, f"{tag} · {service or ''}")
            for tag, name, service in self.context.assets
        ]

        def chosen(tag: str | None) -> None:
            if tag is None:
                return
            self.form.asset = None if tag == "-" else tag
            service = next((svc for t, _n, svc in self.context.assets if t == tag), None)
            if service and service != self.form.service:
                self.form.service = service
                self._service_changed()
            else:
                self._show_asset()
                self._refresh_preview()
            self._remember()

        self.app.push_screen(PickerScreen(_("Which asset?"), choices), chosen)

    def _show_asset(self) -> None:
        name = "—"
        if self.form.asset and self.context:
            name = next(
                (n for t, n, _s in self.context.assets if t == self.form.asset), self.form.asset
            )
        self.query_one("#asset-field", Static).update(Text(visible_line(name)))

    def _service_changed(self, keep_fields: bool = False) -> None:
        code = self.form.service
        cat = self.desk.catalog
        service = next((s for s in cat.services.values() if s.code == code), None)
        self.query_one("#service-field", Static).update(
            Text(localized(service) if service else _("— (F4 to pick)"))
        )
        category = self.query_one("#category", Select)
        checklist = self.query_one("#checklist", SelectionList)
        self._filling = True
        category.set_options(
            [(Text(localized(c)), c.code) for c in service.categories] if service else []
        )
        if keep_fields and self.form.category:
            category.value = self.form.category
        checklist.clear_options()
        if service is not None:
            russian = self._language() == "ru"
            items = service.checklist_ru if russian and service.checklist_ru else service.checklist
            checklist.add_options(
                [(Text(item), item, item in self.form.checklist) for item in items]
            )
            if not keep_fields:
                self._set_select("#impact", service.default_impact)
                self._set_select("#urgency", service.default_urgency)
                self.form.impact = service.default_impact
                self.form.urgency = service.default_urgency
        self._filling = False
        self._show_asset()
        self._refresh_preview()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if self._filling:
            return
        value = None if event.value is Select.BLANK else event.value
        name = event.select.id
        if name == "category":
            self.form.category = value
        elif name == "impact":
            self.form.impact = value
        elif name == "urgency":
            self.form.urgency = value
        elif name == "channel":
            self.form.channel = value or "phone"
        elif name == "type":
            self.form.type = value
        self._refresh_preview()
        self._remember()

    @on(Input.Changed, "#subject")
    @on(TextArea.Changed, "#description")
    @on(SelectionList.SelectedChanged, "#checklist")
    def _text_changed(self) -> None:
        if not self._filling:
            self._remember()

    def _refresh_preview(self) -> None:
        f = self.form
        if not f.service:
            return
        self.call(
            preview,
            self.desk.store,
            service=f.service,
            customer=f.customer if not f.contact_id else None,
            contact_id=f.contact_id,
            asset=f.asset,
            category=f.category,
            impact=f.impact,
            urgency=f.urgency,
            now=self.desk.clock(),
            done=self._got_preview,
            group="preview",
            exclusive=True,
        )

    def _got_preview(self, p: Preview) -> None:
        self.preview = p
        text = Text()
        text.append(f"P{p.priority}", style="bold")
        text.append(f" · {p.line} / {p.group_name} ")
        text.append(
            _("(offered to {agent})").format(agent=p.offered_to) if p.offered_to else _("(queue)")
        )
        respond = f"{p.response_due.astimezone():%d.%m %H:%M}"
        resolve = f"{p.resolution_due.astimezone():%d.%m %H:%M}"
        text.append(" · " + _("respond by {at}").format(at=respond))
        text.append(" · " + _("resolve by {at}").format(at=resolve))
        text.append(f" · {p.plan}", style="dim")
        for warning in p.warnings:
            text.append(f"\n⚠ {warning}")
        box = self.query_one("#preview", Static)
        box.update(text)
        box.set_class(bool(p.warnings), "-warn")

    # -- outcomes ---------------------------------------------------------------------------------
    def _ticket(self, **extra: Any) -> NewTicket | None:
        self._collect()
        f = self.form
        if not (f.contact_id or f.new_contact):
            self.notify(
                _("Who is calling? Type in the caller box (F3 adds a new caller)."),
                severity="warning",
            )
            self.query_one("#caller", Input).focus()
            return None
        if not f.service:
            self.notify(_("Which service? F4 picks it."), severity="warning")
            return None
        if not f.subject.strip():
            self.notify(_("The subject is empty."), severity="warning")
            self.query_one("#subject", Input).focus()
            return None
        new_contact = None
        if f.new_contact:
            nc = f.new_contact
            new_contact = NewContact(
                nc["name"], nc.get("phone", ""), nc.get("email", ""), nc.get("customer")
            )
        return NewTicket(
            subject=f.subject,
            service=f.service,
            description=f.description,
            channel=f.channel,
            type=f.type,
            category=f.category,
            customer=f.customer if new_contact else None,
            contact_id=f.contact_id,
            new_contact=new_contact,
            asset=f.asset,
            impact=f.impact,
            urgency=f.urgency,
            checklist=tuple(f.checklist),
            **extra,
        )

    def action_save(self) -> None:
        ticket = self._ticket()
        if ticket is not None:
            self._register(ticket)

    def action_link(self, kind: str) -> None:
        nearby = self.query_one("#nearby", OptionList)
        if self.context is None or not self.context.nearby:
            self.notify(_("No open ticket nearby to link to."), severity="warning")
            return
        index = nearby.highlighted or 0
        key = self.context.nearby[index].key
        ticket = self._ticket(link_to=key, link_kind=kind)
        if ticket is not None:
            self._register(ticket)

    def action_solved(self) -> None:
        """Solved on the phone: pick a template, edit it, register as resolved (FCR)."""
        ticket = self._ticket()
        if ticket is None:
            return
        self.call(
            templates.for_call,
            self.desk.store,
            self.desk.actor,
            ticket.service,
            ("resolution", "reply"),
            language=self._language(),
            contact_id=self.form.contact_id,
            done=lambda choices: self._pick_resolution(ticket, choices),
        )

    def _language(self) -> str:
        """The caller's language, else the desk's: checklists and templates follow it."""
        if self.context is not None:
            return self.context.contact.language
        return self.desk.lang

    def _pick_resolution(self, ticket: NewTicket, choices) -> None:
        picks = [Choice("-", _("— write it from scratch"))] + [
            Choice(
                c.code, c.name, f"{c.language} · " + _("used {n}×").format(n=c.use_count), c.body
            )
            for c in choices
        ]

        def chosen(code: str | None) -> None:
            if code is None:
                return
            body = next((c.body for c in choices if c.code == code), "")
            editor = ComposeScreen(
                _("How was it solved? (the caller gets this text)"),
                ticket=None,
                kind="resolution",
                initial=body,
            )

            def written(text: str | None) -> None:
                if text:
                    self._register(
                        replace(ticket, resolution=text, template=None if code == "-" else code)
                    )

            self.app.push_screen(editor, written)

        self.app.push_screen(
            PickerScreen(_("Solved on first contact: start from a template"), picks), chosen
        )

    def _register(self, ticket: NewTicket) -> None:
        def done(result: Registered) -> None:
            self.saved = result
            self.call(
                drafts.discard,
                self.desk.store,
                self.desk.actor,
                "registration",
                None,
                group="draft",
            )
            if self._draft_timer is not None:
                self._draft_timer.stop()
            self.app.push_screen(RegisteredScreen(result), self._after_saved)

        self.call(
            register,
            self.desk.store,
            self.desk.actor,
            ticket,
            now=self.desk.clock(),
            done=done,
            group="register",
            exclusive=True,
        )

    def _after_saved(self, what: str | None) -> None:
        key = self.saved.key if self.saved else None
        if what == "next":
            self.reset()
        elif what == "open" and key:
            self.dismiss()
            self.desk.open_ticket(key)
        else:
            self.dismiss()

    def reset(self) -> None:
        """Ready for the next call."""
        self._filling = True
        self.form = CallForm()
        self.context = None
        self.preview = None
        self.matches = []
        self.query_one("#caller", Input).value = ""
        self.query_one("#subject", Input).value = ""
        self.query_one("#description", TextArea).text = ""
        self.query_one("#matches", OptionList).clear_options()
        self.query_one("#matches", OptionList).display = True
        self.query_one("#nearby", OptionList).clear_options()
        self.query_one("#nearby", OptionList).display = False
        self.query_one("#caller-card", Static).update("")
        self.query_one("#context", Static).update("")
        self.query_one("#checklist", SelectionList).clear_options()
        self.query_one("#service-field", Static).update("—")
        self.query_one("#asset-field", Static).update("—")
        self.query_one("#preview", Static).update("")
        self._set_select("#impact", None)
        self._set_select("#urgency", None)
        self._set_select("#category", None)
        self._filling = False
        self.query_one("#caller", Input).focus()

    def action_draft(self) -> None:
        self._collect()
        if self.form.is_empty():
            self.notify(_("Nothing to keep yet."))
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        data = dict(self.form.__dict__)

        def kept(_saved: object) -> None:
            self.notify(_("Kept as a draft: it comes back when you next press n."))
            self.dismiss()

        self.call(
            drafts.save,
            self.desk.store,
            self.desk.actor,
            "registration",
            None,
            self.form.subject,
            data,
            done=kept,
            group="draft",
        )

    def action_leave(self) -> None:
        self._collect()
        if self.form.is_empty():
            self.call(
                drafts.discard,
                self.desk.store,
                self.desk.actor,
                "registration",
                None,
                group="draft",
            )
            self.dismiss()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                if self._draft_timer is not None:
                    self._draft_timer.stop()
                self.call(
                    drafts.discard,
                    self.desk.store,
                    self.desk.actor,
                    "registration",
                    None,
                    group="draft",
                )
                self.dismiss()

        self.app.push_screen(
            ConfirmScreen(_("Discard this call?"), _("Ctrl+D keeps it as a draft instead.")),
            answer,
        )
