"""Textual's `StylesCache.get_inner_outer` without keeping every widget's lines alive.

Each widget draws through its own `StylesCache`, which keeps the widget's last painted lines.
Textual memoises `get_inner_outer` (two colours in, two styles out) with `functools.lru_cache`
on the method, so the cache's key holds the `StylesCache` itself: the last 1,024 of them stay
alive with their lines after their widgets are gone (Textual issue #6665). Every picker, ticket
pane and timeline a session opens added to them: on a million-ticket queue, 426 caches of
removed widgets held 2,400 lines and, through the lines' own caches, 11,000 strips and 80,000
more objects, all of which each full cycle collection walked again (100–260 ms a time, and
the process grew by 70 MB over a session).

`mend()` memoises the same computation by its colours only.
"""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from textual._styles_cache import StylesCache
from textual.color import Color

_textual_get_inner_outer = StylesCache.get_inner_outer


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return _textual_get_inner_outer.__wrapped__(None, base_background, background)


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def mend() -> None:
    """Install the colour-keyed memo (idempotent) and let go of what Textual's one holds."""
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign]
    _textual_get_inner_outer.cache_clear()
