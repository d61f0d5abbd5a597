"""A TOML file that does not parse, said the way an editor jumps to it (`path:line:column`)
and in the language in force; Python's parser gives its reason in English only, so that
part is quoted as it comes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from helpdesk_tui.i18n import _

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def describe(path: Path | str, exc: tomllib.TOMLDecodeError) -> str:
    """`data/sla.toml:3:7: not valid TOML: Expected ']' at the end of a table declaration`."""
    reason = str(exc)
    if match := _AT.search(reason):
        line, column = match.groups()
        return _("{path}:{line}:{column}: not valid TOML: {reason}").format(
            path=path, line=line, column=column, reason=reason[: match.start()]
        )
    if match := _AT_END.search(reason):
        return _("{path}: not valid TOML at the end of the file: {reason}").format(
            path=path, reason=reason[: match.start()]
        )
    return _("{path}: not valid TOML: {reason}").format(path=path, reason=reason)
