"""Writing or editing a template: code, name, kind, language, the services and lines it is
offered for, the subject (notifications) and the body with placeholders.

While the agent types, the preview beside the body shows it filled from a sample ticket
of its service, and every unknown or broken placeholder is listed under it, with the
nearest known name. Ctrl+S saves (refused in one line while a placeholder is wrong);
Esc leaves, asking first when something was changed. Returns the saved template."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.selection_list import Selection

from helpdesk_tui.domain.placeholders import PLACEHOLDERS, problems
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import WorkerCalls, shown_in
from helpdesk_tui.screens.dialogs import leave_unsaved
from helpdesk_tui.screens.templates import filled
from helpdesk_tui.services import templates
from helpdesk_tui.services.templates import Sample, Scopes, TemplateInput, TemplateRow
from helpdesk_tui.widgets.footer import Footer

KINDS = [
    (N_("Reply"), "reply"),
    (N_("Resolution"), "resolution"),
    (N_("Notification"), "notification"),
]
LANGUAGES = [("English", "en"), ("Русский", "ru")]


class TemplateEditorScreen(WorkerCalls, Screen[TemplateRow | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="template.save", priority=True),
        Binding("escape", "leave", N_("Close"), id="template.close"),
    ]

    DEFAULT_CSS = """
    TemplateEditorScreen .te-row { height: auto; padding: 0 1; }
    TemplateEditorScreen #te-code { width: 34; }
    TemplateEditorScreen #te-name { width: 1fr; }
    TemplateEditorScreen #te-kind { width: 22; }
    TemplateEditorScreen #te-language { width: 16; }
    TemplateEditorScreen #te-subject { width: 1fr; }
    TemplateEditorScreen #te-body { height: 1fr; }
    TemplateEditorScreen #te-scope { width: 30; padding: 0 1; }
    TemplateEditorScreen #te-scope SelectionList { height: 1fr; }
    TemplateEditorScreen #te-scope Label { color: $text-muted; padding: 1 0 0 0; }
    TemplateEditorScreen #te-text { width: 1fr; }
    TemplateEditorScreen #te-right { width: 1fr; border-left: solid $panel; padding: 0 1; }
    TemplateEditorScreen #te-source { color: $text-muted; }
    TemplateEditorScreen #te-known { color: $text-muted; height: auto; padding: 1 0 0 0; }
    TemplateEditorScreen #te-problems { color: $error; padding: 0 2; height: auto; }
    TemplateEditorScreen #te-error { color: $error; padding: 0 2; height: auto; }
    TemplateEditorScreen.-narrow #te-right { display: none; }
    """

    def __init__(self, row: TemplateRow | None) -> None:
        """`row`: the template to edit; None writes a new one."""
        super().__init__()
        self.row = row
        self.initial = (
            TemplateInput(
                row.code,
                row.name,
                row.body,
                row.language,
                row.kind,
                row.services,
                row.lines,
                row.subject,
                row.active,
            )
            if row is not None
            else TemplateInput("", "", _("Hello {{contact.name}},\n\n\n\n{{agent.name}}"))
        )
        self.sample: Sample | None = None
        self.scope_loaded = False

    def compose(self) -> ComposeResult:
        t = self.initial
        yield Header()
        with Horizontal(classes="te-row"):
            yield Input(
                t.code,
                placeholder=_("code: printer-paper-en"),
                id="te-code",
                disabled=self.row is not None,
            )
            yield Input(t.name, placeholder=_("name agents pick it by"), id="te-name")
        with Horizontal(classes="te-row"):
            yield Select(
                [(_(label), kind) for label, kind in KINDS],
                value=t.kind,
                allow_blank=False,
                id="te-kind",
            )
            yield Select(LANGUAGES, value=t.language, allow_blank=False, id="te-language")
            yield Input(t.subject, placeholder=_("mail subject (notifications)"), id="te-subject")
            yield Checkbox(_("active"), t.active, id="te-active")
        with Horizontal(id="te-body"):
            with Vertical(id="te-scope"):
                yield Label(_("For the services (none: all)"))
                yield SelectionList[str](id="te-services")
                yield Label(_("For the lines (none: all)"))
                yield SelectionList[str](id="te-lines")
            yield TextArea(t.body, id="te-text", soft_wrap=True)
            with Vertical(id="te-right"):
                yield Static(id="te-source")
                with VerticalScroll():
                    yield Static(id="te-preview")
                yield Static(
                    Text(_("Placeholders: ") + " ".join(f"{{{{{n}}}}}" for n in PLACEHOLDERS)),
                    id="te-known",
                )
        yield Static(id="te-problems")
        yield Static(id="te-error")
        yield Footer()

    def on_mount(self) -> None:
        self.title = (
            _("Template: {name}").format(name=self.row.name) if self.row else _("New template")
        )
        self.sub_title = _("Ctrl+S save · Esc close")
        self.query_one("#te-name" if self.row else "#te-code", Input).focus()
        self.call(templates.scopes, self.desk.store, done=self._got_scopes)
        self._check()
        self._load_sample()

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < 110, "-narrow")

    def _got_scopes(self, scopes: Scopes) -> None:
        self.query_one("#te-services", SelectionList).add_options(
            Selection(Text(f"{name} ({code})"), code, code in self.initial.services)
            for code, name in scopes.services
        )
        self.query_one("#te-lines", SelectionList).add_options(
            Selection(Text(f"{name} ({code})"), code, code in self.initial.lines)
            for code, name in scopes.lines
        )
        self.scope_loaded = True

    # -- what is being written -------------------------------------------------------------
    def data(self) -> TemplateInput:
        kind = self.query_one("#te-kind", Select).value
        language = self.query_one("#te-language", Select).value
        services = self.query_one("#te-services", SelectionList).selected
        lines = self.query_one("#te-lines", SelectionList).selected
        return TemplateInput(
            code=self.query_one("#te-code", Input).value.strip(),
            name=self.query_one("#te-name", Input).value,
            body=self.query_one("#te-text", TextArea).text,
            language=language if isinstance(language, str) else "en",
            kind=kind if isinstance(kind, str) else "reply",
            services=tuple(services) if self.scope_loaded else self.initial.services,
            lines=tuple(lines) if self.scope_loaded else self.initial.lines,
            subject=self.query_one("#te-subject", Input).value,
            active=self.query_one("#te-active", Checkbox).value,
        )

    @property
    def changed(self) -> bool:
        return self.data() != self.initial

    def _check(self) -> None:
        """Placeholders checked and the preview filled on every key (both are pure)."""
        data = self.data()
        found = [_("subject, {problem}").format(problem=p) for p in problems(data.subject)] + [
            _("body, {problem}").format(problem=p) for p in problems(data.body)
        ]
        self.query_one("#te-problems", Static).update(Text("\n".join(f"✗ {p}" for p in found)))
        row = TemplateRow(
            data.code,
            data.name,
            data.language,
            data.kind,
            data.services,
            data.lines,
            data.subject,
            data.body,
            0,
            data.active,
            None,
            True,
        )
        self.query_one("#te-preview", Static).update(filled(row, self.sample))

    def _load_sample(self) -> None:
        data = self.data()

        def sampled(sample: Sample) -> None:
            self.sample = sample
            where = (
                _("Preview, filled from a ticket of the service, {key}:").format(key=sample.key)
                if sample.key
                else _("Preview, filled from an example:")
            )
            self.query_one("#te-source", Static).update(Text(where))
            self._check()

        self.call(
            templates.sample,
            self.desk.store,
            self.desk.actor,
            data.services,
            data.language,
            done=sampled,
            group="te-sample",
            exclusive=True,
        )

    @on(TextArea.Changed, "#te-text")
    @on(Input.Changed, "#te-subject")
    def _text_changed(self) -> None:
        self.query_one("#te-error", Static).update("")
        self._check()

    @on(SelectionList.SelectedChanged, "#te-services")
    @on(Select.Changed, "#te-language")
    def _scope_changed(self) -> None:
        self._load_sample()

    # -- saving and leaving ---------------------------------------------------------------------
    def action_save(self) -> None:
        self.call(
            templates.save,
            self.desk.store,
            self.desk.actor,
            self.data(),
            new=self.row is None,
            expected_updated_at=self.row.updated_at if self.row else None,
            done=self._saved,
            failed=shown_in(self.query_one("#te-error", Static)),
            group="te-save",
            exclusive=True,
        )

    def _saved(self, row: TemplateRow) -> None:
        self.notify(
            _("Saved the template “{name}” ({code}).").format(name=row.name, code=row.code),
            timeout=4,
        )
        self.dismiss(row)

    def action_leave(self) -> None:
        leave_unsaved(self, self.changed)
