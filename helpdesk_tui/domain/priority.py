"""Priority from impact × urgency (ITIL), with the matrix kept in data."""

from collections.abc import Mapping

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.i18n import N_, _

# the words are marked for the catalogs and translated where shown: `_(IMPACTS[i])`
IMPACTS = {1: N_("widespread"), 2: N_("several users"), 3: N_("one user")}
URGENCIES = {1: N_("work stopped"), 2: N_("work degraded"), 3: N_("can wait")}
_WORDS = {"high": 1, "medium": 2, "low": 3}


def parse_level(text: str | int, what: str) -> int:
    """`1`..`3`, or `high`/`medium`/`low`, to 1..3."""
    value = str(text).strip().lower()
    if value in _WORDS:
        return _WORDS[value]
    if value in {"1", "2", "3"}:
        return int(value)
    raise Invalid(
        _("{what} must be 1, 2 or 3 (high, medium, low), not {text!r}").format(what=what, text=text)
    )


def priority_of(matrix: Mapping[tuple[int, int], int], impact: int, urgency: int) -> int:
    """Look the cell up; a missing cell falls back to the ITIL rule of thumb."""
    if impact not in IMPACTS or urgency not in URGENCIES:
        raise Invalid(
            _("impact and urgency must be 1..3, not {impact} and {urgency}").format(
                impact=impact, urgency=urgency
            )
        )
    found = matrix.get((impact, urgency))
    return found if found is not None else min(4, max(1, impact + urgency - 1))


def cells_for(
    matrix: Mapping[tuple[int, int], int], priority: int, impact: int, urgency: int
) -> tuple[int, int]:
    """The impact and urgency that give `priority`, changing as little as possible of the
    ticket's own (`impact`, `urgency`): the same cell if it already has that priority, else
    one that keeps the impact (the urgency changed), else one that keeps the urgency, else
    the nearest cell."""
    if priority not in (1, 2, 3, 4):
        raise Invalid(_("a priority is P1 to P4, not P{priority}").format(priority=priority))
    cells = [(i, u) for i in IMPACTS for u in URGENCIES if priority_of(matrix, i, u) == priority]
    if not cells:
        raise Invalid(
            _("no impact and urgency give P{priority} in the priority matrix").format(
                priority=priority
            )
        )
    return min(
        cells,
        key=lambda c: (c[0] != impact) + (c[1] != urgency) + 0.5 * (c[0] != impact),
    )
