"""A mass incident's children in the ticket pane, `x` to leave one out of (or take it back
into) the incident's resolution, and that resolution itself: on the workspace and on the
ticket screen.

Resolving a parent (R) resolves the parent alone; its open children then go with it one
by one under a progress bar that can be cancelled between children (Esc or c), and a
summary lists each child resolved or refused, and why. R on a resolved parent whose run
was cancelled offers to resolve the rest with the parent's resolution."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding

from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_, _, n_
from helpdesk_tui.screens.dialogs import ConfirmScreen
from helpdesk_tui.screens.picker import Choice, PickerScreen

if TYPE_CHECKING:  # loaded with a mass incident's first use, not at start
    from helpdesk_tui.services import batch, mass_incident

EXCLUDE_BINDING = Binding(
    "x",
    "exclude_child",
    N_("Exclude child"),
    id="ticket.exclude_child",
    show=False,
    tooltip=N_("Leave a child out of its mass incident's resolution (or take it back in)"),
)


class MassIncidentActions:
    """Mixin for screens with a ticket pane (the workspace, the ticket screen): a mass
    incident's children in the pane, and `x` to exclude one from its resolution."""

    def load_children(self, pane, key: str) -> None:
        """A mass incident's children in the ticket pane (a TicketPane)."""
        from helpdesk_tui.services import mass_incident

        def got(found: mass_incident.Children) -> None:
            if pane.detail is not None and pane.detail.key == found.parent:
                pane.show_children(found)

        self.call(
            mass_incident.children,
            self.desk.store,
            key,
            done=got,
            group="children",
            exclusive=True,
        )

    def action_exclude_child(self) -> None:
        from helpdesk_tui.services import mass_incident

        target = self.target()  # type: ignore[attr-defined]
        if target is None:
            return
        key = target[0]

        def listed(found: mass_incident.Exclusions) -> None:
            if not found.children:
                self.notify(
                    _("{key} is not a mass incident nor part of one.").format(key=key),
                    severity="warning",
                )
                return
            choices = [
                Choice(
                    c.key,
                    f"{c.key} {c.subject[:60]}",
                    (_("EXCLUDED") if c.excluded else _("resolved with it"))
                    + ("" if c.is_open else f" · {status_label(c.status)}"),
                )
                for c in found.children
            ]

            def chosen(child: str | None) -> None:
                if not child:
                    return
                now = next(c for c in found.children if c.key == child)
                self.call(
                    mass_incident.set_excluded,
                    self.desk.store,
                    self.desk.actor,
                    child,
                    not now.excluded,
                    done=lambda result: (
                        self.notify(result.message, markup=False),
                        self.reload_ticket(),  # type: ignore[attr-defined]
                    ),
                )

            self.app.push_screen(
                PickerScreen(
                    _(
                        "Children of {key}: choose one to exclude it from (or include "
                        "it in) the resolution"
                    ).format(key=found.parent),
                    choices,
                ),
                chosen,
            )

        self.call(mass_incident.exclusions, self.desk.store, key, done=listed)

    def resolve_children(
        self, key: str, resolution: str | None, otherwise: Callable[[], None] | None = None
    ) -> None:
        """After `key` was resolved with `resolution`: its open, not excluded children, with
        a progress bar. `resolution` None: the rest of a cancelled run, after asking (the
        parent's own resolution is used); `otherwise()` when there is nothing to resolve."""
        from helpdesk_tui.services import mass_incident

        store = self.desk.store

        def found(todo: mass_incident.Pending) -> None:
            if not todo.keys:
                if otherwise is not None:
                    otherwise()
                elif todo.excluded:
                    self.notify(
                        n_(
                            "{key}: {n} excluded child ticket is left open.",
                            "{key}: {n} excluded child tickets are left open.",
                            todo.excluded,
                        ).format(key=key, n=todo.excluded),
                        markup=False,
                    )
                return
            if resolution is not None:
                self._run_children(key, resolution, todo)
                return
            self.app.push_screen(
                ConfirmScreen(
                    n_(
                        "{key} is resolved, but {n:,} of its children is still open: resolve "
                        "it with its resolution?",
                        "{key} is resolved, but {n:,} of its children are still open: resolve "
                        "them with its resolution?",
                        len(todo.keys),
                    ).format(key=key, n=len(todo.keys)),
                    _(
                        "Each child is resolved on its own, as if you did it by hand; the "
                        "excluded ones stay open."
                    ),
                ),
                lambda yes: yes and self._run_children(key, None, todo),
            )

        self.call(mass_incident.pending, store, key, done=found)

    def _run_children(self, key: str, resolution: str | None, todo: mass_incident.Pending) -> None:
        from helpdesk_tui.screens.batch_run import ProgressScreen, SummaryScreen
        from helpdesk_tui.services import mass_incident

        store, actor = self.desk.store, self.desk.actor
        title = _("Resolve the children of {key} with it").format(key=key)
        if todo.excluded:
            title += _(" ({n:,} excluded, left open)").format(n=todo.excluded)

        def runner(cancel, progress) -> batch.BatchResult:
            return mass_incident.cascade(
                store, actor, key, resolution, cancel=cancel, progress=progress
            ).result

        screen = ProgressScreen(title, len(todo.keys), runner)
        self.batch_running = True  # the workspace's live refresh waits for the end

        def finished(result: batch.BatchResult | None) -> None:
            self.batch_running = False
            if result is None:
                self.desk.report_error(screen.error)
            else:
                self.app.push_screen(SummaryScreen(title, result))
            self.reload_ticket()  # type: ignore[attr-defined]

        self.app.push_screen(screen, finished)
