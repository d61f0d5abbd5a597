"""Template placeholders: plain substitution of known names, unknown ones left visible."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.placeholders import (
    PLACEHOLDERS,
    fill,
    names_in,
    problems,
    unknown_placeholders,
)
from helpdesk_tui.services.setup import reference_dir

VALUES = {"contact.name": "Светлана", "ticket.key": "HD-1042", "sla.resolution_due": "17.03 12:00"}


def test_known_placeholders_are_filled_with_the_ticket_values():
    text = "Hello {{contact.name}}, {{ticket.key}} is due {{ sla.resolution_due }}."
    assert fill(text, VALUES) == "Hello Светлана, HD-1042 is due 17.03 12:00."


def test_a_known_placeholder_without_a_value_becomes_empty():
    assert fill("Asset: {{asset.name}}.", VALUES) == "Asset: ."


def test_an_unknown_placeholder_is_left_visible_so_nobody_sends_a_blank():
    assert fill("Dear {{contact.nmae}},", VALUES) == "Dear {{contact.nmae}},"


def test_values_are_not_filled_again_so_a_subject_cannot_pull_in_other_fields():
    values = {"ticket.subject": "{{contact.phone}} {{agent.name}}", "contact.phone": "+7 916"}
    assert fill("Re: {{ticket.subject}}", values) == "Re: {{contact.phone}} {{agent.name}}"


def test_nothing_is_evaluated():
    assert fill("{{ticket.key.__class__}} {{1+1}} {ticket.key}", VALUES) == (
        "{{ticket.key.__class__}} {{1+1}} {ticket.key}"
    )


def test_unknown_names_are_listed_once_in_order_of_appearance():
    text = "{{foo}} {{ticket.key}} {{bar.baz}} {{foo}}"
    assert unknown_placeholders(text) == ["foo", "bar.baz"]
    assert names_in(text) == ["foo", "ticket.key", "bar.baz", "foo"]


def _shipped_templates() -> list[dict]:
    data = tomllib.loads((reference_dir() / "templates.toml").read_text(encoding="utf-8"))
    return data["template"]


@pytest.mark.parametrize("template", _shipped_templates(), ids=lambda t: t["code"])
def test_every_shipped_template_uses_only_known_placeholders(template):
    text = template.get("subject", "") + "\n" + template.get("body", "")
    assert unknown_placeholders(text) == []


@given(st.dictionaries(st.sampled_from(sorted(PLACEHOLDERS)), st.text(max_size=20)))
def test_filling_leaves_no_known_placeholder_behind(values):
    text = " ".join("{{" + name + "}}" for name in PLACEHOLDERS)
    out = fill(text, values)
    assert out == " ".join(values.get(name, "") for name in PLACEHOLDERS)


def test_problems_name_unknown_placeholders_with_the_nearest_known_one_and_its_line():
    text = "Hello {{contact.nmae}},\n\n{{ ticket.key }} {{Ticket.Key}} {{agent.name}}"
    assert problems(text) == [
        "line 1: unknown placeholder {{contact.nmae}} (did you mean {{contact.name}}?)",
        "line 3: unknown placeholder {{Ticket.Key}} (did you mean {{ticket.key}}?)",
    ]


def test_problems_find_braces_left_open_and_nothing_in_good_text():
    assert problems("Hi {{contact.name}},\nyour {{ticket.key") == [
        "line 2: '{{' is not closed with '}}'"
    ]
    assert problems("Hi {{contact.name}}, {single} braces are text") == []
