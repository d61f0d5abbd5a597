"""Textual's `Strip.divide` without the reference cycle it makes of every whole line.

The compositor divides each line it paints at the cuts of the widgets over it. A line that
needs no cut (most lines: nothing overlaps them) comes back as `[self]`, and Textual caches
that list in the strip's own `_divide_cache`: the strip then refers to itself, and instead
of being freed when the next paint replaces it, it waits for the cycle collector with its
segments and eight caches. On a million-ticket queue, 20 page downs left 1,900 such strips
(32,000 objects) to it, and the full collections that found them, every few dozen key
presses, took 110–190 ms while a key waited (the benchmark's slowest samples).

`mend()` replaces the method with one that answers the whole line without caching it and
leaves every other division to Textual's own (cached) code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.strip import Strip

_textual_divide = Strip.divide


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cell_length = self.cell_length
    kept = [cut for cut in cuts if cut <= cell_length]
    if kept == [cell_length]:
        return [self]
    return _textual_divide(self, kept)


def mend() -> None:
    """Install the acyclic `divide` (idempotent)."""
    Strip.divide = _divide  # type: ignore[method-assign]
