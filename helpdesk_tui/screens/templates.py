"""Templates: every reply, resolution and notification template, found by typing; the one
under the cursor shown filled from a sample ticket of its service. Enter or `e` edits it,
`w` writes a new one (supervisors and admins; everybody else reads)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.fuzzy import Matcher

from helpdesk_tui.domain.placeholders import fill
from helpdesk_tui.domain.text import visible, visible_line
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.finder import FinderScreen
from helpdesk_tui.services import templates
from helpdesk_tui.services.templates import Sample, TemplateRow


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


class TemplatesScreen(FinderScreen[TemplateRow]):
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

    DEFAULT_CSS = "TemplatesScreen #tpl-list { width: 42%; }"

    ID = "tpl"
    VIEW = "preview"
    TITLE_TEXT = N_("Templates")
    READ_ONLY = N_("read only: supervisors and admins write templates")
    PLACEHOLDER = N_("find: name, code, service, kind, language")
    STATUS = N_("{shown} of {total} templates")
    PERMISSION = "template.write"

    def __init__(self) -> None:
        super().__init__()
        self.samples: dict[tuple[tuple[str, ...], str], Sample] = {}

    def read_rows(self, done: Callable[[list[TemplateRow]], None]) -> None:
        self.call(templates.list_all, self.desk.store, self.desk.actor, done=done)

    def row_id(self, row: TemplateRow) -> str:
        return row.code

    def score(self, matcher: Matcher, query: str, row: TemplateRow) -> float:
        """Fuzzy, but the code typed in full first, then names and codes that hold it."""
        score = matcher.match(f"{row.name} {row.code} {scope_text(row)}")
        wanted = query.strip().casefold()
        if score and wanted == row.code:
            return score + 100
        if score and (wanted in row.code or wanted in row.name.casefold()):
            return score + 10
        return score

    def prompt(self, row: TemplateRow) -> Text:
        prompt = Text(visible_line(row.name), style="bold" if row.active else "dim strike")
        prompt.append(f"\n{row.code} · {scope_text(row)} · {_used(row)}", style="dim")
        if row.edited:
            prompt.append(_(" · edited here"), style="dim italic")
        return prompt

    def show(self, row: TemplateRow) -> None:
        meta = Text()
        meta.append(row.code, style="bold")
        meta.append(f" · {scope_text(row)} · {_used(row)}")
        if not row.active:
            meta.append(_(" · inactive"))
        self.meta.update(meta)
        scope = (row.services, row.language)
        if scope in self.samples:
            self._preview(row, self.samples[scope])
            return
        self.body.update(Text(visible(row.body)))

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
        text = Text()
        text.append(row.code, style="bold")
        text.append(f" · {scope_text(row)} · {_used(row)} · {source}")
        self.meta.update(text)
        self.body.update(filled(row, sample))

    def action_refresh(self) -> None:
        self.samples.clear()
        super().action_refresh()

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
