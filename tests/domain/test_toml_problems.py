"""A TOML file that does not parse is named with its line and column, the way an editor
jumps to it, in the language in force (the parser's own reason quoted as it gives it)."""

from __future__ import annotations

import tomllib

import pytest

from helpdesk_tui import i18n
from helpdesk_tui.domain.toml_problems import describe


def _problem(text: str) -> tomllib.TOMLDecodeError:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    return caught.value


def test_a_syntax_error_is_named_by_file_line_and_column():
    message = describe("data/sla.toml", _problem('name = "x"\n[[plan]\ncode = "gold"\n'))
    assert message.startswith("data/sla.toml:2:7: not valid TOML: ")
    assert "(at line" not in message and "\n" not in message


def test_in_russian_the_frame_is_russian_and_the_reason_is_quoted():
    i18n.set_language("ru")
    message = describe("data/sla.toml", _problem("a = \n"))
    assert message.startswith("data/sla.toml:1:5: ошибка синтаксиса TOML: ")
    assert message.endswith("Invalid value")


def test_an_error_at_the_end_of_the_file_says_so():
    message = describe("rules.toml", _problem('a = "unclosed'))
    assert message == "rules.toml: not valid TOML at the end of the file: Unterminated string"


def test_a_reason_without_a_place_is_kept_whole():
    message = describe("x.toml", tomllib.TOMLDecodeError("something odd"))
    assert message == "x.toml: not valid TOML: something odd"
