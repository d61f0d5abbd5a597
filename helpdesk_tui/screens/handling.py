"""The handling-time stopwatch in the application: runs while the agent has a ticket they
hold open (in the pane beside the queue or full screen), held while the terminal is not
focused, stopped when they leave the ticket or send a reply or a note. What it measured
becomes a time-log entry (`ticket_actions.log_time`, audited like one typed with `T`);
from `ask_from_minutes` on, the minutes are offered for editing first.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.domain.handling import (
    DEFAULT_ASK_FROM_S,
    DEFAULT_CAP_S,
    Stopwatch,
    minutes_to_log,
)
from helpdesk_tui.domain.text import is_number
from helpdesk_tui.i18n import _
from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.ticket_views import TicketDetail

if TYPE_CHECKING:
    from helpdesk_tui.app import HelpdeskApp

NOTE = "handling time, measured"  # stored with the time-log entry: data, not translated


def _minutes(settings, name: str, default_s: int) -> int:
    value = (getattr(settings, "handling", None) or {}).get(name) if settings else None
    return int(value) * 60 if isinstance(value, int) and value > 0 else default_s


class HandlingTimer:
    def __init__(self, app: HelpdeskApp) -> None:
        self.app = app
        self.cap_s = _minutes(app.settings, "cap_minutes", DEFAULT_CAP_S)
        self.ask_from_s = _minutes(app.settings, "ask_from_minutes", DEFAULT_ASK_FROM_S)
        self.watch: Stopwatch | None = None
        self.focused = True

    # -- what the screens tell it ---------------------------------------------------------
    def shown(self, detail: TicketDetail | None) -> None:
        """A pane now shows `detail`: a ticket the agent holds starts (or keeps) the watch;
        any other ticket stops the one running."""
        mine = (
            detail is not None
            and detail.is_open
            and detail.assignee is not None
            and detail.assignee == self.app.actor.login
        )
        if self.watch is not None and (detail is None or self.watch.key != detail.key):
            self.stop()
        if mine and self.watch is None:
            assert detail is not None
            self.watch = Stopwatch.start(detail.key, self.app.clock(), self.cap_s)
            if not self.focused:
                self.watch = self.watch.hold(self.app.clock())
        if self.watch is not None and not mine:
            self.stop()  # no longer theirs (handed on, resolved)
        self._broadcast()

    def left(self, key: str) -> None:
        if self.watch is not None and self.watch.key == key:
            self.stop()
            self._broadcast()

    def sent(self, key: str) -> None:
        """A reply or a note went out: the stretch ends with it; work goes on from here."""
        if self.watch is not None and self.watch.key == key:
            self.stop()
            self.watch = Stopwatch.start(key, self.app.clock(), self.cap_s)
            self._broadcast()

    def blur(self) -> None:
        self.focused = False
        if self.watch is not None:
            self.watch = self.watch.hold(self.app.clock())
            self._broadcast()

    def focus(self) -> None:
        self.focused = True
        if self.watch is not None:
            self.watch = self.watch.resume(self.app.clock())
            self._broadcast()

    def on_quit(self) -> None:
        """The application is closing: what the watch measured is logged as it is (there is
        no screen left to ask on), in the calling thread."""
        watch, self.watch = self.watch, None
        if watch is None:
            return
        minutes = minutes_to_log(watch.elapsed(self.app.clock()))
        if not minutes:
            return
        with suppress(HelpdeskError):  # the ticket went elsewhere meanwhile: nowhere to log
            ticket_actions.log_time(
                self.app.store, self.app.actor, watch.key, minutes, note=NOTE, now=self.app.clock()
            )

    # -- stopping -------------------------------------------------------------------------
    def stop(self) -> None:
        watch, self.watch = self.watch, None
        if watch is None:
            return
        seconds = watch.elapsed(self.app.clock())
        minutes = minutes_to_log(seconds)
        if not minutes:
            return
        if seconds < self.ask_from_s:
            self._log(watch.key, minutes)
            return
        from helpdesk_tui.screens.dialogs import InputScreen

        def check(value: str) -> str | None:
            if is_number(value) and 1 <= int(value) <= 1440:
                return None
            return _("minutes, 1 to 1440 (Esc: log nothing)")

        self.app.push_screen(
            InputScreen(
                _("Handling time on {key}: {minutes} min measured. Log it?").format(
                    key=watch.key, minutes=minutes
                ),
                value=str(minutes),
                validate=check,
                hint=_("Enter: log · edit the minutes first if they are off · Esc: log nothing"),
            ),
            lambda value: value and self._log(watch.key, int(value)),
        )

    def _log(self, key: str, minutes: int) -> None:
        store, actor, now = self.app.store, self.app.actor, self.app.clock()

        def work() -> None:
            try:
                result = ticket_actions.log_time(store, actor, key, minutes, note=NOTE, now=now)
            except HelpdeskError as error:
                self.app.call_from_thread(
                    self.app.notify,
                    _("Handling time not logged: {error}").format(error=error),
                    severity="warning",
                    markup=False,
                )
                return
            self.app.call_from_thread(self.app.notify, result.message, timeout=4, markup=False)

        self.app.run_worker(work, thread=True, group="handling", exit_on_error=False)

    def _broadcast(self) -> None:
        from helpdesk_tui.widgets.ticket_pane import Clocks

        for screen in self.app.screen_stack:
            for clocks in screen.query(Clocks):
                clocks.show_stopwatch(self.watch)
