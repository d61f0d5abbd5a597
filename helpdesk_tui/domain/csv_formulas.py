"""Spreadsheet formulas kept out of the CSV files we write (CSV injection, OWASP).

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula
to Excel and LibreOffice: a ticket subject `=HYPERLINK(…)` would run when the export is
opened. Such a cell is written with a leading apostrophe, which a spreadsheet shows as
text and does not display. Numbers stay as they are (`-5`, `-0.25`, `+7` are numbers to a
spreadsheet too, not formulas), and so does every value that is not text.

The customer, contact and asset files are read back by the import: `undefuse` takes the
apostrophe off again, so an export imported unchanged changes nothing. A text that
itself starts with apostrophes before a trigger (`'=x`) gets one more on the way out and
loses that one on the way in: `undefuse(defuse(text)) == text` for every text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
APOSTROPHE = "'"

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def is_number(text: str) -> bool:
    """Whether a spreadsheet reads `text` as a plain decimal number."""
    return _NUMBER.fullmatch(text) is not None


def _formula(text: str) -> bool:
    return text.startswith(TRIGGERS) and not is_number(text)


def _escaped(text: str) -> bool:
    """Whether `text`, past its leading apostrophes, would be a formula."""
    return _formula(text.lstrip(APOSTROPHE))


def defuse(value: Any) -> Any:
    """`value` as a CSV cell that no spreadsheet runs: text that would be a formula (or
    looks like one we defused) gets a leading apostrophe; anything else is returned as
    it is."""
    if isinstance(value, str) and _escaped(value):
        return APOSTROPHE + value
    return value


def undefuse(text: str) -> str:
    """A cell read from a CSV file we wrote, as it was before `defuse`."""
    if text.startswith(APOSTROPHE) and _escaped(text):
        return text[1:]
    return text


def defuse_row(row: Iterable[Any]) -> list[Any]:
    return [defuse(value) for value in row]
