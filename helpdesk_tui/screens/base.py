"""What every screen shares: running service calls off the event loop, one error path.

`self.call(fn, *args, done=callback)` runs `fn` in a thread worker (database work never
blocks the interface) and calls `done(result)` back on the event loop. A typed error
(`Invalid`, `NotAllowed`, `NotFound`, `StoreError`) becomes a one-line notification; a
conflict also offers to reload; anything else is logged and shown as one line, never a
crash.

Key descriptions are marked `N_("…")` in `BINDINGS` (class bodies run at import, before the
language is known) and translated where they are shown: `LocalBindings` hands the footer,
the key panel and the palette the bindings in the language in force.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from helpdesk_tui.domain.errors import Conflict, HelpdeskError
from helpdesk_tui.i18n import _

if TYPE_CHECKING:
    from textual.widgets import Static

    from helpdesk_tui.app import HelpdeskApp


def local_binding(binding: Binding) -> Binding:
    """`binding` with its description and tooltip in the language in force."""
    description, tooltip = _(binding.description), _(binding.tooltip)
    if (description, tooltip) == (binding.description, binding.tooltip):
        return binding
    return dataclasses.replace(binding, description=description, tooltip=tooltip)


class LocalBindings:
    """Mixin for screens: the active bindings (footer, key panel, palette) translated."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        found: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        return {
            key: active._replace(binding=local_binding(active.binding), tooltip=_(active.tooltip))
            for key, active in found.items()
        }


class WorkerCalls(LocalBindings):
    """Mixin for screens and modals: database calls in workers, results on the loop (and
    their keys in the language in force)."""

    _done: dict[Worker, tuple[Callable[[Any], None] | None, Callable[[Exception], bool] | None]]

    @property
    def desk(self) -> HelpdeskApp:
        return self.app  # type: ignore[attr-defined,return-value]

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[Exception], bool] | None = None,
        group: str = "db",
        exclusive: bool = False,
        **kwargs: Any,
    ) -> Worker:
        """Run `fn(*args, **kwargs)` in a thread; `done(result)` on success.

        `failed(error)` may handle an error itself by returning True.
        """
        if not hasattr(self, "_done"):
            self._done = {}

        def work() -> list[Any]:
            return [fn(*args, **kwargs)]  # a box emptied once `done` has the result

        worker = self.run_worker(  # type: ignore[attr-defined]
            work,
            thread=True,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
            description=getattr(fn, "__name__", "call"),
        )
        self._done[worker] = (done, failed)
        return worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        callbacks = getattr(self, "_done", {}).get(event.worker)
        if callbacks is None:
            return
        done, failed = callbacks
        if event.state == WorkerState.SUCCESS:
            del self._done[event.worker]
            # the worker is a reference cycle (its task's context holds it): a result left
            # in it would wait for a full collection (widgets/styles_cache.py)
            result = event.worker.result.pop()
            if done is not None:
                done(result)
        elif event.state == WorkerState.ERROR:
            del self._done[event.worker]
            error = event.worker.error
            if failed is not None and isinstance(error, Exception) and failed(error):
                return
            self.desk.report_error(error)
        elif event.state == WorkerState.CANCELLED:
            self._done.pop(event.worker, None)


class DeskScreen(WorkerCalls, Screen):
    """A full screen of the application."""

    def on_tickets_changed(self, ids: frozenset[int]) -> None:
        """Called by the app when tickets changed anywhere (the live feed)."""


def is_conflict(error: BaseException | None) -> bool:
    return isinstance(error, Conflict)


def one_line(error: BaseException | None) -> str:
    if isinstance(error, HelpdeskError):
        return str(error)
    text = str(error).strip().splitlines()[0] if error and str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def shown_in(line: Static) -> Callable[[Exception], bool]:
    """A form's `failed`: a refusal the agent can act on (a `HelpdeskError`) is shown on the
    form's error line and the form stays open, text and all; anything else goes on to the
    common error path."""

    def failed(error: Exception) -> bool:
        if isinstance(error, HelpdeskError):
            line.update(Text(one_line(error)))
            return True
        return False

    return failed
