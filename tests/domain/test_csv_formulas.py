"""CSV cells no spreadsheet runs as a formula, and the import reading them back as they were."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.csv_formulas import TRIGGERS, defuse, defuse_row, is_number, undefuse
from helpdesk_tui.domain.csv_rows import clean_cell


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1",
        "\r=1",
        "-",
        "+7 495 123-45-67",
        "-inf",
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert defuse(text) == "'" + text
    assert undefuse(defuse(text)) == text


@pytest.mark.parametrize(
    "value",
    ["-5", "-0.25", "+7", "-.5", "-1e5", "Receipt printer", "a=b", "", "'quoted", -5, -0.25],
)
def test_numbers_and_harmless_text_stay_as_they_are(value):
    assert defuse(value) == value
    if isinstance(value, str):
        assert undefuse(value) == value


def test_values_that_are_not_text_are_left_to_the_csv_writer():
    assert defuse_row([None, -3, Decimal("-1.5"), True, "=1"]) == [
        None,
        -3,
        Decimal("-1.5"),
        True,
        "'=1",
    ]


def test_an_apostrophe_already_before_a_trigger_gets_one_more_so_it_comes_back():
    assert defuse("'=x") == "''=x" and undefuse("''=x") == "'=x"
    assert defuse("'-5") == "'-5" and undefuse("'-5") == "'-5"  # a number after it: nothing


def test_a_hand_written_import_cell_loses_the_apostrophe_before_a_trigger():
    assert clean_cell("'=1+2", "name") == "=1+2"
    assert clean_cell("'+7 495 000", "phone") == "+7 495 000"
    assert clean_cell("O'Brien", "name") == "O'Brien"


cells = st.one_of(
    st.text(),
    st.builds(
        lambda quotes, trigger, rest: "'" * quotes + trigger + rest,
        st.integers(0, 3),
        st.sampled_from(TRIGGERS),
        st.text(),
    ),
    st.from_regex(r"'{0,2}[+-]?[0-9]{1,4}(\.[0-9]{0,3})?", fullmatch=True),
)


@given(cells)
def test_undefuse_gives_back_what_defuse_was_given(text):
    assert undefuse(defuse(text)) == text


@given(cells)
def test_no_defused_text_cell_starts_with_a_trigger(text):
    out = defuse(text)
    assert not out.startswith(TRIGGERS) or is_number(out)
    if is_number(text):
        assert out == text
