"""Untrusted text made inert: escape sequences are kept but shown, never executed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.text import (
    clean,
    clean_line,
    is_number,
    phone_digits,
    visible,
    visible_line,
)


def test_an_escape_sequence_in_a_subject_is_shown_not_obeyed():
    assert clean_line("Printer \x1b[2J\x1b]0;pwned\x07 broken") == "Printer ␛[2J␛]0;pwned␇ broken"


def test_nul_bel_and_delete_become_their_control_pictures():
    assert clean("a\x00b\x07c\x7f") == "a␀b␇c␡"


def test_c1_controls_and_bidi_overrides_are_replaced():
    assert clean("x\x9b31m\u202eevil\u2066") == "x\ufffd31m\ufffdevil\ufffd"


def test_a_body_keeps_its_lines_and_tabs_with_windows_and_mac_line_ends_normalised():
    assert clean("one\r\ntwo\rthree\n\tfour  \n\n") == "one\ntwo\nthree\n\tfour"


def test_a_one_line_field_folds_lines_tabs_and_runs_of_spaces():
    assert clean_line("  Cash desk 3\n\tprinter   jammed \r\n") == "Cash desk 3 printer jammed"


def test_nothing_in_gives_an_empty_string():
    assert clean(None) == "" == clean("") == clean_line(None)


def test_display_helpers_neutralise_old_data_again():
    assert visible("a\x1bb\nc") == "a␛b\nc"
    assert visible_line("a\x1bb\nc\td") == "a␛b c d"
    assert visible(None) == ""


@pytest.mark.parametrize(
    "typed",
    ["+7 (916) 555-12-34", "8 916 555 12 34", "79165551234", "916 555-12-34", "+7-916-555-1234"],
)
def test_a_phone_number_is_found_however_it_was_typed(typed):
    assert phone_digits(typed) == "79165551234"


def test_short_and_foreign_numbers_are_kept_as_digits():
    assert phone_digits("ext. 1234") == "1234"
    assert phone_digits("+44 20 7946 0958") == "442079460958"
    assert phone_digits(None) == ""


def _is_dangerous(ch: str) -> bool:
    code = ord(ch)
    return (
        (code < 0x20 and ch not in "\t\n")
        or 0x7F <= code < 0xA0
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
    )


@given(st.text())
def test_cleaned_text_holds_no_control_character_and_cleaning_twice_changes_nothing(text):
    out = clean(text)
    assert not any(_is_dangerous(ch) for ch in out)
    assert clean(out) == out
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line and "  " not in line
    assert not any(_is_dangerous(ch) for ch in line)
    assert clean_line(line) == line


@given(st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_ordinary_text_passes_unchanged_apart_from_trailing_space(text):
    assert clean(text) == text.rstrip()
    assert all(unicodedata.category(ch) != "Cc" for ch in clean(text))


@given(st.text(max_size=8))
def test_a_number_is_what_int_reads_as_written(text):
    """`is_number` holds only for ASCII digits: `int()` then reads it, and it is exactly
    the digits written (`str.isdigit` holds for `²`, which `int()` refuses)."""
    if is_number(text):
        assert str(int(text)).zfill(len(text)) == text
    else:
        assert not (text and all("0" <= ch <= "9" for ch in text))


def test_superscripts_and_circled_digits_are_no_numbers():
    assert not any(is_number(t) for t in ("¹", "²", "①", "٣", "", "1 2", "-1"))
    assert is_number("1042")
