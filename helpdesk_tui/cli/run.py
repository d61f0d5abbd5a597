"""Opening the application from the command line."""

from __future__ import annotations

from helpdesk_tui.cli.common import Context


def run_app(c: Context) -> None:
    from helpdesk_tui.app import make_app

    store = c.store()
    actor = c.actor()
    app = make_app(store, actor, c.settings)
    app.run()
    c.close()
    if app.return_code:
        raise SystemExit(app.return_code)
