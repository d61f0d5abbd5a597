"""Template placeholders: `{{contact.name}}`, `{{ticket.key}}`, `{{sla.resolution_due}}`, …

Filling is plain substitution of known names (never evaluation); an unknown name is an
error the template editor shows while typing, and is left visible if it ever reaches a
reply, so nobody sends a blank where a name should be.
"""

import re
from collections.abc import Mapping
from difflib import get_close_matches

PLACEHOLDERS: dict[str, str] = {
    "ticket.key": "the ticket's key, HD-1042",
    "ticket.subject": "the ticket's subject",
    "ticket.priority": "P1…P4",
    "ticket.status": "the ticket's status",
    "ticket.service": "the service's name",
    "contact.name": "the caller's name",
    "contact.phone": "the caller's phone",
    "contact.email": "the caller's e-mail",
    "customer.name": "the organisation",
    "site.name": "the caller's site",
    "asset.name": "the asset the ticket is about",
    "agent.name": "the agent writing",
    "sla.response_due": "the promised first response, local time",
    "sla.resolution_due": "the promised resolution, local time",
    "resolution": "the resolution text",
}

_PATTERN = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")


def names_in(text: str) -> list[str]:
    return [m.group(1) for m in _PATTERN.finditer(text)]


def unknown_placeholders(text: str) -> list[str]:
    """The placeholder names in `text` that are not in `PLACEHOLDERS`, in order, once each."""
    seen: list[str] = []
    for name in names_in(text):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


_BRACES = re.compile(r"\{\{(.*?)\}\}", re.S)


def problems(text: str) -> list[str]:
    """What is wrong with the placeholders in `text`, one line each, for the editor to show
    while the agent types: unknown names (with the nearest known one), `{{…}}` that is not
    a placeholder at all, and braces left open."""
    out: list[str] = []
    for match in _BRACES.finditer(text):
        inner = match.group(1).strip()
        if _PATTERN.fullmatch(match.group(0)) and inner in PLACEHOLDERS:
            continue
        name = inner.lower().replace(" ", "")
        near = get_close_matches(name, list(PLACEHOLDERS), n=1, cutoff=0.6)
        hint = f" (did you mean {{{{{near[0]}}}}}?)" if near else ""
        line = text.count("\n", 0, match.start()) + 1
        shown = " ".join(inner.split())[:40]
        problem = f"line {line}: unknown placeholder {{{{{shown}}}}}{hint}"
        if problem not in out:
            out.append(problem)
    closed = [m.span() for m in _BRACES.finditer(text)]
    for opening in re.finditer(r"\{\{", text):
        if not any(a <= opening.start() < b for a, b in closed):
            line = text.count("\n", 0, opening.start()) + 1
            out.append(f"line {line}: '{{{{' is not closed with '}}}}'")
            break
    return out


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each known placeholder with its value ("" when the ticket has none)."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        return values.get(name, "") or ""

    return _PATTERN.sub(sub, text)
