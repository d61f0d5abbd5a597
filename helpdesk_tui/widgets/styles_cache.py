"""Removed widgets' painted lines freed with them, not left to the cycle collector.

Each widget draws through its own `StylesCache`, which keeps the widget's last painted lines.
Textual memoises `get_inner_outer` (two colours in, two styles out) with `functools.lru_cache`
on the method, so the cache's key holds the `StylesCache` itself: the last 1,024 of them stay
alive with their lines after their widgets are gone (Textual issue #6665). Every picker, ticket
pane and timeline a session opens added to them: on a million-ticket queue, 426 caches of
removed widgets held 2,400 lines and, through the lines' own caches, 11,000 strips and 80,000
more objects, all of which each full cycle collection walked again (100–260 ms a time, and
the process grew by 70 MB over a session).

`mend()` memoises the same computation by its colours only.

And a removed widget is itself a knot of reference cycles (its parent, styles, message
queue), so whatever it still holds waits for a full collection: Textual empties its render
cache on removal but not its `StylesCache`, whose lines (each with its segments and eight
caches of its own) were most of what those collections found. On a million-ticket queue a
benchmark session (pickers opened and closed, the ticket pane redrawn) left 170,000 objects
to them, 9,100 of them lines and 64,000 the lines' caches, and its six full collections took
80–200 ms each while a key waited or was about to. `mend()` also empties that cache when
the widget leaves the screen, so its lines go at once.
"""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.widget import Widget

_textual_get_inner_outer = StylesCache.get_inner_outer
_textual_loop_exit = Widget._message_loop_exit


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return _textual_get_inner_outer.__wrapped__(None, base_background, background)


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


async def _message_loop_exit(self: Widget) -> None:
    await _textual_loop_exit(self)  # removed from the DOM: nothing paints it again
    self._styles_cache.clear()


def mend() -> None:
    """Install the colour-keyed memo and the emptying on removal (idempotent), and let go of
    what Textual's memo holds."""
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign]
    Widget._message_loop_exit = _message_loop_exit  # type: ignore[method-assign]
    _textual_get_inner_outer.cache_clear()
