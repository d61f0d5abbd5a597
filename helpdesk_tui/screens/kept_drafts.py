"""Drafts the store could not take (the database unreachable): kept in memory, shown when
their editor opens again, and written when the connection is back.

Every draft an editor saves goes through here, in a worker of the application rather than
of the editor, so a draft saved as the editor closes is written (or kept) even though the
editor is gone. Of two saves of one draft in flight, only the newer text is written.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from helpdesk_tui.domain.errors import HelpdeskError, StoreError
from helpdesk_tui.i18n import _
from helpdesk_tui.services import drafts

if TYPE_CHECKING:
    from helpdesk_tui.app import HelpdeskApp

Key = tuple[str, str | None]  # (kind, ticket key or None for a new call)


class KeptDrafts:
    def __init__(self, app: HelpdeskApp) -> None:
        self.app = app
        self._texts: dict[Key, tuple[str, bool]] = {}  # (text, appended to the stored one)
        self._lock = threading.Lock()
        self._told = False

    def get(self, kind: str, ticket: str | None) -> tuple[str, bool] | None:
        """The text kept for this draft and whether it goes after the stored draft."""
        return self._texts.get((kind, ticket))

    def __len__(self) -> int:
        return len(self._texts)

    def save(self, kind: str, ticket: str | None, text: str, *, append: bool = False) -> None:
        """Write the draft (replacing, or appended to, the stored one) in the background;
        if the store cannot be reached, keep it until it can. Text to append to a kept
        text goes after it."""
        kept = self._texts.get((kind, ticket))
        if append and kept is not None:
            text, append = kept[0] + "\n" + text, kept[1]
        self._texts[(kind, ticket)] = (text, append)
        self._start((kind, ticket), text, append)

    def forget(self, kind: str, ticket: str | None) -> None:
        """The draft was written by other means (sent): nothing kept is to be written."""
        self._texts.pop((kind, ticket), None)

    def retry(self) -> None:
        """Write every kept draft (the connection is back)."""
        for key, (text, append) in list(self._texts.items()):
            self._start(key, text, append)

    def _start(self, key: Key, text: str, append: bool) -> None:
        self.app.run_worker(
            lambda: self._write(key, text, append),
            thread=True,
            group="kept-drafts",
            exit_on_error=False,
        )

    def _write(self, key: Key, text: str, append: bool) -> None:  # a thread
        with self._lock:
            if self._texts.get(key) != (text, append):
                return  # a newer text of this draft came meanwhile: that one is written
            app = self.app
            try:
                write = drafts.append if append else drafts.save
                write(app.store, app.actor, key[0], key[1], text)
            except StoreError as exc:
                app.call_from_thread(self._unwritten, exc)
                return
            except HelpdeskError as exc:  # refused (an inactive agent keeps no drafts)
                app.call_from_thread(self._dropped, key, text, append, exc)
                return
            app.call_from_thread(self._written, key, text, append)

    def _written(self, key: Key, text: str, append: bool) -> None:
        if self._texts.get(key) == (text, append):
            del self._texts[key]
        if not self._texts and self._told:
            self._told = False
            self.app.notify(_("Your drafts are saved."), timeout=3)

    def _dropped(self, key: Key, text: str, append: bool, error: HelpdeskError) -> None:
        if self._texts.get(key) == (text, append):
            del self._texts[key]
        self.app.report_error(error)

    def _unwritten(self, error: StoreError) -> None:
        if self._told:
            return  # once per outage, not on every pause in the typing
        self._told = True
        self.app.notify(
            _(
                "Your draft could not be saved ({error}); it is kept here, and saved as soon "
                "as the database takes it."
            ).format(error=error),
            severity="warning",
            timeout=8,
            markup=False,
        )
