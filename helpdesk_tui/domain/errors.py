"""The typed errors every layer raises and the CLI and the TUI turn into one line.

The CLI prints `helpdesk: <message>` and exits with code 2; the TUI shows a notification.
"""


class HelpdeskError(Exception):
    """Base of every error a user is meant to read (never a traceback)."""

    exit_code = 2


class Invalid(HelpdeskError):
    """Bad input: a value out of range, an empty subject, an unknown code."""


class NotFound(HelpdeskError):
    """A key, login or code that names nothing in the store."""


class NotAllowed(HelpdeskError):
    """The actor's role may not do this, or the transition does not exist."""


class Conflict(HelpdeskError):
    """Somebody else changed the record first; nothing was written."""


class StoreError(HelpdeskError):
    """The store cannot be reached, is read-only, full, or needs an upgrade."""
