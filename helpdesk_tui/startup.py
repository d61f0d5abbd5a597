"""Python's cycle collector in the `helpdesk` process: off while it starts, then mostly run
while the user is idle.

A start makes about 300,000 objects that live as long as the process (modules, SQLAlchemy's
mappings of the models, the first screen's widgets), and every repaint makes thousands of
short-lived ones (Textual's strips and their caches). Left to itself, the collector walks
all of them in each full collection: 60–120 ms of the start spent in collections while they
are made, and afterwards a pause of 70–180 ms every few key presses (24 full collections in
the benchmark's session of 200 keys; `gc.callbacks` timings). Those pauses were most of
the queue keys' tails: with no full collection, the slowest cursor key fell from 43–107 ms
to 5 ms and the slowest page down from 82–175 ms to 20 ms.

So:
- the entry point (`helpdesk_tui/entry.py`) turns the collector off (`begin`) before the
  first import;
- once the first screen has painted its data (`settled`), everything alive then is moved out
  of the collector's sight (`gc.freeze`) and it is turned back on, with full collections ten
  times rarer than Python's default (young ones as usual: 1–8 ms);
- the application calls `when_idle` with the time since the last key or click: half a second
  after one, with enough made since, it runs the full collection itself, while nobody waits.
The cycles already garbage when the start ends (about 19,000 objects, a few MB) are kept:
collecting them then would cost the same pause once.

And Textual paints at most `TEXTUAL_FPS` times a second (60 by default): a queue whose rows
arrive just after a frame waits for the next one, and after a paint longer than a frame
Textual schedules the next one between one and two frames later (up to 33 ms at 60). `begin`
makes it 240 (before Textual is imported, which reads it once), unless the user set it.
Measured on a million tickets: 60 → 120 took a tab change's p50 from 46 to 34 ms; 120 → 240
took the tab, filter, search and sort p50s from 29–41 to 24–30 ms (480 did no better).
Frames are painted only when something changed, so an idle screen costs nothing more.

Only a process that called `begin` is touched: the test suite, or a program importing the
package, keeps its collector as it was.
"""

from __future__ import annotations

import gc
import os

FPS = "240"  # Textual's repaints per second at most (its default: 60)
FULL_EVERY = 100  # young collections between automatic full ones (Python's default: 10)
IDLE_S = 0.5  # a pause this long after a key or click lets a full collection run
IDLE_WORTH = 5  # … if at least this many young collections happened since the last one

_state = {"begun": False, "settled": False}


def begin() -> None:
    """The start of a process that will call `settled`: the collector off until then,
    and Textual's frame rate raised (before Textual is imported)."""
    _state["begun"] = True
    gc.disable()
    os.environ.setdefault("TEXTUAL_FPS", FPS)


def managed() -> bool:
    """Whether this process's collector is scheduled here (the `helpdesk` command)."""
    return _state["begun"]


def settled() -> None:
    """The application's start is over (its first screen has painted, or 5 s have
    passed): what lives now lives on; the collector watches only what comes next."""
    if not _state["begun"] or _state["settled"]:
        return
    _state["settled"] = True
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)
    gc.enable()


def as_usual() -> None:
    """A command, not the application: the collector back as Python has it (no freeze, its
    own thresholds) — a server's asyncio transports, say, are collected while its loop runs."""
    if _state["begun"] and not _state["settled"]:
        _state["begun"] = False
        gc.enable()


def at_exit() -> None:
    """The application is closing, its event loop still running: collect now what the
    rarer full collections left, so nothing that needs the loop is finalized after it."""
    if _state["settled"]:
        gc.collect()


def when_idle(idle_s: float) -> bool:
    """`idle_s` since the last key or click: run a full collection now if it is worth it.
    Whether one ran."""
    if not _state["settled"] or idle_s < IDLE_S or gc.get_count()[2] < IDLE_WORTH:
        return False
    gc.collect()
    return True
