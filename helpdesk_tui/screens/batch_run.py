"""A run over many tickets, on screen: a progress bar that can be cancelled, then a list of
what happened to each ticket and why.

The run itself is `services/batch.py` in a thread worker: the event loop only redraws the
bar (it reads the runner's counter ten times a second, so a thousand tickets cost no
thousand cross-thread calls). Cancel (Esc or c) raises the runner's flag; the ticket being
changed finishes its transaction, the rest are left untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.base import LocalBindings
from helpdesk_tui.screens.dialogs import DIALOG_CSS
from helpdesk_tui.services import batch

Runner = Callable[[batch.CancelFlag, Callable[[int, int, batch.Outcome], None]], batch.BatchResult]


class ProgressScreen(LocalBindings, ModalScreen[batch.BatchResult | None]):
    """Runs `runner(cancel, progress)` in a thread; dismisses with its result."""

    BINDINGS = [Binding("escape,c", "cancel", N_("Cancel"), id="batch.cancel")]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ProgressScreen")
        + """
    ProgressScreen ProgressBar { padding: 1 0; }
    ProgressScreen #batch-count { color: $text-muted; }
    """
    )

    def __init__(self, title: str, total: int, runner: Runner) -> None:
        super().__init__()
        self.title_text = title
        self.total = total
        self.runner = runner
        self.flag = batch.CancelFlag()
        self._done = 0
        self._total = total
        self._failed = 0
        self._lock = threading.Lock()
        self.error: BaseException | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield ProgressBar(total=max(1, self.total), show_eta=True, id="batch-bar")
            yield Static(
                _("{done:,} of {total:,}").format(done=0, total=self.total), id="batch-count"
            )
            yield Static(
                _("Esc / c: cancel after the current ticket (no ticket is left half-changed)"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.set_interval(0.1, self._show)
        self.run_worker(
            self._run, thread=True, group="batch", exit_on_error=False, description="batch"
        )

    def _progress(self, done: int, total: int, outcome: batch.Outcome) -> None:
        with self._lock:  # called in the worker thread
            self._done = done
            self._total = total  # the runner's own count (a cascade reads its children again)
            self._failed += not outcome.ok

    def _run(self) -> batch.BatchResult:
        return self.runner(self.flag, self._progress)

    def _show(self) -> None:
        with self._lock:
            done, failed, total = self._done, self._failed, self._total
        self.query_one(ProgressBar).update(total=max(1, total), progress=done)
        text = _("{done:,} of {total:,}").format(done=done, total=total)
        if failed:
            text += _(" · {n:,} refused").format(n=failed)
        if self.flag.cancelled:
            text += _(" · cancelling after the current ticket…")
        self.query_one("#batch-count", Static).update(text)

    def action_cancel(self) -> None:
        self.flag.cancel()
        self._show()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "batch":
            return
        if event.state == WorkerState.SUCCESS:
            self.dismiss(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.error = event.worker.error
            self.dismiss(None)


class SummaryScreen(LocalBindings, ModalScreen[None]):
    """What a run did: the counts, then each ticket that was refused (and why), then
    those that changed."""

    BINDINGS = [Binding("escape,enter,q", "close", N_("Close"), id="batch.close")]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="SummaryScreen")
        + """
    SummaryScreen > Vertical { max-width: 110; }
    SummaryScreen OptionList { height: auto; max-height: 20; border: none; }
    """
    )

    def __init__(self, title: str, result: batch.BatchResult) -> None:
        super().__init__()
        self.title_text = title
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        with Vertical():
            yield Static(
                Text(_("{title}: {summary}").format(title=self.title_text, summary=r.summary())),
                classes="dialog-title",
            )
            options = [
                Option(Text.assemble(("✗ ", "bold red"), (o.key, "bold"), "  ", o.message))
                for o in r.failed
            ]
            options += [
                Option(Text.assemble(("✓ ", "green"), (o.key, "bold"), "  ", o.message))
                for o in r.outcomes
                if o.ok
            ]
            if r.cancelled and r.skipped:
                left = _("… {n:,} not touched (cancelled)").format(n=r.skipped)
                options.append(Option(Text(left)))
            yield OptionList(*options, id="batch-outcomes")
            yield Static(
                _("{seconds:.1f} s · Esc / Enter: close").format(seconds=r.seconds),
                classes="dialog-hint",
                id="batch-time",
            )

    def action_close(self) -> None:
        self.dismiss(None)
