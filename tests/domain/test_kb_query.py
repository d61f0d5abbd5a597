"""Reading what an agent types into the knowledge-base search, and article text: stems of
Russian words, clauses, excerpts, the summary put into a reply, slugs, drafts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.kb_query import Clause, groups, parse_query, stem, subject_words
from helpdesk_tui.domain.kb_text import draft_body, excerpt, reply_text, slugify


def test_russian_word_forms_share_a_stem():
    assert {stem(w) for w in ("лента", "ленты", "ленту", "лентой")} == {"лент"}
    assert {stem(w) for w in ("принтер", "принтеры", "принтеров")} == {"принтер"}
    assert stem("Чековая") == stem("чековой") == "чеков"
    assert stem("Printers") == "printers"  # English is the store tokenizer's to stem


def test_a_stem_is_never_cut_below_three_letters():
    assert stem("она") == "она" and stem("уже") == "уже"


def test_words_phrases_exclusions_and_or():
    assert parse_query('чек "paper jam" -cutter knife') == [
        Clause("чек"),
        Clause("paper jam", phrase=True),
        Clause("cutter", negated=True),
        Clause("knife"),
    ]
    clauses = parse_query("printer or scanner jam")
    assert groups(clauses) == (
        [[Clause("printer"), Clause("scanner", alternative=True)], [Clause("jam")]],
        [],
    )


def test_stop_words_and_punctuation_are_not_searched_for():
    assert parse_query("the , не * ::") == []
    assert parse_query('"task.move"') == [Clause("task.move")]  # one quoted word: a word


@given(st.text(max_size=200))
def test_any_text_is_read_as_at_most_sixteen_plain_clauses(text):
    clauses = parse_query(text)
    assert len(clauses) <= 16
    assert all(c.text.strip() and len(c.text) <= 64 for c in clauses)


def test_a_subjects_words_worth_searching():
    assert subject_words("HD-1042: the printer on cash desk 3 does not print") == [
        "hd-1042",
        "printer",
        "cash",
        "desk",
        "print",
    ]


def test_the_excerpt_is_the_line_with_the_word_without_markup():
    body = "# Title\n\nIntro line.\n\n1. Open the **cover** and [check](http://x) the roll."
    assert excerpt(body, ["roll"], title="Title") == "Open the cover and check the roll."
    assert excerpt(body, [], title="Title") == "Intro line."


def test_the_reply_summary_is_the_opening_as_plain_text_with_a_reference():
    body = "# Jam\n\nOpen the **cover**.\n\n- Remove scraps\n- Close it\n\n## Details\n\nLong…"
    assert reply_text("Jam", body, "en", "jam") == (
        "Jam\n\nOpen the cover.\n• Remove scraps\n• Close it\n\n(Knowledge base article: Jam — jam)"
    )


def test_slugs_are_transliterated_and_plain():
    assert slugify("Чековый принтер: замена ленты") == "chekovyy-printer-zamena-lenty"
    assert slugify("!!!") == "article"


def test_a_draft_has_the_symptoms_what_was_checked_and_the_resolution():
    body = draft_body(
        key="HD-7",
        subject="Не печатает",
        description="Касса 2",
        checklist=["Бумага заправлена"],
        resolution="Заменили ленту",
        language="ru",
    )
    assert body == (
        "# Не печатает\n\n## Признаки\n\nКасса 2\n\n## Что проверили при обращении\n\n"
        "- Бумага заправлена\n\n## Решение\n\nЗаменили ленту\n\n*Составлено по обращению HD-7.*"
    )
