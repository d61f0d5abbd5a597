"""Templates: every reply, resolution and notification template, found by typing; the one
under the cursor shown filled from a sample ticket of its service. Enter or `e` edits it,
`w` writes a new one (supervisors and admins; everybody else reads)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.fuzzy import Matcher
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.placeholders import fill
from helpdesk_tui.domain.text import visible, visible_line
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.services import templates
from helpdesk_tui.services.templates import Sample, TemplateRow
from helpdesk_tui.widgets.footer import Footer


def scope_text(row: TemplateRow) -> str:
    services = ", ".join(row.services) if row.services else _("every service")
    lines = ", ".join(row.lines) if row.lines else _("every line")
    return f"{row.kind} · {row.language} · {services} · {lines}"


def filled(row: TemplateRow, sample: Sample | None) -> Text:
    """The template as the customer would read it, filled from the sample."""
    values = sample.values if sample else {}
    text = Text()
    if row.subject:
        text.append(_("Subject: "), style="bold")
        text.append(visible_line(fill(row.subject, values)) + "\n\n")
    text.append(visible(fill(row.body, values)))
    return text


def _used(row: TemplateRow) -> str:
    return _("used {n}×").format(n=row.use_count)


def _score(matcher: Matcher, query: str, row: TemplateRow) -> float:
    """Fuzzy, but the code typed in full first, then names and codes that hold the text."""
    score = matcher.match(f"{row.name} {row.code} {scope_text(row)}")
    wanted = query.strip().casefold()
    if score and wanted == row.code:
        return score + 100
    if score and (wanted in row.code or wanted in row.name.casefold()):
        return score + 10
    return score


class TemplatesScreen(DeskScreen):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="templates.back"),
        Binding("slash", "find", N_("Find"), id="templates.find", key_display="/"),
        Binding(
            "e", "edit", N_("Edit"), id="templates.edit", tooltip=N_("Edit the template shown")
        ),
        Binding(
            "w", "write", N_("Write"), id="templates.write", tooltip=N_("Write a new template")
        ),
        Binding("j", "move(1)", N_("Down"), show=False, id="templates.down"),
        Binding("k", "move(-1)", N_("Up"), show=False, id="templates.up"),
        Binding("ctrl+r", "refresh", N_("Refresh"), show=False, id="templates.refresh"),
    ]

    DEFAULT_CSS = """
    TemplatesScreen #tpl-filter { margin: 0 1; }
    TemplatesScreen #tpl-status { height: 1; padding: 0 2; color: $text-muted; }
    TemplatesScreen #tpl-body { height: 1fr; }
    TemplatesScreen #tpl-list { width: 42%; min-width: 36; border: none; padding: 0 1; }
    TemplatesScreen #tpl-view { width: 1fr; border-left: solid $panel; padding: 0 1; }
    TemplatesScreen #tpl-meta { color: $text-muted; padding: 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[TemplateRow] = []
        self.shown: list[TemplateRow] = []
        self.samples: dict[tuple[tuple[str, ...], str], Sample] = {}

    @property
    def may_write(self) -> bool:
        return permissions.allows(self.desk.actor.role, "template.write")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("find: name, code, service, kind, language"), id="tpl-filter")
        yield Static(id="tpl-status")
        with Horizontal(id="tpl-body"):
            yield OptionList(id="tpl-list")
            with VerticalScroll(id="tpl-view"):
                yield Static(id="tpl-meta")
                yield Static(id="tpl-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Templates")
        if not self.may_write:
            self.sub_title = _("read only: supervisors and admins write templates")
        self.query_one("#tpl-filter", Input).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "write"):
            return self.may_write
        return True

    def load(self, select: str | None = None) -> None:
        def loaded(rows: list[TemplateRow]) -> None:
            self.rows = rows
            self._filter(self.query_one("#tpl-filter", Input).value, select=select)

        self.call(templates.list_all, self.desk.store, self.desk.actor, done=loaded)

    @property
    def options(self) -> OptionList:
        return self.query_one("#tpl-list", OptionList)

    @on(Input.Changed, "#tpl-filter")
    def _typed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    @on(Input.Submitted, "#tpl-filter")
    def _submitted(self) -> None:
        if self.shown:
            self.options.focus()

    def _filter(self, query: str, *, select: str | None = None) -> None:
        """Narrowed in memory (a desk has a few hundred templates at most)."""
        if query.strip():
            matcher = Matcher(query)
            scored = [(_score(matcher, query, r), i, r) for i, r in enumerate(self.rows)]
            self.shown = [
                r for score, _i, r in sorted(scored, key=lambda x: (-x[0], x[1])) if score > 0
            ]
        else:
            self.shown = list(self.rows)
        options = self.options
        keep = select  # else the best match
        options.clear_options()
        for row in self.shown:
            prompt = Text(visible_line(row.name), style="bold" if row.active else "dim strike")
            prompt.append(f"\n{row.code} · {scope_text(row)} · {_used(row)}", style="dim")
            if row.edited:
                prompt.append(_(" · edited here"), style="dim italic")
            options.add_options([Option(prompt, id=row.code), None])  # None: a rule under
        codes = [r.code for r in self.shown]
        if codes:
            options.highlighted = codes.index(keep) if keep in codes else 0
        else:
            self.query_one("#tpl-meta", Static).update("")
            self.query_one("#tpl-preview", Static).update("")
        status = _("{shown} of {total} templates").format(
            shown=len(self.shown), total=len(self.rows)
        )
        self.query_one("#tpl-status", Static).update(status)

    @property
    def current(self) -> TemplateRow | None:
        option = self.options.highlighted_option
        return next((r for r in self.shown if option and r.code == option.id), None)

    @on(OptionList.OptionHighlighted, "#tpl-list")
    def _highlighted(self) -> None:
        row = self.current
        if row is None:
            return
        meta = Text()
        meta.append(row.code, style="bold")
        meta.append(f" · {scope_text(row)} · {_used(row)}")
        if not row.active:
            meta.append(_(" · inactive"))
        self.query_one("#tpl-meta", Static).update(meta)
        scope = (row.services, row.language)
        if scope in self.samples:
            self._preview(row, self.samples[scope])
            return
        self.query_one("#tpl-preview", Static).update(Text(visible(row.body)))

        def sampled(sample: Sample) -> None:
            self.samples[scope] = sample
            if self.current is not None and self.current.code == row.code:
                self._preview(row, sample)

        self.call(
            templates.sample,
            self.desk.store,
            self.desk.actor,
            row.services,
            row.language,
            done=sampled,
            group="tpl-sample",
            exclusive=True,
        )

    def _preview(self, row: TemplateRow, sample: Sample) -> None:
        source = (
            _("filled from {key}").format(key=sample.key)
            if sample.key
            else _("filled from an example")
        )
        meta = self.query_one("#tpl-meta", Static)
        text = Text()
        text.append(row.code, style="bold")
        text.append(f" · {scope_text(row)} · {_used(row)} · {source}")
        meta.update(text)
        self.query_one("#tpl-preview", Static).update(filled(row, sample))

    @on(OptionList.OptionSelected, "#tpl-list")
    def _selected(self) -> None:
        if self.may_write:
            self.action_edit()

    def action_back(self) -> None:
        self.dismiss()

    def action_find(self) -> None:
        self.query_one("#tpl-filter", Input).focus()

    def action_move(self, delta: int) -> None:
        if self.shown:
            (self.options.action_cursor_down if delta > 0 else self.options.action_cursor_up)()

    def action_refresh(self) -> None:
        self.samples.clear()
        self.load(select=self.current.code if self.current else None)

    def action_edit(self) -> None:
        from helpdesk_tui.screens.template_editor import TemplateEditorScreen

        row = self.current
        if row is None:
            self.notify(_("Pick a template first."), severity="warning")
            return
        self.app.push_screen(TemplateEditorScreen(row), self._saved)

    def action_write(self) -> None:
        from helpdesk_tui.screens.template_editor import TemplateEditorScreen

        self.app.push_screen(TemplateEditorScreen(None), self._saved)

    def _saved(self, row: TemplateRow | None) -> None:
        if row is not None:
            self.samples.clear()
            self.load(select=row.code)
