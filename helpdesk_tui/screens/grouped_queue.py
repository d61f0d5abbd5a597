"""The queue grouped by service, category, customer, site or asset (a workspace mixin).

`B` picks the grouping (or none): the group headers come from one indexed GROUP BY
(`services/grouped_queue.py`) with each group's open tickets and worst SLA; `z` or Enter
on a header folds or unfolds it, `Z` every group; an unfolded group pages by keyset, like
the plain queue. The plain table stays as it was and is swapped back in with no grouping.
The workspace provides `query_`, `open_query`, `rows_fetched`, `_follow_kept` and
`_show_status`.
"""

from __future__ import annotations

from textual.binding import Binding

from helpdesk_tui.i18n import N_, NP_, _, n_, pgettext
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import grouped_queue
from helpdesk_tui.services.queue import QueueQuery
from helpdesk_tui.widgets.grouped_table import GroupedTable, MarkableTable
from helpdesk_tui.widgets.ticket_table import BLOCK, TicketTable

GROUPING_BINDINGS = [
    Binding(
        "B",
        "group_by",
        N_("Group"),
        id="queue.group_by",
        show=False,  # the footer is full; help (?) and the palette list it
        tooltip=N_("Group the queue by service, category, customer, site or asset (or not)"),
    ),
    Binding("z", "fold", N_("Fold group"), id="queue.fold", show=False),
    Binding("Z", "fold_all", N_("Fold all groups"), id="queue.fold_all", show=False),
]

# what a queue is grouped by, as people read it: `pgettext("grouping", …)`
GROUPING_WORDS = {
    "service": NP_("grouping", "service"),
    "category": NP_("grouping", "category"),
    "customer": NP_("grouping", "customer"),
    "site": NP_("grouping", "site"),
    "asset": NP_("grouping", "asset"),
}


def grouping_word(by: str) -> str:
    return pgettext("grouping", GROUPING_WORDS[by]) if by in GROUPING_WORDS else by


class GroupedQueue:
    """Mixin for the workspace: the grouped queue beside the plain one."""

    grouping: str | None = None

    # -- the two tables ---------------------------------------------------------------------
    def _tables(self) -> tuple[MarkableTable, GroupedTable]:
        """The plain queue's table and the grouped one (found once, used on every key)."""
        tables = self.__dict__.get("_peak_tables")
        if tables is None:
            tables = self._peak_tables = (
                self.query_one("#table", MarkableTable),
                self.query_one("#grouped", GroupedTable),
            )
        return tables

    @property
    def table(self) -> TicketTable:
        """The table in use: the plain queue's, or the grouped one."""
        plain, grouped = self._tables()
        return grouped if self.grouping else plain

    @property
    def grouped(self) -> GroupedTable:
        return self._tables()[1]

    # -- grouping -------------------------------------------------------------------------------
    def action_group_by(self) -> None:
        current = _("current")
        choices = [Choice("-", _("No grouping"), current if self.grouping is None else "")]
        choices += [
            Choice(
                by,
                _("Group by {what}").format(what=grouping_word(by)),
                current if by == self.grouping else "",
            )
            for by in grouped_queue.GROUPINGS
        ]

        def chosen(by: str | None) -> None:
            if by is None:
                return
            self.set_grouping(None if by == "-" else by)

        self.app.push_screen(PickerScreen(_("Group the queue by…"), choices), chosen)

    def set_grouping(self, by: str | None) -> None:
        if by == self.grouping:
            return
        was = self.table
        self.grouping = by
        plain = self._tables()[0]
        plain.display = by is None
        self.grouped.display = by is not None
        if by is not None:
            self.grouped.expanded = set()
            self.grouped.cursor = 0
        if was.has_focus:
            self.table.focus()
        if self.query_ is not None:
            self.open_query(self.query_, cursor=0)

    def load_groups(self, q: QueueQuery) -> None:
        """The grouped queue's headers (one GROUP BY in a worker)."""
        by = self.grouping

        def got(groups: list[grouped_queue.Group]) -> None:
            if self.grouping != by or self.query_ is not q:
                return  # grouping or the queue changed meanwhile
            self.grouped.set_groups(groups)
            self._show_status(sum(g.count for g in groups))

        self.call(
            grouped_queue.groups,
            self.desk.store,
            q,
            by,
            now=self.desk.clock(),  # the states the table's SLA column shows
            done=got,
            group="count",
            exclusive=True,
        )

    # (handlers by name: `@on` is not collected from a mixin that is not a widget)
    def on_grouped_table_need_group_rows(self, event: GroupedTable.NeedGroupRows) -> None:
        q, by = self.query_, self.grouping
        if q is None or by is None:
            return
        table = event.table
        generation = table.generation
        start, count, value = event.start, event.count, event.value
        kwargs: dict = {"limit": count}
        neighbour = table.neighbour_key_in(value, start, count)
        size = next((g.count for g in table.groups if g.value == value), 0)
        from_end = size - (start + count)
        if neighbour is not None:  # keyset from a row on screen, as the plain queue
            kwargs[neighbour[0]] = neighbour[1]
        elif start and from_end <= 0:
            kwargs["last"] = True
        elif start and from_end < start:
            kwargs.update(last=True, offset=from_end)
        elif start:
            kwargs["offset"] = start

        def got(rows) -> None:
            self.rows_fetched += len(rows)
            table.put_group_rows(generation, value, start, rows)
            if generation == table.generation:
                self._follow_kept()

        self.call(
            grouped_queue.page,
            self.desk.store,
            q,
            by,
            value,
            done=got,
            group=f"group-page-{value}-{start // BLOCK}",
            **kwargs,
        )

    def action_fold(self) -> None:
        if self.grouping is not None:
            self.grouped.toggle()

    def action_fold_all(self) -> None:
        if self.grouping is not None:
            self.grouped.toggle_all()

    def on_grouped_table_folded(self, _event: GroupedTable.Folded) -> None:
        self._show_status(sum(g.count for g in self.grouped.groups))

    def grouping_status(self) -> list[str]:
        """What the status line adds for the grouping."""
        if self.grouping is None:
            return []
        n = len(self.grouped.groups)
        text = n_(
            "grouped by {what} ({n:,} group, open only, z folds)",
            "grouped by {what} ({n:,} groups, open only, z folds)",
            n,
        )
        return [text.format(what=grouping_word(self.grouping), n=n)]
