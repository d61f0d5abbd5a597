"""Writing or editing an article: title, language, tags, the services it is about, the groups
that see it (none: everybody), and the Markdown text with its preview beside it.

Ctrl+S saves (one transaction; a bad field or a newer version saved meanwhile is shown
in one line and nothing is lost); Esc leaves, asking first when something was changed.
Returns the saved article, or None."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import WorkerCalls, shown_in
from helpdesk_tui.screens.dialogs import leave_unsaved
from helpdesk_tui.services import knowledge
from helpdesk_tui.services.knowledge import ArticleInput, ArticleView, Choices
from helpdesk_tui.widgets.article_view import ArticleMarkdown
from helpdesk_tui.widgets.footer import Footer

PREVIEW_QUIET = 0.3  # seconds of quiet typing before the preview is drawn again
LANGUAGES = [("English", "en"), ("Русский", "ru")]


class ArticleEditorScreen(WorkerCalls, Screen[ArticleView | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="article.save", priority=True),
        Binding("escape", "leave", N_("Close"), id="article.close"),
    ]

    DEFAULT_CSS = """
    ArticleEditorScreen #ed-head { height: auto; padding: 0 1; }
    ArticleEditorScreen #ed-title { width: 1fr; }
    ArticleEditorScreen #ed-language { width: 16; }
    ArticleEditorScreen #ed-tags { margin: 0 1; }
    ArticleEditorScreen #ed-body { height: 1fr; }
    ArticleEditorScreen #ed-scope { width: 30; padding: 0 1; }
    ArticleEditorScreen #ed-scope SelectionList { height: 1fr; }
    ArticleEditorScreen #ed-scope Label { color: $text-muted; padding: 1 0 0 0; }
    ArticleEditorScreen #ed-text { width: 1fr; }
    ArticleEditorScreen #ed-preview { width: 1fr; border-left: solid $panel; padding: 0 1; }
    ArticleEditorScreen #ed-error { color: $error; padding: 0 2; height: auto; }
    ArticleEditorScreen.-narrow #ed-preview { display: none; }
    """

    def __init__(
        self,
        article: ArticleInput,
        *,
        slug: str | None = None,
        updated_at: datetime | None = None,
        source_ticket: str | None = None,
    ) -> None:
        super().__init__()
        self.initial = article
        self.slug = slug
        self.updated_at = updated_at
        self.source_ticket = source_ticket
        self.scope_loaded = False  # the service and group lists are filled
        self._preview_timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ed-head"):
            yield Input(self.initial.title, placeholder=_("title"), id="ed-title")
            yield Select(
                LANGUAGES, value=self.initial.language or "en", allow_blank=False, id="ed-language"
            )
        yield Input(
            ", ".join(self.initial.tags),
            placeholder=_("tags, separated by commas"),
            id="ed-tags",
        )
        with Horizontal(id="ed-body"):
            with Vertical(id="ed-scope"):
                yield Label(_("About the services"))
                yield SelectionList[str](id="ed-services")
                yield Label(_("Visible to (none ticked: everybody)"))
                yield SelectionList[str](id="ed-groups")
            yield TextArea(self.initial.body, id="ed-text", soft_wrap=True)
            with VerticalScroll(id="ed-preview"):
                yield ArticleMarkdown(self.initial.body, id="ed-rendered")
        yield Static(id="ed-error")
        yield Footer()

    def on_mount(self) -> None:
        if self.slug:
            self.title = _("Edit: {title}").format(title=self.initial.title)
        elif self.source_ticket:
            self.title = _("New article drafted from {key}").format(key=self.source_ticket)
        else:
            self.title = _("New article")
        self.sub_title = _("Markdown · Ctrl+S save · Esc close")
        self.query_one("#ed-title" if not self.initial.title else "#ed-text").focus()
        self.call(knowledge.choices, self.desk.store, self.desk.actor, done=self._got_choices)

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < 110, "-narrow")

    def _got_choices(self, choices: Choices) -> None:
        services = self.query_one("#ed-services", SelectionList)
        services.add_options(
            Selection(Text(f"{name} ({code})"), code, code in self.initial.services)
            for code, name in choices.services
        )
        groups = self.query_one("#ed-groups", SelectionList)
        groups.add_options(
            Selection(
                Text(f"{name} ({code})" + (_(" · yours") if code in choices.my_groups else "")),
                code,
                code in self.initial.groups,
            )
            for code, name in choices.groups
        )
        self.scope_loaded = True

    # -- what is being written ----------------------------------------------------------------
    def data(self) -> ArticleInput:
        tags = tuple(t.strip() for t in self.query_one("#ed-tags", Input).value.split(","))
        language = self.query_one("#ed-language", Select).value
        return ArticleInput(
            title=self.query_one("#ed-title", Input).value,
            body=self.query_one("#ed-text", TextArea).text,
            language=language if isinstance(language, str) else "en",
            services=tuple(self.query_one("#ed-services", SelectionList).selected)
            if self.scope_loaded
            else self.initial.services,
            groups=tuple(self.query_one("#ed-groups", SelectionList).selected)
            if self.scope_loaded
            else self.initial.groups,
            tags=tuple(t for t in tags if t),
        )

    @property
    def changed(self) -> bool:
        return self.data() != self.initial

    @on(Input.Changed)
    @on(SelectionList.SelectedChanged)
    def _field_changed(self) -> None:
        self.query_one("#ed-error", Static).update("")

    @on(TextArea.Changed, "#ed-text")
    def _text_changed(self) -> None:
        self.query_one("#ed-error", Static).update("")
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_QUIET, self._redraw_preview)

    def _redraw_preview(self) -> None:
        self._preview_timer = None
        self.query_one("#ed-rendered", ArticleMarkdown).show(
            self.query_one("#ed-text", TextArea).text
        )

    # -- saving and leaving ----------------------------------------------------------------------
    def action_save(self) -> None:
        self.call(
            knowledge.save,
            self.desk.store,
            self.desk.actor,
            self.data(),
            slug=self.slug,
            expected_updated_at=self.updated_at,
            source_ticket=self.source_ticket,
            done=self._saved,
            failed=shown_in(self.query_one("#ed-error", Static)),
            group="article-save",
            exclusive=True,
        )

    def _saved(self, view: ArticleView) -> None:
        self.notify(
            _("Saved “{title}” ({slug}).").format(title=view.title, slug=view.slug), timeout=4
        )
        self.dismiss(view)

    def action_leave(self) -> None:
        leave_unsaved(self, self.changed)
