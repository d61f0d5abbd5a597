"""The workspace's tab bar: it scrolls to the active tab when that tab's queue is shown.

Textual's `Tabs` scrolls its bar to a newly active tab at once. When the bar holds more
tabs than the terminal is wide, that scroll is a layout and a repaint of the whole screen,
queue included, with the old queue's rows; a moment later the new rows are painted again
in full. A tab just off the bar's edge took 77–93 ms to open instead of 22–26 (two full
frames, `tests/bench`). Held (`hold`), the scroll waits for `release`, which the workspace
calls as it hands the table its new rows: one frame shows both.
"""

from __future__ import annotations

from textual.widgets import Tabs


class QueueTabs(Tabs):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held = False
        self._scroll_due = False

    def hold(self) -> None:
        """Until `release`, a newly active tab is scrolled into view later."""
        self._held = True

    def release(self) -> None:
        """Scroll the active tab into view, if that was held back."""
        self._held = False
        if self._scroll_due:
            self._scroll_due = False
            super()._scroll_active_tab()

    def _scroll_active_tab(self) -> None:
        if self._held:
            self._scroll_due = True
            return
        super()._scroll_active_tab()
