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
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.services import cards, knowledge, ticket_views, vendors
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
            out += [(f"Ticket: {what}", action, f"key {keys[action]}") for action, what in COMMANDS]
        for binding in getattr(type(screen), "BINDINGS", []):
            if not isinstance(binding, Binding):
                continue
            description, action = binding.description, binding.action
            if description and action and not any(a == action for _, a, _ in out):
                detail = f"{binding.tooltip} · " if binding.tooltip else ""
                out.append((description, action, f"{detail}key {self._key(binding)}"))
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
        title = Content(f"Open {detail.key}: {visible_line(detail.subject)}")  # never markup
        yield Hit(
            1.0,
            title,
            partial(app.open_ticket, detail.key),
            help=f"{detail.status} · {detail.priority} · {detail.group}",
        )

    async def _find(self, key: str):
        return await asyncio.to_thread(ticket_views.show, self.app.store, key, events=False)


class DeskCommands(Provider):
    """The knowledge base and the templates from anywhere; and typing three letters or
    more finds articles to open."""

    COMMANDS = (
        ("Knowledge base: search, read and write articles", "knowledge", "key ctrl+k"),
        ("Templates: list, write and edit reply templates", "templates", "key ctrl+t"),
        (N_("Macros: list, write and edit macros"), "macros", "key ctrl+n"),
    )
    ARTICLES = 5

    async def discover(self) -> Hits:
        for title, action, help_text in self.COMMANDS:
            yield DiscoveryHit(_(title), partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self.COMMANDS:
            score = matcher.match(_(title))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(_(title)),
                    partial(self.app.run_action, action),
                    help=help_text,
                )
        if len(query.strip()) < 3:
            return
        try:
            found = await asyncio.to_thread(
                knowledge.search, self.app.store, self.app.actor, query, limit=self.ARTICLES
            )
        except HelpdeskError:
            return
        for rank, hit in enumerate(found.hits):
            yield Hit(
                0.5 - rank * 0.05,
                Content(f"Article: {visible_line(hit.title)}"),  # never markup
                partial(self.app.action_knowledge, hit.slug),
                help=visible_line(hit.excerpt)[:100],
            )


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
            found = await asyncio.to_thread(
                cards.find_customers, app.store, words, limit=self.LIMIT
            )
            groups = await asyncio.to_thread(vendors.vendors, app.store)
        except HelpdeskError:
            return
        for rank, (code, name) in enumerate(found):
            yield Hit(
                0.6 - rank * 0.02,
                Content(f"Customer card: {visible_line(name)}"),  # never markup
                partial(app.open_card, "customer", code),
                help=f"{code} · contracts, contacts, equipment, every ticket",
            )
        for group in groups:
            title = f"Vendor card: {visible_line(group.name)}"
            score = max(matcher.match(title), matcher.match(group.code))
            if score > 0:
                yield Hit(
                    score,
                    Content(title),
                    partial(app.open_card, "vendor", group.code),
                    help=f"{group.code} · cases and late promises",
                )
