"""Why a ticket waits for the customer: a reason from the desk's list (data/sla.toml
`[[pause_reason]]`) and/or words of the agent's own."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.text import clean
from helpdesk_tui.i18n import _, localized

OTHER = "other"
NOTE_LIMIT = 500


@dataclass(frozen=True)
class PauseReason:
    code: str
    name: str
    name_ru: str = ""


DEFAULT_REASONS = (
    PauseReason("info", "Waiting for information from the customer"),
    PauseReason("confirm", "Waiting for the customer to confirm a fix"),
    PauseReason("access", "Waiting for access or a visit window"),
    PauseReason(OTHER, "Other (say why)"),
)


def parse_reason(text: str | None, codes: tuple[str, ...] | list[str]) -> tuple[str, str]:
    """(code, note) from what an agent typed: `info`, `info: logs by Monday`, or words of
    their own (recorded as `other`). Empty is refused: every pause says why."""
    value = clean(text or "").strip()
    if not value:
        known = ", ".join(codes)
        raise Invalid(
            _("say why the ticket waits for the customer: --reason CODE[: text] ({known})").format(
                known=known
            )
        )
    head, sep, rest = value.partition(":")
    word = head.strip().lower()
    if word in codes and (sep or " " not in head.strip()):
        code, note = word, rest.strip()
    else:
        first, _sep, tail = value.partition(" ")
        if first.lower() in codes:
            code, note = first.lower(), tail.strip()
        else:
            code, note = OTHER, value
    if code == OTHER and not note:
        raise Invalid(
            _("a pause for another reason needs the reason in words: --reason 'other: …'")
        )
    if len(note) > NOTE_LIMIT:
        raise Invalid(
            _("the reason is too long ({note} characters; the limit is {NOTE_LIMIT})").format(
                note=len(note), NOTE_LIMIT=NOTE_LIMIT
            )
        )
    return code, note


def describe(code: str, note: str, reasons: tuple[PauseReason, ...] | list[PauseReason]) -> str:
    name = next((localized(r) for r in reasons if r.code == code), code)
    if code == OTHER and note:
        return note
    return f"{name}: {note}" if note else name
