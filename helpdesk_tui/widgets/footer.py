"""Textual's footer, without its leak.

Every key of the footer binds itself to the footer's `compact` (`data_bind`), which adds a
watcher to the footer; Textual drops a watcher whose widget is gone only when the watched
value changes, and `compact` never does. The footer recomposes each time the keys in force
change (focus moves, a picker opens and closes), so a long session kept every key it ever
showed: some thirty widgets for each picker opened (issue 8's memory figure, and a desk left
open all day). This footer forgets the watchers of its removed keys after each recompose.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        forget_closed_watchers(self)


def forget_closed_watchers(node) -> None:
    """Drop the watchers of `node`'s reactives whose watching widget has been removed."""
    watchers = getattr(node, "__watchers", None)  # Textual's own name (textual.reactive)
    if not watchers:
        return
    for entries in watchers.values():
        entries[:] = [(n, cb) for n, cb in entries if not getattr(n, "_closing", False)]
