"""Command palette (Ctrl+P): every action of the screen in front, "open HD-1042", the
knowledge base and the templates, articles by their words, and the cards of customers
and vendors by their names."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.domain.text import visible_line
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_, _, localized
from helpdesk_tui.services import ticket_views
from helpdesk_tui.services.ticket_core import normalize_key


class ActionCommands(Provider):
    """The actions of the screen in front, found by their descriptions."""

    def _commands(self) -> list[tuple[str, str, str]]:
        """(title, action, help) for each action: the title says what it does, the help
        which key does the same without the palette."""
        from helpdesk_tui.screens.actions import COMMANDS, TICKET_BINDINGS, TicketActions

        screen = self.screen
        out: list[tuple[str, str, str]] = []
        if isinstance(screen, TicketActions):
            keys = {b.action: self._key(b) for b in TICKET_BINDINGS}
            out += [
                (
                    _("Ticket: {what}").format(what=_(what)),
                    action,
                    _("key {key}").format(key=keys[action]),
                )
                for action, what in COMMANDS
            ]
        for binding in getattr(type(screen), "BINDINGS", []):
            if not isinstance(binding, Binding):
                continue
            description, action = _(binding.description), binding.action
            if description and action and not any(a == action for _t, a, _h in out):
                detail = f"{_(binding.tooltip)} · " if binding.tooltip else ""
                key = _("key {key}").format(key=self._key(binding))
                out.append((description, action, f"{detail}{key}"))
        return out

    def _key(self, binding: Binding) -> str:
        if binding.key_display:
            return binding.key_display
        first = binding.key.split(",")[0].strip()
        return self.app.get_key_display(Binding(first, ""))

    async def discover(self) -> Hits:
        for title, action, help_text in self._commands():
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, action), help=help_text
                )

    async def _run(self, action: str) -> None:
        await self.screen.run_action(action)


class TicketJump(Provider):
    """Type a key (`HD-1042` or `1042`) to open that ticket."""

    async def search(self, query: str) -> Hits:
        try:
            key = normalize_key(query)
        except HelpdeskError:
            return
        app = self.app
        try:
            detail = await self._find(key)
        except HelpdeskError:
            return
        title = Content(  # never markup
            _("Open {key}: {subject}").format(key=detail.key, subject=visible_line(detail.subject))
        )
        yield Hit(
            1.0,
            title,
            partial(app.open_ticket, detail.key),
            help=f"{status_label(detail.status)} · {detail.priority} · {detail.group}",
        )

    async def _find(self, key: str):
        """The ticket as the agent may read it: one whose standing is gone gets nothing
        (the refusal, a `NotAllowed`, is a `HelpdeskError`: no hit)."""
        app = self.app
        return await asyncio.to_thread(ticket_views.read, app.store, app.actor, key, events=False)


class DeskCommands(Provider):
    """The knowledge base and the templates from anywhere; and typing three letters or
    more finds articles to open."""

    COMMANDS = (
        (N_("Knowledge base: search, read and write articles"), "knowledge", "ctrl+k"),
        (N_("Templates: list, write and edit reply templates"), "templates", "ctrl+t"),
        (N_("Macros: list, write and edit macros"), "macros", "ctrl+n"),
    )
    ARTICLES = 5

    def _commands(self) -> list[tuple[str, str, str]]:
        """The commands in the language in force: (title, action, help)."""
        return [
            (_(title), action, _("key {key}").format(key=key))
            for title, action, key in self.COMMANDS
        ]

    async def discover(self) -> Hits:
        for title, action, help_text in self._commands():
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(_(title)),
                    partial(self.app.run_action, action),
                    help=help_text,
                )
        if len(query.strip()) < 3:
            return
        from helpdesk_tui.services import knowledge  # not at start (app.py: imports)

        try:
            found = await asyncio.to_thread(
                knowledge.search, self.app.store, self.app.actor, query, limit=self.ARTICLES
            )
        except HelpdeskError:
            return
        for rank, hit in enumerate(found.hits):
            yield Hit(
                0.5 - rank * 0.05,
                Content(
                    _("Article: {title}").format(title=visible_line(hit.title))
                ),  # never markup
                partial(self.app.action_knowledge, hit.slug),
                help=visible_line(hit.excerpt)[:100],
            )


def _cards(store, words: str, limit: int) -> tuple[list[tuple[str, str]], list]:
    """Thread: customers matching `words`, and the vendors. Their services are imported at
    the first search, not at every start (11 ms of it)."""
    from helpdesk_tui.services import cards, vendors

    return cards.find_customers(store, words, limit=limit), vendors.vendors(store)


class CardCommands(Provider):
    """Type two letters or more of a customer's or a vendor's name (or code) to open
    their card."""

    LIMIT = 8

    async def search(self, query: str) -> Hits:
        words = query.strip()
        if len(words) < 2:
            return
        app = self.app
        matcher = self.matcher(words)
        try:
            found, groups = await asyncio.to_thread(_cards, app.store, words, self.LIMIT)
        except HelpdeskError:
            return
        for rank, (code, name) in enumerate(found):
            yield Hit(
                0.6 - rank * 0.02,
                Content(_("Customer card: {name}").format(name=visible_line(name))),  # never markup
                partial(app.open_card, "customer", code),
                help=_("{code} · contracts, contacts, equipment, every ticket").format(code=code),
            )
        for group in groups:
            title = _("Vendor card: {name}").format(name=visible_line(localized(group)))
            score = max(matcher.match(title), matcher.match(group.code))
            if score > 0:
                yield Hit(
                    score,
                    Content(title),
                    partial(app.open_card, "vendor", group.code),
                    help=_("{code} · cases and late promises").format(code=group.code),
                )
