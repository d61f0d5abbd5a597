"""A mass incident's children in the ticket pane, and `x` to leave one out of (or take it
back into) the incident's resolution: on the workspace and on the ticket screen."""

from __future__ import annotations

from textual.binding import Binding

from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.picker import Choice, PickerScreen
from helpdesk_tui.services import mass_incident

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
