"""A vendor's promised date as people write it: `2026-11-30` (by the end of that day),
`2026-11-30 15:00` (local time of the desk), or an ISO instant with its offset."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.i18n import _


def parse_promise(text: str, zone: ZoneInfo) -> datetime:
    value = text.strip()
    if not value:
        raise Invalid(_("the promised date is empty"))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is not None:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            _("not a date: {text!r} (like 2026-11-30, or 2026-11-30 15:00 for a time)").format(
                text=text
            )
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)
