"""What every screen shares: running service calls off the event loop, one error path.

`self.call(fn, *args, done=callback)` runs `fn` in a thread worker (database work never
blocks the interface) and calls `done(result)` back on the event loop. A typed error
(`Invalid`, `NotAllowed`, `NotFound`, `StoreError`) becomes a one-line notification; a
conflict also offers to reload; anything else is logged and shown as one line, never a
crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from helpdesk_tui.domain.errors import Conflict, HelpdeskError

if TYPE_CHECKING:
    from helpdesk_tui.app import HelpdeskApp


class WorkerCalls:
    """Mixin for screens and modals: database calls in workers, results on the loop."""

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
        worker = self.run_worker(  # type: ignore[attr-defined]
            lambda: fn(*args, **kwargs),
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
            if done is not None:
                done(event.worker.result)
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
