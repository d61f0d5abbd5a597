"""Run one change over many tickets: each ticket its own transaction, one after another.

The runner is what `helpdesk ticket bulk`, the queue's actions on marked tickets and a
mass incident's cascade share: it calls a per-ticket function (a service an agent would
call on one ticket: its own transaction and audit event), records what happened to each
ticket and why, reports progress through a callback, and checks a cancel flag *between*
tickets, so a cancelled run leaves every ticket either changed or untouched, never half.
A refusal or a conflict on one ticket does not stop the others.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from helpdesk_tui.domain.errors import HelpdeskError
from helpdesk_tui.i18n import n_


@dataclass(frozen=True)
class Outcome:
    key: str
    ok: bool
    message: str


@dataclass
class BatchResult:
    total: int  # tickets asked for
    outcomes: list[Outcome] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def skipped(self) -> int:
        """Tickets not reached because the run was cancelled."""
        return self.total - len(self.outcomes)

    def summary(self) -> str:
        text = n_("{done:,} of {total:,} changed", "{done:,} of {total:,} changed", self.total)
        text = text.format(done=self.done, total=self.total)
        if self.failed:
            text += n_(", {n:,} refused", ", {n:,} refused", len(self.failed)).format(
                n=len(self.failed)
            )
        if self.cancelled:
            text += n_(
                ", cancelled with {n:,} not touched",
                ", cancelled with {n:,} not touched",
                self.skipped,
            ).format(n=self.skipped)
        return text


class CancelFlag:
    """Set from the UI thread (or a signal handler), read by the runner between tickets."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


def run(
    keys: Iterable[str],
    apply: Callable[[str], str],
    *,
    cancel: CancelFlag | None = None,
    progress: Callable[[int, int, Outcome], None] | None = None,
) -> BatchResult:
    """`apply(key)` on each key in turn (its message is the outcome's); a `HelpdeskError`
    (refused, conflict, not found, invalid) is that ticket's outcome and the run goes on.
    `progress(done_so_far, total, outcome)` after each ticket."""
    keys = list(keys)
    result = BatchResult(len(keys))
    started = time.perf_counter()
    for number, key in enumerate(keys, 1):
        if cancel is not None and cancel.cancelled:
            result.cancelled = True
            break
        try:
            outcome = Outcome(key, True, apply(key))
        except HelpdeskError as exc:
            outcome = Outcome(key, False, str(exc))
        result.outcomes.append(outcome)
        if progress is not None:
            progress(number, len(keys), outcome)
    result.seconds = time.perf_counter() - started
    return result
