"""The knowledge base on both stores: ranked full-text search with Russian and English word
forms, visibility per group, usage counted once per ticket, links both ways, articles
drafted from resolved tickets, and queries that never reach the store as syntax."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.services import drafts, knowledge, ticket_actions
from helpdesk_tui.services.knowledge import ArticleInput
from helpdesk_tui.services.setup import load_data, reference_dir
from helpdesk_tui.store import models as m
from tests.services._helpers import new_ticket


@pytest.fixture
def agents(actor_of):
    return actor_of


def write(store, actor, title, body, **fields) -> str:
    return knowledge.save(store, actor, ArticleInput(title, body, **fields)).slug


def slugs(result) -> list[str]:
    return [h.slug for h in result.hits]


# -- search ------------------------------------------------------------------------------


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body(store, agents):
    admin = agents("admin")
    in_body = write(store, admin, "Cash drawer stuck", "Sometimes the quuxometer is to blame.")
    in_title = write(store, admin, "Quuxometer calibration", "Turn the dial until it clicks.")
    result = knowledge.search(store, admin, "quuxometer")
    assert slugs(result) == [in_title, in_body]
    assert result.total == 2
    assert result.hits[0].score > result.hits[1].score


def test_english_word_forms_find_each_other(store, agents):
    admin = agents("admin")
    slug = write(
        store, admin, "Scanner troubles", "The scanners jammed twice while printing labels."
    )
    for query in ("scanner", "jams", "jamming", "printed", "label"):
        assert slug in slugs(knowledge.search(store, admin, query)), query


def test_russian_word_forms_find_each_other(store, agents):
    admin = agents("admin")
    slug = write(
        store,
        admin,
        "Турникет не пропускает сотрудников",
        "Проверьте считыватель пропусков и питание турникетов.",
        language="ru",
    )
    for query in ("турникеты", "турникетом", "пропуска", "считывателя", "сотрудник", "питания"):
        assert slug in slugs(knowledge.search(store, admin, query)), query


def test_words_are_found_while_still_being_typed(store, agents):
    admin = agents("admin")
    slug = write(store, admin, "Терминал эквайринга", "Сверка итогов по терминалу.", language="ru")
    for query in ("терм", "эквай", "свер"):
        assert slug in slugs(knowledge.search(store, admin, query)), query


def test_every_word_is_required_unless_or_joins_them(store, agents):
    admin = agents("admin")
    a = write(store, admin, "Zorblax reset", "Hold the frobnitz button.")
    b = write(store, admin, "Zorblax cleaning", "Wipe with a glimmercloth.")
    assert slugs(knowledge.search(store, admin, "zorblax frobnitz")) == [a]
    assert set(slugs(knowledge.search(store, admin, "frobnitz or glimmercloth"))) == {a, b}
    assert slugs(knowledge.search(store, admin, "zorblax -frobnitz")) == [b]
    assert slugs(knowledge.search(store, admin, '"hold the frobnitz"')) == [a]
    assert slugs(knowledge.search(store, admin, '"frobnitz hold"')) == []


def test_the_excerpt_is_the_line_that_holds_the_word(store, agents):
    admin = agents("admin")
    body = "# Title\n\nFirst an unrelated line.\n\n- Then **replace** the glorp fuse.\n"
    write(store, admin, "Glorp box", body)
    [hit] = knowledge.search(store, admin, "glorp").hits
    assert hit.excerpt == "Then replace the glorp fuse."


def test_without_a_query_the_most_used_come_first(store, agents):
    admin = agents("admin")
    result = knowledge.search(store, admin, "")
    assert result.total == 20  # the reference data's articles
    counts = [h.use_count for h in result.hits]
    assert counts == sorted(counts, reverse=True)


def test_search_narrows_to_a_service_and_a_language(store, agents):
    admin = agents("admin")
    result = knowledge.search(store, admin, "", service="receipt-printer", language="ru")
    assert result.hits
    assert all("receipt-printer" in h.services and h.language == "ru" for h in result.hits)


QUERY_TEXT = st.text(
    alphabet=st.sampled_from(list("ab яё-\"*:()&|!'\\^.,;+~<>{}[]@#%NEAROR\tx_0é—")),
    max_size=40,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERY_TEXT)
def test_no_query_is_ever_an_error_of_the_store(store, agents, query):
    result = knowledge.search(store, agents("admin"), query, limit=3)
    assert result.total >= len(result.hits)


@pytest.mark.parametrize(
    "query",
    ['"', '"unclosed phrase', "NEAR(a b)", "a:b", "-", "--x", "x*", "^x", "'", "\\", "!!x", "OR"],
)
def test_query_syntax_of_either_store_is_taken_as_text(store, agents, query):
    knowledge.search(store, agents("admin"), query)  # no error


# -- visibility ---------------------------------------------------------------------------


def test_an_article_of_line_3_is_not_shown_to_line_1(store, agents):
    ivanova, vasiliev, morozov = agents("ivanova"), agents("vasiliev"), agents("morozov")
    slug = write(
        store, vasiliev, "Blorfic firmware flashing", "Internal steps.", groups=("l3-experts",)
    )
    assert slugs(knowledge.search(store, ivanova, "blorfic")) == []
    assert knowledge.search(store, ivanova, "blorfic").total == 0
    with pytest.raises(NotFound):
        knowledge.get(store, ivanova, slug)
    assert slugs(knowledge.search(store, vasiliev, "blorfic")) == [slug]
    assert slugs(knowledge.search(store, morozov, "blorfic")) == [slug]  # supervisors see all
    browsing = slugs(knowledge.search(store, ivanova, "", limit=500))
    assert slug not in browsing and "vendor-atol-rma" not in browsing


def test_an_article_for_no_group_in_particular_is_shown_to_everybody(store, agents):
    slug = write(store, agents("vasiliev"), "Snarfle guide", "For all.")
    assert slugs(knowledge.search(store, agents("ivanova"), "snarfle")) == [slug]


def test_nobody_writes_an_article_they_would_not_see(store, agents):
    with pytest.raises(Invalid, match="you would not see this article"):
        write(store, agents("ivanova"), "Secret", "Text", groups=("l3-experts",))
    with pytest.raises(Invalid, match="unknown group"):
        write(store, agents("admin"), "Secret", "Text", groups=("l9",))


# -- using articles on tickets --------------------------------------------------------------


@pytest.fixture
def printer_call(store, agents) -> str:
    return new_ticket(store, agents("ivanova"), subject="Receipt printer paper jam").key


def test_usage_counts_once_per_ticket_and_links_both_ways(store, agents, printer_call):
    lebedev = agents("lebedev")
    slug = "receipt-printer-paper-jam"
    before = knowledge.get(store, lebedev, slug).use_count
    knowledge.open_for_ticket(store, lebedev, slug, printer_call)
    knowledge.open_for_ticket(store, lebedev, slug, printer_call)
    knowledge.use_in_reply(store, lebedev, slug, printer_call)
    view = knowledge.get(store, lebedev, slug)
    assert view.use_count == before + 1
    assert [(t.key, t.kind) for t in view.tickets] == [(printer_call, "used")]
    other = new_ticket(store, agents("ivanova"), subject="Printer again").key
    knowledge.use_in_reply(store, lebedev, slug, other)
    assert knowledge.get(store, lebedev, slug).use_count == before + 2
    linked = knowledge.for_ticket(store, lebedev, printer_call).linked
    assert [h.slug for h in linked] == [slug]


def test_putting_an_article_into_a_reply_adds_it_to_the_reply_draft(store, agents, printer_call):
    lebedev = agents("lebedev")
    drafts.save(store, lebedev, "reply", printer_call, "Hello,")
    added = knowledge.use_in_reply(store, lebedev, "receipt-printer-paper-jam", printer_call)
    assert added.startswith("Receipt printer: clearing a paper jam")
    assert "(Knowledge base article: " in added and "**" not in added
    draft = drafts.load(store, lebedev, "reply", printer_call)
    assert draft.body == "Hello,\n" + added


def test_an_article_is_not_put_into_a_reply_on_a_closed_ticket(store, agents, printer_call):
    ivanova = agents("ivanova")
    ticket_actions.set_status(store, ivanova, printer_call, "cancelled", note="duplicate")
    with pytest.raises(NotAllowed):
        knowledge.use_in_reply(store, ivanova, "receipt-printer-paper-jam", printer_call)
    assert drafts.load(store, ivanova, "reply", printer_call) is None


def test_the_ticket_pane_suggests_articles_that_match_the_ticket(store, agents, printer_call):
    found = knowledge.for_ticket(store, agents("ivanova"), printer_call)
    assert found.linked == ()
    assert found.suggested[0].slug == "receipt-printer-paper-jam"
    assert len(found.suggested) <= 5
    assert len({h.slug for h in found.suggested}) == len(found.suggested)


def test_suggestions_respect_visibility(store, agents):
    ivanova = agents("ivanova")
    key = new_ticket(store, ivanova, subject="ATOL RMA repair", service="fiscal-drive").key
    assert "vendor-atol-rma" not in [
        h.slug for h in knowledge.for_ticket(store, ivanova, key).suggested
    ]
    assert "vendor-atol-rma" in [
        h.slug for h in knowledge.for_ticket(store, agents("vasiliev"), key).suggested
    ]


# -- drafting from a ticket --------------------------------------------------------------------


def test_a_resolved_ticket_drafts_an_article_for_the_agent_to_edit(store, agents, printer_call):
    lebedev = agents("lebedev")
    with pytest.raises(Invalid, match="drafted from a resolved ticket"):
        knowledge.draft_from_ticket(store, lebedev, printer_call)
    ticket_actions.resolve(store, lebedev, printer_call, "Cleared the cutter; test print OK.")
    draft = knowledge.draft_from_ticket(store, lebedev, printer_call)
    assert draft.source_ticket == printer_call and draft.existing == ()
    article = draft.article
    assert article.title == "Receipt printer paper jam"
    assert article.services == ("receipt-printer",)
    assert "## Resolution\n\nCleared the cutter; test print OK." in article.body
    assert f"Drafted from {printer_call}." in article.body
    view = knowledge.save(store, lebedev, article, source_ticket=printer_call)
    assert view.source_ticket == printer_call
    assert [(t.key, t.kind) for t in view.tickets] == [(printer_call, "source")]
    assert knowledge.draft_from_ticket(store, lebedev, printer_call).existing == (view.slug,)
    assert view.slug in [h.slug for h in knowledge.for_ticket(store, lebedev, printer_call).linked]


def test_a_russian_ticket_drafts_a_russian_article(store, agents):
    ivanova = agents("ivanova")
    key = new_ticket(store, ivanova, subject="Не печатает чек", description="Касса 2").key
    ticket_actions.resolve(store, ivanova, key, "Заменили ленту")
    draft = knowledge.draft_from_ticket(store, ivanova, key).article
    assert draft.language == "ru"
    assert "## Признаки\n\nКасса 2" in draft.body and "## Решение\n\nЗаменили ленту" in draft.body


# -- writing ---------------------------------------------------------------------------------


def test_an_edit_is_found_by_its_new_words_and_not_by_the_old(store, agents):
    admin = agents("admin")
    slug = write(store, admin, "Wibble", "The flurbish step.")
    view = knowledge.get(store, admin, slug)
    changed = ArticleInput("Wibble", "The gronk step.", tags=("wobble",))
    knowledge.save(store, admin, changed, slug=slug, expected_updated_at=view.updated_at)
    assert slugs(knowledge.search(store, admin, "flurbish")) == []
    assert slugs(knowledge.search(store, admin, "gronk")) == [slug]
    assert slugs(knowledge.search(store, admin, "wobble")) == [slug]


def test_an_edit_over_a_newer_version_is_refused(store, agents):
    admin = agents("admin")
    slug = write(store, admin, "Plonk", "One.")
    seen = knowledge.get(store, admin, slug).updated_at
    knowledge.save(store, agents("ivanova"), ArticleInput("Plonk", "Two."), slug=slug)
    with pytest.raises(Conflict, match="changed by somebody else"):
        knowledge.save(
            store, admin, ArticleInput("Plonk", "Three."), slug=slug, expected_updated_at=seen
        )
    assert knowledge.get(store, admin, slug).body == "Two."


def test_bad_articles_are_refused_in_one_line(store, agents):
    admin = agents("admin")
    for data, message in [
        (ArticleInput("", "x"), "the title is empty"),
        (ArticleInput("T", "  "), "the article is empty"),
        (ArticleInput("T", "x", language="de"), "unknown language"),
        (ArticleInput("T", "x", services=("nope",)), "unknown service 'nope'"),
    ]:
        with pytest.raises(Invalid, match=message):
            knowledge.save(store, admin, data)


def test_control_characters_are_made_visible_and_slugs_are_unique(store, agents):
    admin = agents("admin")
    first = knowledge.save(store, admin, ArticleInput("Чековый принтер", "a\x1b[31mred"))
    second = knowledge.save(store, admin, ArticleInput("Чековый принтер", "b"))
    assert first.body == "a␛[31mred"
    assert (first.slug, second.slug) == ("chekovyy-printer", "chekovyy-printer-2")


def test_only_supervisors_and_admins_delete_and_the_index_forgets(store, agents, printer_call):
    admin = agents("admin")
    slug = write(store, admin, "Doomed quibble", "Gone soon.")
    knowledge.open_for_ticket(store, admin, slug, printer_call)
    with pytest.raises(NotAllowed):
        knowledge.delete(store, agents("ivanova"), slug)
    knowledge.delete(store, agents("morozov"), slug)
    assert knowledge.search(store, admin, "quibble").total == 0
    with pytest.raises(NotFound):
        knowledge.get(store, admin, slug)
    assert knowledge.for_ticket(store, admin, printer_call).linked == ()


def test_data_load_keeps_an_article_edited_in_the_app(store, agents):
    admin = agents("admin")
    slug = "receipt-printer-paper-jam"
    knowledge.save(store, admin, ArticleInput("Paper jam (ours)", "Our text."), slug=slug)
    report = load_data(store, reference_dir())
    assert report.kept["article"] == 1
    assert knowledge.get(store, admin, slug).body == "Our text."
    load_data(store, reference_dir(), overwrite_edited=True)
    restored = knowledge.get(store, admin, slug)
    assert restored.title == "Receipt printer: clearing a paper jam"
    with store.read() as s:
        row = s.exec(select(m.Article).where(m.Article.slug == slug)).one()
        assert row.edited_by_id is None


def test_a_save_stamps_a_newer_version_even_with_a_slow_clock(store, agents):
    admin = agents("admin")
    slug = write(store, admin, "Clocky", "One.")
    first = knowledge.get(store, admin, slug).updated_at
    second = knowledge.save(
        store, admin, ArticleInput("Clocky", "Two."), slug=slug, now=first - timedelta(hours=1)
    )
    assert second.updated_at > first


def test_drafts_only_for_tickets_that_exist(store, agents):
    with pytest.raises(NotFound):
        knowledge.draft_from_ticket(store, agents("admin"), "HD-999999")
    with pytest.raises(Invalid):
        knowledge.for_ticket(store, agents("admin"), "nonsense")


def test_a_russian_subject_finds_articles_by_other_forms_of_its_words(store, agents):
    ivanova = agents("ivanova")
    slug = write(store, agents("admin"), "Турникеты", "Если турникет заклинило, вызовите охрану.")
    key = new_ticket(store, ivanova, subject="Заклинило турникетом").key
    assert slug in [h.slug for h in knowledge.for_ticket(store, ivanova, key).suggested]
