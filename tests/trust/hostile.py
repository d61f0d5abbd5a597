"""Hostile text for the bad-input tests, and the check that output does nothing to a
terminal."""

from __future__ import annotations

import re

from hypothesis import strategies as st

PIECES = [
    "",
    "\x00",
    "\x07",
    "\x08\x08\x08",
    "\x7f",
    "\r",
    "\r\n",
    "\t",
    "\x1b[31mred\x1b[0m",
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]0;owned\x07",  # set the window title
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # a hyperlink
    "\x1bP+q544e\x1b\\",  # DCS
    "\x9b31m",  # C1 CSI
    "\x85",
    "\u202eevil\u202c",  # right-to-left override
    "\u2066isolate\u2069",
    "שלום עולם",
    "مرحبا",
    "e\u0301\u0301\u0301\u0301",  # combining marks
    "Z\u0351\u0357\u0361\u0308",
    "👩\u200d👩\u200d👧\u200d👦",
    "🇷🇺",
    "[bold]bold[/bold]",
    "[link=https://evil.example]link[/link]",
    "[@click=app.quit]quit[/]",
    "[/]",
    "{{ticket.key}}",
    "%s %d {0}",
    "\\",
    "'\"; DROP TABLE ticket; --",
    "\udcff\udcfe",  # invalid UTF-8 as Python sees it in argv (surrogateescape)
    "\ufeff",
    "\u00a0\u2028\u2029",
]

hostile_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), min_size=0, max_size=6
).map("".join)

# what must never reach a terminal: C0 controls but newline and tab, DEL, C1 controls,
# bidi overrides and isolates, lone surrogates
_DANGER = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def inert(output: str) -> bool:
    """Whether `output` is plain text: nothing a terminal would act on."""
    return _DANGER.search(output) is None


def dangers(output: str) -> list[str]:
    return sorted({repr(m.group()) for m in _DANGER.finditer(output)})
