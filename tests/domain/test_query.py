"""The query language: what it understands, how it says what it does not, and that no
input makes it fall over."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.domain.query import (
    And,
    Not,
    Or,
    QueryError,
    Term,
    Words,
    completions,
    duration_seconds,
    parse,
)


def test_the_example_from_the_issue():
    node = parse(
        'status:open priority<=P2 line:L2 service:"Receipt printer" sla:at-risk age>4h assignee:me'
    )
    assert isinstance(node, And)
    assert [(t.field, t.op, t.values) for t in node.items] == [
        ("status", ":", ("open",)),
        ("priority", "<=", ("P2",)),
        ("line", ":", ("L2",)),
        ("service", ":", ("Receipt printer",)),
        ("sla", ":", ("at-risk",)),
        ("age", ">", ("4h",)),
        ("assignee", ":", ("me",)),
    ]


def test_or_not_and_parentheses():
    node = parse("(group:l2-hardware or group:l2-network) and not status:waiting_customer")
    assert isinstance(node, And)
    assert isinstance(node.items[0], Or) and len(node.items[0].items) == 2
    assert isinstance(node.items[1], Not) and node.items[1].item.field == "status"


def test_a_leading_minus_negates_and_bare_words_search():
    node = parse('printer -status:closed "cash desk 3" -jam')
    assert node.items[0] == Words("printer", 0)
    assert isinstance(node.items[1], Not) and node.items[1].item.values == ("closed",)
    assert node.items[2] == Words("cash desk 3", 23)
    assert node.items[3] == Not(Words("jam", 38))  # the word, after its minus


def test_lists_aliases_and_case():
    node = parse("STATUS:new,assigned p:P1")
    assert node.items[0] == Term("status", ":", ("new", "assigned"), 0)
    assert node.items[1].field == "priority"


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("status:opn", "'opn' is not one of", 7),
        ("foo:bar", "unknown field 'foo'", 0),
        ("(status:open", "'(' is not closed", 0),
        ("status:open)", "unexpected ')'", 11),
        ('service:"Receipt printer', "quote is not closed", 8),
        ("priority<=P7", "not a priority", 10),
        ("age:4h", "takes < or >", 4),
        ("line<L2", "cannot be compared", 5),
        ("created>=yesterdayish", "not a date", 9),
        ("or status:new", "needs something before it", 0),
        ("status:new and", "needs something after it", 14),
        ("()", "empty parentheses", 0),
        ("status:", "needs a value", 7),
    ],
)
def test_errors_name_the_problem_and_point_at_it(query, message, position):
    with pytest.raises(QueryError) as err:
        parse(query)
    assert message in str(err.value)
    assert err.value.position == position
    assert err.value.pointer().splitlines()[1] == " " * position + "^"


def test_durations():
    assert duration_seconds("30m") == 1800
    assert duration_seconds("1d4h") == 28 * 3600
    assert duration_seconds("-2h") == -7200
    with pytest.raises(ValueError):
        duration_seconds("4x")


def test_completion_of_fields_and_values():
    assert completions("status:open pri", {}) == ["status:open priority:"]
    assert completions("status:ne", {}) == ["status:new"]
    assert completions("group:l2-s", {"group": ("l2-software", "l2-hardware")}) == [
        "group:l2-software"
    ]
    assert completions("status:new,as", {}) == ["status:new,assigned"]
    assert completions("-sla:b", {}) == ["-sla:breached"]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_fails_cleanly(text):
    try:
        parse(text)
    except QueryError as err:
        assert 0 <= err.position <= len(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "status:open",
                "priority<=P2",
                "sla:breached",
                "age>4h",
                "group:l2-hardware",
                "printer",
                '"cash desk"',
                "or",
                "and",
                "not",
                "(",
                ")",
                "-status:closed",
                "created>=2026-11-01",
            ]
        ),
        max_size=12,
    )
)
def test_any_arrangement_of_good_pieces_parses_or_fails_cleanly(pieces):
    text = " ".join(pieces)
    try:
        parse(text)
    except QueryError as err:
        assert 0 <= err.position <= len(text)
