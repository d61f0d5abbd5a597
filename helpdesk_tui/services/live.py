"""Live updates for screens: a feed of changed tickets, from any process."""

from helpdesk_tui.store.db import Store
from helpdesk_tui.store.feed import Change, ChangeFeed, FeedError

__all__ = ["Change", "ChangeFeed", "FeedError", "watch"]


def watch(store: Store) -> ChangeFeed:
    """A feed of ticket changes committed by anyone after this call."""
    return ChangeFeed(store)
