"""Priority from impact × urgency (ITIL), with the matrix kept in data."""

from collections.abc import Mapping

from helpdesk_tui.domain.errors import Invalid

IMPACTS = {1: "widespread", 2: "several users", 3: "one user"}
URGENCIES = {1: "work stopped", 2: "work degraded", 3: "can wait"}
_WORDS = {"high": 1, "medium": 2, "low": 3}


def parse_level(text: str | int, what: str) -> int:
    """`1`..`3`, or `high`/`medium`/`low`, to 1..3."""
    value = str(text).strip().lower()
    if value in _WORDS:
        return _WORDS[value]
    if value in {"1", "2", "3"}:
        return int(value)
    raise Invalid(f"{what} must be 1, 2 or 3 (high, medium, low), not {text!r}")


def priority_of(matrix: Mapping[tuple[int, int], int], impact: int, urgency: int) -> int:
    """Look the cell up; a missing cell falls back to the ITIL rule of thumb."""
    if impact not in IMPACTS or urgency not in URGENCIES:
        raise Invalid(f"impact and urgency must be 1..3, not {impact} and {urgency}")
    found = matrix.get((impact, urgency))
    return found if found is not None else min(4, max(1, impact + urgency - 1))
