"""Marks in the queue and the actions on the marked tickets (a workspace mixin).

`space` marks the ticket (and moves down), `*` the group under the cursor or, ungrouped,
everything the tab shows (asking first above 1,000), `u` clears the marks. With marks,
r p a e l c m act on the marked tickets: one confirmation, a progress bar that can be
cancelled (between tickets), then the list of what happened to each ticket and why; what
did not change stays marked. `M` makes the ticket under the cursor a mass incident and
attaches the marked tickets to it. Each ticket goes through `services/marked.py` (the same
services as by hand, by the shared runner `services/batch.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding

from helpdesk_tui.domain.priority import IMPACTS, URGENCIES, priority_of
from helpdesk_tui.i18n import N_, _, localized, n_
from helpdesk_tui.screens.dialogs import ConfirmScreen, InputScreen
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import agents, escalation, grouped_queue
from helpdesk_tui.services.ticket_core import PREFIX, normalize_key

if TYPE_CHECKING:  # the bulk services load with the first bulk action, not at start
    from helpdesk_tui.services import batch

MARK_BINDINGS = [
    Binding(
        "space",
        "mark",
        N_("Mark"),
        id="queue.mark",
        show=False,
        tooltip=N_("Mark the ticket (and move down)"),
    ),
    Binding(
        "asterisk",
        "mark_all",
        N_("Mark group"),
        id="queue.mark_group",
        key_display="*",
        show=False,
        tooltip=N_("Mark the group under the cursor (ungrouped: everything the tab shows)"),
    ),
    Binding("u", "unmark", N_("Clear marks"), id="queue.unmark", show=False),
    Binding(
        "M",
        "mass_incident",
        N_("Mass incident"),
        id="queue.mass_incident",
        show=False,
        tooltip=N_("Make the ticket a mass incident and attach the marked tickets to it"),
    ),
]


class MarkedActions:
    """Mixin for the workspace (after `GroupedQueue`, before `TicketActions`): with marks,
    the ticket actions act on the marked tickets; without, on the highlighted one."""

    batch_running = False  # a run on many tickets is under way (live refreshes wait)
    marks: dict[str, None]  # marked keys, in the order they were marked

    def _marks(self) -> dict[str, None]:
        if not hasattr(self, "marks"):
            self.marks = {}
        return self.marks

    def marks_status(self) -> list[str]:
        """What the status line adds for the marks."""
        n = len(self._marks())
        return [_("{n:,} marked (u clears)").format(n=n)] if n else []

    # -- marks ------------------------------------------------------------------------------
    def _marks_changed(self) -> None:
        marks = self._marks()
        for table in self._tables():
            table.set_marked(marks)
        self._show_status(self._shown_total())

    def _shown_total(self) -> int:
        if self.grouping is not None:
            return sum(g.count for g in self.grouped.groups)
        return self.table.total

    def action_mark(self) -> None:
        table = self.table
        row = table.current
        if row is None:
            if self.grouping is not None and self.grouped.current_group is not None:
                self.action_mark_all()
            return
        marks = self._marks()
        if row.key in marks:
            del marks[row.key]
        else:
            marks[row.key] = None
        table.action_cursor(1)
        self._marks_changed()

    def action_mark_all(self) -> None:
        from helpdesk_tui.services import marked

        q = self.query_
        if q is None:
            return
        if self.grouping is not None:
            group = self.grouped.current_group
            if group is None:
                return
            by, value, count, what = self.grouping, group.value, group.count, group.name
        else:
            by, value, count, what = None, None, self.table.total, _("this tab")

        def fetch() -> None:
            def got(keys: list[str]) -> None:
                marks = self._marks()
                for key in keys:
                    marks[key] = None
                self._marks_changed()
                n = len(keys)
                self.notify(
                    n_(
                        "Marked {n:,} ticket of {what}.", "Marked {n:,} tickets of {what}.", n
                    ).format(n=n, what=what),
                    markup=False,
                )

            self.call(
                grouped_queue.keys,
                self.desk.store,
                q,
                by,
                value,
                limit=max(1, count),
                done=got,
                group="marks",
                exclusive=True,
            )

        if count > marked.CONFIRM_ABOVE:
            self.app.push_screen(
                ConfirmScreen(
                    n_(
                        "Mark all {n:,} ticket of {what}?",
                        "Mark all {n:,} tickets of {what}?",
                        count,
                    ).format(n=count, what=what)
                ),
                lambda yes: yes and fetch(),
            )
        else:
            fetch()

    def action_unmark(self) -> None:
        if self._marks():
            self.marks.clear()
            self._marks_changed()

    # -- actions on the marked tickets ------------------------------------------------------------
    def _run_marked(self, kind: str, keys: list[str] | None = None, **fields) -> None:
        """Confirm, run the change `kind` (with `fields`: `services.marked.Change`) with a
        progress bar, then show what happened."""
        from helpdesk_tui.services import marked  # with the first bulk action, not at start

        change = marked.Change(kind, **fields)
        keys = list(keys if keys is not None else self._marks())
        what = change.describe()
        store, actor = self.desk.store, self.desk.actor

        def go(yes: bool | None) -> None:
            if not yes:
                return

            def runner(cancel, progress) -> batch.BatchResult:
                return marked.apply(store, actor, keys, change, cancel=cancel, progress=progress)

            self._run_batch(f"{what[:1].upper()}{what[1:]}", keys, runner)

        self.app.push_screen(
            ConfirmScreen(
                n_(
                    "{what}: {n:,} marked ticket?", "{what}: {n:,} marked tickets?", len(keys)
                ).format(what=f"{what[:1].upper()}{what[1:]}", n=len(keys)),
                _(
                    "Each ticket is changed on its own, as if you did it by hand; one that "
                    "refuses does not stop the others."
                ),
            ),
            go,
        )

    def _run_batch(
        self,
        title: str,
        keys: list[str],
        runner: Callable[..., batch.BatchResult],
    ) -> None:
        from helpdesk_tui.screens.batch_run import ProgressScreen, SummaryScreen

        screen = ProgressScreen(title, len(keys), runner)
        self.batch_running = True

        def finished(result: batch.BatchResult | None) -> None:
            self.batch_running = False
            if result is None:
                self.desk.report_error(screen.error)
                return
            marks = self._marks()
            for outcome in result.outcomes:
                if outcome.ok:
                    marks.pop(outcome.key, None)  # what did not change stays marked
            self._marks_changed()
            self.app.push_screen(SummaryScreen(title, result))
            self.refresh_all()

        self.app.push_screen(screen, finished)

    def action_reply(self) -> None:
        if not self._marks():
            return super().action_reply()  # type: ignore[misc]
        from helpdesk_tui.services import marked

        def listed(rows: list[tuple[str, str, str]]) -> None:
            choices = [Choice(code, name, f"{language} · {code}") for code, name, language in rows]

            def chosen(code: str | None) -> None:
                if code:
                    self._run_marked("reply", template=code)

            self.app.push_screen(
                PickerScreen(
                    _(
                        "Reply to {n:,} marked tickets with a template (filled for each ticket)"
                    ).format(n=len(self.marks)),
                    choices,
                ),
                chosen,
            )

        self.call(marked.reply_templates, self.desk.store, done=listed)

    def action_priority(self) -> None:
        if not self._marks():
            return super().action_priority()  # type: ignore[misc]
        matrix = self.desk.catalog.matrix
        choices = [
            Choice(
                f"{i}{u}",
                _("P{priority}: impact {i} ({impact}), urgency {u} ({urgency})").format(
                    priority=priority_of(matrix, i, u),
                    i=i,
                    impact=_(IMPACTS[i]),
                    u=u,
                    urgency=_(URGENCIES[u]),
                ),
            )
            for i in IMPACTS
            for u in URGENCIES
        ]

        def chosen(value: str | None) -> None:
            if value:
                self._run_marked("priority", impact=int(value[0]), urgency=int(value[1]))

        self.app.push_screen(
            PickerScreen(_("Priority of {n:,} marked tickets").format(n=len(self.marks)), choices),
            chosen,
        )

    def action_assign(self) -> None:
        if not self._marks():
            return super().action_assign()  # type: ignore[misc]

        def listed(rows: list[agents.AgentRow]) -> None:
            choices = [Choice("-", _("— back to the queue (nobody)"))] + [
                Choice(
                    a.login,
                    f"{a.name} ({a.login})",
                    (
                        _("{load} open · on shift") if a.on_shift else _("{load} open · OFF shift")
                    ).format(load=a.load),
                )
                for a in sorted(rows, key=lambda a: (not a.on_shift, a.load, a.login))
                if a.active
            ]

            def chosen(login: str | None) -> None:
                if login is not None:
                    self._run_marked("assign", login=None if login == "-" else login)

            self.app.push_screen(
                PickerScreen(
                    _("Assign {n:,} marked tickets to…").format(n=len(self.marks)), choices
                ),
                chosen,
            )

        self.call(agents.list_agents, self.desk.store, done=listed)

    def action_escalate(self) -> None:
        if not self._marks():
            return super().action_escalate()  # type: ignore[misc]
        cat = self.desk.catalog
        choices = [
            Choice(g.code, f"{g.line_code} · {localized(g)}", g.code)
            for g in sorted(cat.groups.values(), key=lambda g: (g.level, g.code))
        ]

        def chosen(group: str | None) -> None:
            if not group:
                return

            def noted(text: str | None) -> None:
                if text and text.strip():
                    self._run_marked("escalate", group=group, note=text.strip())

            self.app.push_screen(
                InputScreen(
                    _("Escalate {n:,} tickets to {group}: what was already tried?").format(
                        n=len(self.marks), group=group
                    ),
                    placeholder=_("the same note goes on every ticket"),
                    validate=lambda v: (
                        None
                        if len(v.strip()) >= escalation.MIN_NOTE
                        else _("at least {n} characters").format(n=escalation.MIN_NOTE)
                    ),
                ),
                noted,
            )

        self.app.push_screen(
            PickerScreen(_("Escalate {n:,} marked tickets to…").format(n=len(self.marks)), choices),
            chosen,
        )

    def action_link(self) -> None:
        if not self._marks():
            return super().action_link()  # type: ignore[misc]

        def check(value: str) -> str | None:
            try:
                normalize_key(value)
            except Exception as exc:  # Invalid: its one line
                return str(exc)
            return None

        def got(parent: str | None) -> None:
            if parent:
                key = normalize_key(parent)
                keys = [k for k in self.marks if k != key]
                if not keys:
                    self.notify(
                        _("{key} is the only marked ticket: nothing to attach to it.").format(
                            key=key
                        ),
                        severity="warning",
                    )
                    return
                self._run_marked("link", keys, parent=key)

        self.app.push_screen(
            InputScreen(
                _("Attach {n:,} marked tickets to which mass incident?").format(n=len(self.marks)),
                placeholder=f"{PREFIX}-1042",  # an example key
                validate=check,
            ),
            got,
        )

    def action_close(self) -> None:
        if not self._marks():
            return super().action_close()  # type: ignore[misc]
        self._run_marked("close")

    def action_macro(self) -> None:
        if not self._marks():
            return super().action_macro()  # type: ignore[misc]
        from helpdesk_tui.services import macros

        def listed(found: list) -> None:
            if not found:
                self.notify(_("No macros: see data/macros.toml."), severity="warning")
                return
            choices = [
                Choice(mac.code, localized(mac), " → ".join(step.describe() for step in mac.steps))
                for mac in found
            ]
            self.app.push_screen(
                PickerScreen(
                    _("Run a macro on {n:,} marked tickets").format(n=len(self.marks)), choices
                ),
                lambda code: code and self._run_marked("macro", macro=code),
            )

        self.call(macros.list_macros, self.desk.store, done=listed)

    # -- mass incidents ---------------------------------------------------------------------------
    def action_mass_incident(self) -> None:
        from helpdesk_tui.services import mass_incident

        row = self.table.current
        if row is None:
            self.notify(_("Put the cursor on the ticket that stands for the incident."))
            return
        children = [k for k in self._marks() if k != row.key]
        if not children:
            self.notify(
                _("Mark the calls that belong to {key} (space, *), then press M on it.").format(
                    key=row.key
                ),
                severity="warning",
            )
            return
        parent = row.key
        store, actor = self.desk.store, self.desk.actor

        def go(yes: bool | None) -> None:
            if not yes:
                return

            def runner(cancel, progress) -> batch.BatchResult:
                return mass_incident.attach(
                    store, actor, parent, children, cancel=cancel, progress=progress
                )

            title = _("Attach to the mass incident {key}").format(key=parent)
            self._run_batch(title, children, runner)

        self.app.push_screen(
            ConfirmScreen(
                n_(
                    "Make {key} a mass incident and attach {n:,} marked ticket to it?",
                    "Make {key} a mass incident and attach {n:,} marked tickets to it?",
                    len(children),
                ).format(key=parent, n=len(children)),
                _("Resolving it will resolve them too (unless excluded with x)."),
            ),
            go,
        )
