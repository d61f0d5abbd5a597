"""Completion for the queue's search box: field names, then the values they take."""

from __future__ import annotations

from textual.suggester import Suggester

from helpdesk_tui.domain.query import completions


class QuerySuggester(Suggester):
    """Suggests the rest of the last word of a query (`prio` → `priority:`, `line:L` →
    `line:L2`); accepted with → or Tab like any Input suggestion. The store's codes and
    logins (`known`) are read by the screen in a worker and handed in."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known: dict[str, tuple[str, ...]] = {}

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith(" "):
            return None
        options = completions(value, self.known)
        return next((o for o in options if o.startswith(value) and o != value), None)
