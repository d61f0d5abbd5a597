"""Drafts the store cannot take are kept by the application and written when it can:
text closed twice in an editor that could not load its draft is appended, not replaced."""

from __future__ import annotations

from helpdesk_tui.screens.kept_drafts import KeptDrafts
from helpdesk_tui.services import agents, drafts
from helpdesk_tui.store.db import open_store


class FakeApp:
    """What KeptDrafts uses of the application, running its workers at once."""

    def __init__(self, store, actor):
        self.store, self.actor, self.told = store, actor, []

    def run_worker(self, fn, **_):
        fn()

    def call_from_thread(self, fn, *args):
        fn(*args)

    def notify(self, message, **_):
        self.told.append(message)

    def report_error(self, error):
        self.told.append(str(error))


def test_kept_text_is_appended_and_written_when_the_store_takes_it(sqlite_store):
    path = sqlite_store.url.removeprefix("sqlite:///")
    read_only = open_store(f"sqlite:///file:{path}?mode=ro&uri=true")
    app = FakeApp(read_only, agents.resolve(sqlite_store, "ivanova"))
    kept = KeptDrafts(app)
    kept.save("registration", None, "Caller: shop 3", append=True)
    kept.save("registration", None, "Printer jammed", append=True)
    assert kept.get("registration", None) == ("Caller: shop 3\nPrinter jammed", True)
    assert len(app.told) == 1 and "kept here" in app.told[0]  # once, not per save
    app.store = sqlite_store  # the store takes writes again
    kept.retry()
    assert len(kept) == 0 and app.told[-1] == "Your drafts are saved."
    (draft,) = drafts.mine(sqlite_store, app.actor)
    assert draft.body == "Caller: shop 3\nPrinter jammed"
    read_only.dispose()
