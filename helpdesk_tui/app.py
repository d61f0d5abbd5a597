"""The Textual application: screens, global keys, the live feed, the background SLA tick."""

from __future__ import annotations

import asyncio
import os
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.worker import get_current_worker

from helpdesk_tui import startup
from helpdesk_tui.commands import ActionCommands, CardCommands, DeskCommands, TicketJump
from helpdesk_tui.config import Settings, data_dir, store_label
from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.domain.text import pasted
from helpdesk_tui.domain.vocab import role_label
from helpdesk_tui.i18n import N_, _, set_language
from helpdesk_tui.screens.handling import HandlingTimer
from helpdesk_tui.screens.kept_drafts import KeptDrafts
from helpdesk_tui.services import live, queue
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.store import checkpoints
from helpdesk_tui.store.db import Store
from helpdesk_tui.widgets import strips, styles_cache
from helpdesk_tui.widgets.ticket_table import BLOCK

TICK_SECONDS = 60.0
MAIL_SECONDS = 30.0
SETTLE_AFTER_S = 5.0  # the start is over, whatever the first screen did (startup.py)

# Textual's own key for the command palette (added by `App` itself): its words, marked for
# the catalogs, so that the footers (`LocalBindings`) show them in the language in force
PALETTE_WORDS = (N_("palette"), N_("Open the command palette"))


class TicketsChanged(Message):
    """Tickets changed somewhere (this process, another terminal, the CLI, mail)."""

    def __init__(self, ids: frozenset[int]) -> None:
        super().__init__()
        self.ids = ids


class HelpdeskApp(App):
    CSS_PATH = ["app.tcss"]
    TITLE = "helpdesk"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {ActionCommands, TicketJump, DeskCommands, CardCommands}

    BINDINGS = [
        Binding("q", "quit", N_("Quit"), id="app.quit", tooltip=N_("Leave helpdesk")),
        Binding("question_mark", "help", N_("Help"), id="app.help", key_display="?"),
        Binding(
            "n",
            "new_call",
            N_("New call"),
            id="app.new_call",
            tooltip=N_("Register a call (from anywhere)"),
        ),
        Binding(
            "ctrl+k",
            "knowledge",
            N_("Knowledge base"),
            id="app.knowledge",
            show=False,
            tooltip=N_("Search, read and write articles (from anywhere)"),
        ),
        Binding(
            "ctrl+t",
            "templates",
            N_("Templates"),
            id="app.templates",
            show=False,
            tooltip=N_("List, write and edit reply templates"),
        ),
        Binding(
            "b",
            "board",
            N_("Board"),
            id="app.board",
            tooltip=N_("The supervisor board (from anywhere)"),
        ),
        Binding(
            "ctrl+n",
            "macros",
            N_("Macros"),
            id="app.macros",
            show=False,
            tooltip=N_("List, write and edit macros"),
        ),
        Binding("ctrl+c", "quit", N_("Quit"), show=False, priority=True, id="app.interrupt"),
    ]

    online: reactive[bool] = reactive(True, init=False)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: Settings | None = None,
        clock: Callable[[], datetime] | None = None,
        live_updates: bool = True,
        sla_tick: bool = True,
        start_tab: str | None = None,
    ) -> None:
        """`start_tab`: open the workspace on this tab (`line:L2`), whoever the agent is."""
        super().__init__()
        strips.mend()  # painted lines freed at once, not left to the cycle collector
        styles_cache.mend()  # removed widgets' lines freed with them
        if "TEXTUAL_ANIMATIONS" not in os.environ:  # a key acts at once: nothing slides
            self.animation_level = "none"
        self.store = store
        self.actor = actor
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))
        self.live_updates = live_updates
        self.sla_tick = sla_tick
        self.start_tab = start_tab
        self.first: queue.Start | None = None  # the workspace's first screen, read already
        self._feed: live.ChangeFeed | None = None  # … and the changes since that read
        self._following = False  # the feed's thread runs
        self._last_input = time.monotonic()
        self._checkpointer: checkpoints.Checkpointer | None = None
        self.catalog = catalog(store)
        self.calendars = {
            plan.calendar_id: self.catalog.calendars[plan.calendar_id]
            for plan in self.catalog.plans.values()
        }
        self.sub_title = self._who()
        self.kept_drafts = KeptDrafts(self)
        self.handling = HandlingTimer(self)  # handling time, measured (screens/handling.py)
        if settings is not None and settings.theme:
            self.theme = settings.theme

    def _who(self) -> str:
        """The header's line: who is working, as what, on which store."""
        return f"{self.actor.name} · {role_label(self.actor.role)} · {store_label(self.store.url)}"

    def get_default_screen(self):
        """Supervisors land on the board; everybody else on their queues (on the one named
        by `start_tab`, if given)."""
        if self.lands_on_board:
            from helpdesk_tui.screens.board import BoardScreen

            return BoardScreen()
        from helpdesk_tui.screens.workspace import WorkspaceScreen

        first, self.first = self.first, None
        return WorkspaceScreen(start=self.start_tab, first=first)

    def read_first(self) -> None:
        """Read the workspace's first screen now, before the event loop runs
        (`queue.start`): the first frame shows it, and no worker shares the interpreter with
        the start's frames to read it. The board reads its own. The live feed starts
        first: a change committed during the read is followed, not lost."""
        if self.lands_on_board:
            return
        if self.live_updates:
            self._feed = live.watch(self.store)
        self.first = queue.start(self.store, self.actor, self.start_tab, rows=BLOCK)

    @property
    def lands_on_board(self) -> bool:
        """Whether the first screen is the board (a supervisor not sent to a tab)."""
        return self.is_supervisor and self.start_tab is None

    @property
    def is_supervisor(self) -> bool:
        """Whether the board is theirs (`board.view`; the service checks again)."""
        return permissions.allows(self.actor.role, "board.view")

    async def action_quit(self) -> None:
        """Leave; a running handling-time stopwatch is logged first (off the event loop)."""
        if self.handling.watch is not None:
            await asyncio.to_thread(self.handling.on_quit)
        self.exit()

    def on_app_blur(self) -> None:
        """The terminal lost focus (or the app was suspended): handling time holds."""
        self.handling.blur()

    def on_app_focus(self) -> None:
        self.handling.focus()

    def on_mount(self) -> None:
        # suspended (Ctrl+Z) counts as away, like a terminal without focus
        self.app_suspend_signal.subscribe(self, lambda _app: self.handling.blur(), immediate=True)
        self.app_resume_signal.subscribe(self, lambda _app: self.handling.focus(), immediate=True)
        if self.settings is not None and self.settings.keys:
            self.set_keymap(dict(self.settings.keys))
        # the first screen ends the start when its data is painted; this if it cannot
        if startup.managed():
            self.set_timer(SETTLE_AFTER_S, startup.settled)
            self.set_interval(startup.IDLE_S / 2, self._collect_when_idle)
        # SQLite: the log copied back into the database by a thread, not by a commit
        self._checkpointer = checkpoints.start(self.store)
        if self._feed is None:
            self.follow_changes()
        else:  # read first: followed once the workspace shows that read (or after a while)
            self.set_timer(SETTLE_AFTER_S, self.follow_changes)
        if self.sla_tick:
            self.set_interval(TICK_SECONDS, self._tick)
        if (
            self.settings is not None
            and self.settings.smtp.get("host")
            and self.settings.mail.get("send_in_app", True)
        ):
            self.set_interval(MAIL_SECONDS, self._send_mail)

    # -- live updates -------------------------------------------------------------------
    def follow_changes(self) -> None:
        """Follow the change feed from now on (once). After a first read (`read_first`)
        the workspace calls this when it shows what was read: a change reported before
        it had a queue to refresh would have been dropped; the feed started before the
        read, so nothing committed since is missed however late this runs."""
        if self.live_updates and not self._following:
            self._following = True
            self.run_worker(self._follow_changes, thread=True, group="feed", exit_on_error=False)

    def _follow_changes(self) -> None:
        """Thread: wait on the change feed; tell the screens what changed."""
        worker = get_current_worker()
        feed, self._feed = self._feed or live.watch(self.store), None
        backoff = 0.5
        try:
            while not worker.is_cancelled:
                try:
                    changes = feed.wait(0.5)
                except live.FeedError:
                    self.call_from_thread(setattr, self, "online", False)
                    time.sleep(backoff)
                    backoff = min(backoff * 2, 10.0)
                    continue
                if backoff != 0.5 or not self.online:
                    backoff = 0.5
                    self.call_from_thread(setattr, self, "online", True)
                if changes:
                    ids = frozenset(c.ticket_id for c in changes)
                    self.call_from_thread(self.post_message, TicketsChanged(ids))
        finally:
            feed.close()

    def on_unmount(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        startup.at_exit()

    def _collect_when_idle(self) -> None:
        startup.when_idle(time.monotonic() - self._last_input)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._last_input = time.monotonic()  # for the idle collector (startup.py)
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = pasted(event.text)  # every field, before it shows the text
        await super().on_event(event)

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        for screen in self.screen_stack:
            handler = getattr(screen, "on_tickets_changed", None)
            if handler is not None:
                handler(message.ids)

    def watch_online(self, online: bool) -> None:
        base = self._who()
        lost = _("⚠ database unreachable, reconnecting…")
        self.sub_title = base if online else f"{base} · {lost}"
        if not online:
            self.notify(
                _("The database is unreachable; reconnecting. Nothing you typed is lost."),
                severity="warning",
                timeout=6,
            )
        else:
            self.notify(_("Connected again."), timeout=3)
            self.kept_drafts.retry()

    def _tick(self) -> None:
        from helpdesk_tui.services.sla_tick import tick

        self.run_worker(
            lambda: tick(self.store), thread=True, group="tick", exclusive=True, exit_on_error=False
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: str = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages quote keys, names and what people
        typed, which must never be read as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _send_mail(self) -> None:
        """Deliver due outbox mail in the background ([smtp] configured, and
        `[mail] send_in_app` not false); `helpdesk outbox send` does the same from cron."""
        from helpdesk_tui.services.outbox import send_due

        self.run_worker(
            lambda: send_due(self.store, self.settings, limit=50),
            thread=True,
            group="mail",
            exclusive=True,
            exit_on_error=False,
        )

    # -- errors ---------------------------------------------------------------------------
    def report_error(self, error: BaseException | None) -> None:
        """Every failure the user should see goes through here: one line, never a crash."""
        if isinstance(error, HelpdeskError):
            self.notify(str(error), severity="error", timeout=8)
            return
        where = self._log_crash(error)
        text = str(error).strip().splitlines()[0] if error and str(error).strip() else ""
        self.notify(
            _("{error}: {text} (details in {where})").format(
                error=type(error).__name__, text=text, where=where
            ),
            title=_("Unexpected error"),
            severity="error",
            timeout=10,
        )

    @staticmethod
    def _log_crash(error: BaseException | None) -> str:
        path = data_dir() / "crash.log"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"--- {datetime.now().isoformat()}\n")
                if error is not None:
                    fh.write("".join(traceback.format_exception(error)))
        except OSError:
            return _("the log could not be written")
        return str(path)

    # -- actions ----------------------------------------------------------------------------
    def action_help(self) -> None:
        from helpdesk_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    @property
    def lang(self) -> str:
        return (self.settings.lang.value if self.settings else None) or "en"

    def action_board(self) -> None:
        from helpdesk_tui.screens.board import BoardScreen

        if not self.is_supervisor:
            self.notify(_("The board is for supervisors."), severity="warning")
            return
        if isinstance(self.screen, BoardScreen):
            return
        board = next((s for s in self.screen_stack if isinstance(s, BoardScreen)), None)
        if board is not None:
            while self.screen is not board:
                self.pop_screen()
        else:
            self.push_screen(BoardScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # the board is not in the footer nor the help of agents who cannot use it
        return action != "board" or self.is_supervisor

    def action_new_call(self) -> None:
        from helpdesk_tui.screens.register import RegisterScreen

        if not any(isinstance(s, RegisterScreen) for s in self.screen_stack):
            self.push_screen(RegisterScreen())

    def action_knowledge(self, show: str | None = None) -> None:
        from helpdesk_tui.screens.knowledge import KnowledgeScreen

        if not isinstance(self.screen, KnowledgeScreen):
            self.push_screen(KnowledgeScreen(show=show))

    def action_templates(self) -> None:
        from helpdesk_tui.screens.templates import TemplatesScreen

        if not isinstance(self.screen, TemplatesScreen):
            self.push_screen(TemplatesScreen())

    def action_macros(self) -> None:
        from helpdesk_tui.screens.macros import MacrosScreen

        if not isinstance(self.screen, MacrosScreen):
            self.push_screen(MacrosScreen())

    def action_user_key(self, index: int) -> None:
        """A key of the user's own (`[user_keys]` in the config file)."""
        from helpdesk_tui.screens.user_keys import press

        press(self, index)

    def open_ticket(self, key: str) -> None:
        from helpdesk_tui.screens.ticket import TicketScreen

        self.push_screen(TicketScreen(key))

    def open_card(self, kind: str, ident: str | int) -> None:
        """The card of a customer (by code), a contact (by id), an asset (by tag) or a
        vendor (by its group's code)."""
        if kind == "vendor":
            from helpdesk_tui.screens.vendor_card import VendorCardScreen

            self.push_screen(VendorCardScreen(str(ident)))
            return
        from helpdesk_tui.screens.customer_card import CardScreen

        self.push_screen(CardScreen(kind, ident))


def make_app(
    store: Store,
    actor: Actor,
    settings: Settings | None = None,
    **kwargs,
) -> HelpdeskApp:
    """The application for `actor` on `store`; the CLI and the tests both build it here.
    The user's own keys are checked first (`Invalid` names the config key at fault). With
    `settings`, their language is the language of every screen from now on."""
    from helpdesk_tui.screens.user_keys import app_class
    from helpdesk_tui.services.user_keys import check_targets

    if settings is not None:
        set_language(settings.lang.value)
    cls = app_class(HelpdeskApp, settings)
    if settings is not None and settings.user_keys:
        check_targets(store, actor, settings.user_keys, settings.config_path)
    app = cls(store, actor, settings=settings, **kwargs)
    app.read_first()
    return app
