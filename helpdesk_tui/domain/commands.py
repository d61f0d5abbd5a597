"""Shell commands bound to user keys: an argument list templated with the ticket's fields.

A command is never a string handed to a shell. It is a list — the program, then each
argument — and each argument is filled on its own: `{{ticket.subject}}` becomes exactly
one argument whatever the subject holds (`$(rm -rf /)`, `;`, quotes, line breaks), with
control characters stripped. The program itself takes no placeholder, so ticket text
never chooses what runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.placeholders import PLACEHOLDERS
from helpdesk_tui.i18n import _

FIELDS: dict[str, str] = {
    **{name: what for name, what in PLACEHOLDERS.items() if name != "resolution"},
    "ticket.group": "the group's code",
    "ticket.line": "the line's code",
    "ticket.assignee": "the assignee's login ('' in the queue)",
    "service.code": "the service's code",
    "customer.code": "the organisation's code",
    "site.code": "the site's code",
    "asset.tag": "the asset's tag",
}

_PATTERN = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")
_BREAKS = re.compile(r"[\r\n\t\v\f]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_ARGS = 64
MAX_ARG = 4096


def check(argv: object, where: str) -> tuple[str, ...]:
    """The command as a tuple of strings, or `Invalid` saying what is wrong."""
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise Invalid(
            _(
                '{where}: a command is a list like ["xdg-open", "https://…/{{{{ticket.key}}}}"]'
            ).format(where=where)
        )
    if len(argv) > MAX_ARGS:
        raise Invalid(
            _("{where}: at most {MAX_ARGS} arguments").format(where=where, MAX_ARGS=MAX_ARGS)
        )
    if not argv[0].strip():
        raise Invalid(_("{where}: the program is empty").format(where=where))
    if _PATTERN.search(argv[0]) or "{{" in argv[0]:
        raise Invalid(
            _("{where}: the program ({argv!r}) cannot be a placeholder").format(
                where=where, argv=argv[0]
            )
        )
    for arg in argv[1:]:
        for match in _PATTERN.finditer(arg):
            if match.group(1) not in FIELDS:
                raise Invalid(
                    _("{where}: unknown placeholder {placeholder} (known: {known})").format(
                        where=where,
                        placeholder="{{" + match.group(1) + "}}",
                        known=", ".join(FIELDS),
                    )
                )
    return tuple(argv)


def fill(argv: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """Each argument with its placeholders filled from `values`: line breaks and tabs in
    what was filled in become a space, other control characters (escapes) are dropped;
    one argument stays one."""

    def sub(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "") or ""
        return _CONTROLS.sub("", _BREAKS.sub(" ", value))

    out = [argv[0]]
    for arg in argv[1:]:
        out.append(_PATTERN.sub(sub, arg)[:MAX_ARG])
    return out
