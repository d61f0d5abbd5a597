"""The application copies SQLite's log back on its own thread while it runs
(helpdesk_tui/store/checkpoints.py)."""

from __future__ import annotations


async def test_the_application_checkpoints_while_it_runs(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)):
        checkpointer = app._checkpointer
        assert checkpointer is not None and checkpointer.running
    assert not checkpointer.running  # stopped with the application
