"""The knowledge base: search as you type, read the article rendered, write and edit.

Opened for a ticket (`K` on a ticket), it starts with the articles linked to the ticket and
those that match it; Enter opens one for the ticket (linked, counted once per ticket) and
`i` puts it into the reply. Every search and read runs in a worker; a result that comes
back after the query changed is dropped."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.i18n import N_, _, n_
from helpdesk_tui.screens.base import DeskScreen
from helpdesk_tui.screens.dialogs import ConfirmScreen
from helpdesk_tui.services import knowledge
from helpdesk_tui.services.knowledge import ArticleHit, ArticleView, SearchResult, TicketArticles
from helpdesk_tui.widgets.article_view import ArticleMarkdown, hit_prompt, scope_label
from helpdesk_tui.widgets.footer import Footer

TYPING_QUIET = 0.12  # seconds after the last key before searching
READ_QUIET = 0.08  # … after the highlight stops before reading the article


class KnowledgeScreen(DeskScreen):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="kb.back"),
        Binding("slash", "search", N_("Search"), id="kb.search", key_display="/"),
        Binding(
            "i",
            "insert",
            N_("Insert in reply"),
            id="kb.insert",
            tooltip=N_("Put the article into your reply on the ticket (linked and counted)"),
        ),
        Binding("w", "write", N_("Write"), id="kb.write", tooltip=N_("Write a new article")),
        Binding("e", "edit", N_("Edit"), id="kb.edit", tooltip=N_("Edit the article shown")),
        Binding(
            "D", "delete", N_("Delete"), id="kb.delete", tooltip=N_("Delete the article shown")
        ),
        Binding("j", "move(1)", N_("Down"), show=False, id="kb.down"),
        Binding("k", "move(-1)", N_("Up"), show=False, id="kb.up"),
        Binding("ctrl+r", "refresh", N_("Refresh"), show=False, id="kb.refresh"),
    ]

    DEFAULT_CSS = """
    KnowledgeScreen #kb-query { margin: 0 1; }
    KnowledgeScreen #kb-status { height: 1; padding: 0 2; color: $text-muted; }
    KnowledgeScreen #kb-body { height: 1fr; }
    KnowledgeScreen #kb-hits { width: 42%; min-width: 36; border: none; padding: 0 1; }
    KnowledgeScreen #kb-reader { width: 1fr; border-left: solid $panel; padding: 0 1; }
    KnowledgeScreen #kb-meta { color: $text-muted; padding: 1 1 0 1; }
    KnowledgeScreen #kb-empty { color: $text-muted; padding: 2; }
    """

    def __init__(self, ticket: str | None = None, show: str | None = None) -> None:
        """`ticket`: the key of the ticket it was opened for; `show`: a slug to open."""
        super().__init__()
        self.ticket = ticket
        self.show_slug = show
        self.hits: list[ArticleHit] = []
        self.linked: set[str] = set()
        self.article: ArticleView | None = None
        self.query_text = ""
        self.pinned = show  # an article to keep showing until the agent moves on
        self._search_timer = None
        self._read_timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder=_('search: words, "a phrase", -excluded, or — ↓ to the list'),
            id="kb-query",
        )
        yield Static(id="kb-status")
        with Horizontal(id="kb-body"):
            yield OptionList(id="kb-hits")
            with VerticalScroll(id="kb-reader"):
                yield Static(_("Nothing to show yet."), id="kb-empty")
                yield Static(id="kb-meta")
                yield ArticleMarkdown(id="kb-article")
        yield Footer()

    def on_mount(self) -> None:
        self.title = (
            _("Knowledge base — for {key}").format(key=self.ticket)
            if self.ticket
            else _("Knowledge base")
        )
        self.query_one("#kb-meta").display = False
        self.query_one(ArticleMarkdown).display = False
        self.query_one("#kb-query", Input).focus()
        self.run_search()
        if self.show_slug:
            self.read(self.show_slug)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        role = self.desk.actor.role
        if action == "insert":  # False: neither shown nor run
            return self.ticket is not None
        if action == "delete":
            return permissions.allows(role, "kb.delete")
        if action in ("write", "edit"):
            return permissions.allows(role, "kb.write")
        return True

    @property
    def hits_list(self) -> OptionList:
        return self.query_one("#kb-hits", OptionList)

    # -- searching ------------------------------------------------------------------------
    @on(Input.Changed, "#kb-query")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.pinned = None
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(TYPING_QUIET, self.run_search)

    @on(Input.Submitted, "#kb-query")
    def _submitted(self) -> None:
        if self.hits:
            self.hits_list.focus()

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#kb-query") and self.hits:
            event.stop()
            self.hits_list.focus()

    def run_search(self) -> None:
        self._search_timer = None
        query = self.query_text
        if self.ticket is not None and not query.strip():
            self.call(
                knowledge.for_ticket,
                self.desk.store,
                self.desk.actor,
                self.ticket,
                limit=10,
                done=lambda found: self._found_for_ticket(query, found),
                group="kb-search",
                exclusive=True,
            )
            return
        self.call(
            knowledge.search,
            self.desk.store,
            self.desk.actor,
            query,
            done=self._found,
            group="kb-search",
            exclusive=True,
        )

    def _found(self, result: SearchResult) -> None:
        if result.query != self.query_text:
            return  # typed on meanwhile
        if not result.query.strip():
            status = n_(
                "{n} article, the most used first",
                "{n} articles, the most used first",
                result.total,
            ).format(n=f"{result.total:,}")
        elif result.total:
            shown = len(result.hits)
            status = n_("{n} matches “{query}”", "{n} match “{query}”", result.total).format(
                n=f"{result.total:,}", query=result.query.strip()
            ) + (_(" (the best {n})").format(n=shown) if shown < result.total else "")
        else:
            status = _("nothing matches “{query}”").format(query=result.query.strip())
        self._fill(list(result.hits), status)

    def _found_for_ticket(self, query: str, found: TicketArticles) -> None:
        if query != self.query_text:
            return
        self.linked = {h.slug for h in found.linked}
        hits = [*found.linked, *found.suggested]
        status = _(
            "for {key}: {linked} linked, {suggested} suggested — type to search everything"
        ).format(key=found.key, linked=len(found.linked), suggested=len(found.suggested))
        self._fill(hits, status)

    def _fill(self, hits: list[ArticleHit], status: str) -> None:
        self.hits = hits
        self.query_one("#kb-status", Static).update(Text(status))
        options = self.hits_list
        keep = self.pinned or (
            options.highlighted_option.id if options.highlighted_option else None
        )
        options.clear_options()
        for h in hits:  # a rule under each (None): three-line entries read apart
            options.add_options(
                [Option(hit_prompt(h, mark="✓" if h.slug in self.linked else ""), id=h.slug), None]
            )
        slugs = [h.slug for h in hits]
        if keep in slugs:
            options.highlighted = slugs.index(keep)
        elif hits and not self.pinned:  # the best hit is read at once
            options.highlighted = 0
        elif not hits and self.article is None:
            self._show(None)

    # -- reading --------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#kb-hits")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        slug = event.option.id
        if slug != self.pinned:
            self.pinned = None  # the agent moved on
        if slug is None or (self.article is not None and self.article.slug == slug):
            return
        if self._read_timer is not None:
            self._read_timer.stop()
        self._read_timer = self.set_timer(READ_QUIET, lambda: self.read(slug))

    @on(OptionList.OptionSelected, "#kb-hits")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.read(event.option.id, for_ticket=self.ticket is not None)
            self.query_one("#kb-reader").focus()

    def read(self, slug: str, *, for_ticket: bool = False) -> None:
        """Show an article; opened for the ticket, it is linked to it and counted."""
        self._read_timer = None
        if for_ticket and self.ticket is not None:
            fn, args = knowledge.open_for_ticket, (slug, self.ticket)
        else:
            fn, args = knowledge.get, (slug,)
        self.call(
            fn,
            self.desk.store,
            self.desk.actor,
            *args,
            done=self._show,
            group="kb-read",
            exclusive=True,
        )

    def _show(self, view: ArticleView | None) -> None:
        self.article = view
        self.query_one("#kb-empty").display = view is None
        self.query_one("#kb-meta").display = view is not None
        markdown = self.query_one(ArticleMarkdown)
        markdown.display = view is not None
        if view is None:
            return
        opened_now = view.slug not in self.linked and any(
            t.key == self.ticket for t in view.tickets
        )
        if self.ticket and opened_now:
            self.linked.add(view.slug)
            hit = next((h for h in self.hits if h.slug == view.slug), None)
            if hit is not None:
                self.hits_list.replace_option_prompt(view.slug, hit_prompt(hit, mark="✓"))
        meta = Text()
        meta.append(view.slug, style="bold")
        meta.append(f" · {view.language} · {scope_label(view.services, view.groups)}")
        meta.append(
            " · "
            + n_("used on {n} ticket", "used on {n} tickets", view.use_count).format(
                n=view.use_count
            )
        )
        if view.author:
            meta.append(" · " + _("by {author}").format(author=visible_line(view.author)))
        if view.updated_at:
            meta.append(f" · {view.updated_at.astimezone():%d.%m.%Y %H:%M}")
        if view.tickets:
            keys = ", ".join(
                t.key + (_(" (source)") if t.kind == "source" else "") for t in view.tickets[:8]
            )
            meta.append(
                "\n"
                + _("linked: {keys}").format(keys=keys)
                + (" …" if len(view.tickets) > 8 else "")
            )
        self.query_one("#kb-meta", Static).update(meta)
        markdown.show(view.body)
        self.query_one("#kb-reader", VerticalScroll).scroll_home(animate=False)

    # -- actions ----------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_search(self) -> None:
        self.query_one("#kb-query", Input).focus()

    def action_move(self, delta: int) -> None:
        options = self.hits_list
        if not self.hits:
            return
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_refresh(self) -> None:
        self.run_search()
        if self.article is not None:
            self.read(self.article.slug)

    def action_insert(self) -> None:
        view = self.article
        if self.ticket is None:
            return
        if view is None:
            self.notify(_("Pick an article first."), severity="warning")
            return
        key = self.ticket

        def inserted(_text: str) -> None:
            self.notify(
                _("“{title}” is in your reply on {key}.").format(title=view.title, key=key),
                timeout=4,
            )
            self.dismiss()
            under = self.app.screen
            if hasattr(under, "action_reply") and getattr(under, "target", lambda: None)():
                under.action_reply()  # the reply editor opens on the draft, article included

        self.call(
            knowledge.use_in_reply, self.desk.store, self.desk.actor, view.slug, key, done=inserted
        )

    def action_write(self) -> None:
        from helpdesk_tui.screens.article_editor import ArticleEditorScreen
        from helpdesk_tui.services.knowledge import ArticleInput

        self.app.push_screen(ArticleEditorScreen(ArticleInput("", "")), self._saved)

    def action_edit(self) -> None:
        from helpdesk_tui.screens.article_editor import ArticleEditorScreen
        from helpdesk_tui.services.knowledge import ArticleInput

        view = self.article
        if view is None:
            self.notify(_("Pick an article first."), severity="warning")
            return
        data = ArticleInput(
            view.title, view.body, view.language, view.services, view.groups, view.tags
        )
        editor = ArticleEditorScreen(data, slug=view.slug, updated_at=view.updated_at)
        self.app.push_screen(editor, self._saved)

    def _saved(self, view: ArticleView | None) -> None:
        if view is None:
            return
        self.pinned = view.slug
        self._show(view)
        self.run_search()

    def action_delete(self) -> None:
        view = self.article
        if view is None:
            self.notify(_("Pick an article first."), severity="warning")
            return
        links = len(view.tickets)

        def deleted(_result: None) -> None:
            self.notify(_("Deleted “{title}”.").format(title=view.title), timeout=4)
            self._show(None)
            self.run_search()

        def answered(yes: bool | None) -> None:
            if yes:
                self.call(
                    knowledge.delete, self.desk.store, self.desk.actor, view.slug, done=deleted
                )

        detail = (
            n_(
                "Its link to {n} ticket goes with it. ",
                "Its links to {n} tickets go with it. ",
                links,
            ).format(n=links)
            if links
            else ""
        ) + _("This cannot be undone.")
        question = _("Delete the article “{title}”?").format(title=view.title)
        self.app.push_screen(ConfirmScreen(question, detail), answered)
