"""Handling time measured by itself: a stopwatch that runs while an agent has a ticket
they hold open to work on, stops counting while the application is unfocused, and never
counts more than a cap in one go (an agent who walked away). Pure: the screen feeds it
instants from its clock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

DEFAULT_CAP_S = 2 * 3600
DEFAULT_ASK_FROM_S = 20 * 60
MIN_LOGGED_S = 30  # shorter glances are not work worth a time entry


@dataclass(frozen=True)
class Stopwatch:
    key: str
    started_at: datetime
    counted_s: float = 0.0  # closed stretches
    running_since: datetime | None = None  # None: held (the app lost focus)
    cap_s: int = DEFAULT_CAP_S

    @classmethod
    def start(cls, key: str, now: datetime, cap_s: int = DEFAULT_CAP_S) -> Stopwatch:
        return cls(key, now, 0.0, now, cap_s)

    def elapsed(self, now: datetime) -> float:
        live = (now - self.running_since).total_seconds() if self.running_since else 0.0
        return min(float(self.cap_s), self.counted_s + max(0.0, live))

    def hold(self, now: datetime) -> Stopwatch:
        """The application lost focus or was suspended: stop counting."""
        if self.running_since is None:
            return self
        return replace(self, counted_s=self.elapsed(now), running_since=None)

    def resume(self, now: datetime) -> Stopwatch:
        if self.running_since is not None:
            return self
        return replace(self, running_since=now)

    @property
    def running(self) -> bool:
        return self.running_since is not None


def minutes_to_log(seconds: float) -> int:
    """Whole minutes for the time log (at least one for anything worth logging)."""
    if seconds < MIN_LOGGED_S:
        return 0
    return max(1, round(seconds / 60))


def format_elapsed(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
