"""Textual's footer, without its leak and its restyling.

Textual's footer binds every key it shows to its own `compact` (`data_bind`): each key adds
a watcher to the footer, set at once, which restyles the key (twice: the key starts
compact, the footer is not). The footer recomposes each time the keys in force change
(focus moves, a picker opens and closes), and Textual drops a watcher whose widget is gone
only when the watched value changes, which `compact` never does here: a long session kept
every key it ever showed (some thirty widgets for each picker opened, issue 8's memory
figure, and a desk left open all day), and each recompose restyled every key one by one
(a tenth of the start). Our keys take the footer's `compact` when made and are told when
it changes (`-bound`: those Textual binds; the palette's key keeps its own); nothing
watches.

And Textual recomposes the footer whenever the screen says its bindings were updated,
even when the keys to show are the very ones shown: closing a picker returns the keys the
queue had, and rebuilding and repainting them was a third of a sort change's time. This
footer recomposes only when what it would show differs.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    _shown: tuple | None = None  # what the last recompose showed

    def bindings_changed(self, screen: Screen) -> None:
        shown = self._keys_to_show(screen)
        if self._bindings_ready and shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # Textual's footer recomposes in just this case
        super().bindings_changed(screen)

    def _keys_to_show(self, screen: Screen) -> tuple:
        keys = tuple(
            (
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
                binding.group.description if binding.group else None,
            )
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        return (keys, self.show_command_palette)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget._reactive_connect:
                widget._reactive_connect = None  # undo `data_bind` before it is set up
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.add_class("-bound", update=False)
            yield widget

    def _watch_compact(self, compact: bool) -> None:
        for key in self.query("FooterKey.-bound"):
            key.compact = compact
