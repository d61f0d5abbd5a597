"""The query language in the queue: the same condition on the tab's own indexes, counts and
pages agreeing, statuses decided by the query, words still the quick search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select, text

from helpdesk_tui.domain.query import QueryError
from helpdesk_tui.domain.text import contact_search_text
from helpdesk_tui.services import queue, ticket_actions
from helpdesk_tui.services.registration import NewContact
from helpdesk_tui.store import models as m
from tests.services._helpers import FRI_10, new_ticket

NOW = FRI_10 + timedelta(hours=2)


@pytest.fixture
def desk(store, actor_of):
    ivanova = actor_of("ivanova")
    keys = {
        "urgent": new_ticket(
            store, ivanova, subject="POS frozen", service="pos", impact=1, urgency=1
        ).key,
        "printer": new_ticket(
            store, ivanova, subject="Принтер не печатает", service="receipt-printer"
        ).key,
        "done": new_ticket(
            store, ivanova, subject="Printer paper", service="receipt-printer", impact=1, urgency=1
        ).key,
    }
    ticket_actions.resolve(store, actor_of("lebedev"), keys["done"], "Paper loaded", now=FRI_10)
    return keys


def _everything(store, actor):
    tab = next(t for t in queue.tabs_for(store, actor) if t.id == "all")
    return queue.QueueQuery(tab)


def _shown(store, q) -> set[str]:
    rows = queue.page(store, q, limit=100)
    assert queue.count(store, q) == len(rows)  # the count and the page agree
    total, first = queue.opening(store, q)  # … and so does the queue's first read
    assert (total, [r.key for r in first]) == (len(rows), [r.key for r in rows])
    return {r.key for r in rows}


@pytest.mark.parametrize("sort", ["sla", "key", "priority", "customer"])
def test_a_query_filters_the_queue_on_every_sort(store, actor_of, desk, sort):
    me = actor_of("morozov")
    q = queue.with_search(store, me, _everything(store, me), "priority<=P2", now=NOW)
    q = queue.QueueQuery(q.tab, q.filters, sort)
    assert _shown(store, q) == {desk["urgent"]}  # open only: the resolved P1 is not there
    assert q.filters.where == "priority<=P2" and not q.filters.search


def test_a_query_naming_a_status_decides_the_statuses(store, actor_of, desk):
    me = actor_of("morozov")
    base = _everything(store, me)
    q = queue.with_search(store, me, base, "status:resolved", now=NOW)
    assert q.filters.all_statuses and _shown(store, q) == {desk["done"]}
    q = queue.with_search(store, me, q, "service:receipt-printer", now=NOW)
    assert not q.filters.all_statuses  # the next query without a status: open again
    assert _shown(store, q) == {desk["printer"]}


def test_words_are_the_quick_search(store, actor_of, desk):
    me = actor_of("morozov")
    q = queue.with_search(store, me, _everything(store, me), "принтер", now=NOW)
    assert q.filters.search == "принтер" and q.filters.condition is None
    assert _shown(store, q) == {desk["printer"]}
    # an apostrophe is not a query: searched as words, no error
    q = queue.with_search(store, me, q, "can't print", now=NOW)
    assert q.filters.search == "can't print"


def test_words_find_callers_by_name_in_any_case_and_after_a_rename(store, actor_of):
    """A word matches a caller's name (the name's own trigram index on SQLite, migration
    0012), in any letter case, and follows a rename; the caller's e-mail and site are not
    their name; two-letter words are matched too (below a trigram)."""
    ivanova, me = actor_of("ivanova"), actor_of("morozov")
    caller = NewContact(name="Ольга Кузнецова", email="olga.k@produkty24.example")
    key = new_ticket(
        store,
        ivanova,
        subject="Касса зависла",
        customer="produkty24",
        contact=None,
        new_contact=caller,
    ).key

    def found(words: str) -> set[str]:
        return _shown(store, queue.with_search(store, me, _everything(store, me), words))

    assert key in found("кузнецова") and key in found("КУЗНЕЦ") and key in found("Ольга Кузн")
    assert key in found("ль")  # two letters: the names are tested one by one
    assert key not in found("olga.k")  # the e-mail is not the name
    with store.write() as s:
        contact = s.get(m.Contact, s.get(m.Ticket, _id(store, key)).contact_id)
        contact.name = "Ольга Смирнова"  # as the customer import renames a caller
        contact.search_text = contact_search_text(contact.name, contact.email, "", "", "", "")
    assert key in found("смирнова") and key not in found("кузнецова")


def test_the_open_subjects_index_follows_a_ticket_closing_and_reopening(store, actor_of):
    """On SQLite a search of open tickets looks a Cyrillic word up in the open subjects'
    index (migration 0013): a resolved ticket leaves it, a reopened one comes back; a
    search that includes closed tickets still finds it meanwhile."""
    ivanova, me = actor_of("ivanova"), actor_of("morozov")
    key = new_ticket(store, ivanova, subject="Сканер штрихкодов молчит").key
    base = _everything(store, me)

    def found(q) -> set[str]:
        return _shown(store, queue.with_search(store, me, q, "ШТРИХКОД"))

    assert found(base) == {key}
    ticket_actions.resolve(store, actor_of("lebedev"), key, "Cable replaced", now=NOW)
    assert found(base) == set()
    assert found(base.with_filters(all_statuses=True)) == {key}
    ticket_actions.reopen(store, me, key, "Silent again", now=NOW + timedelta(minutes=5))
    assert found(base) == {key}


def test_a_changed_subject_is_searched_by_its_new_words(store, actor_of):
    """Whatever changes a subject (an import, a hand edit in the database), the open
    subjects' index follows it (SQLite's FTS table of 0013, PostgreSQL's copy of 0014)."""
    ivanova, me = actor_of("ivanova"), actor_of("morozov")
    key = new_ticket(store, ivanova, subject="Сканер штрихкодов молчит").key
    other = new_ticket(store, ivanova, subject="Printer jams on tray two").key
    with store.write() as s:
        s.get(m.Ticket, _id(store, key)).subject = "Терминал оплаты завис"

    def found(word: str) -> set[str]:
        return _shown(store, queue.with_search(store, me, _everything(store, me), word))

    assert found("штрихкод") == set() and found("ТЕРМИНАЛ") == found("завис") == {key}
    assert found("jams") == found("TRAY") == {other}  # an ASCII word (PostgreSQL: the copy)


@pytest.mark.parametrize("store", ["postgres"], indirect=True)  # SQLite: its FTS tables
def test_the_search_copies_hold_the_open_subjects_and_every_name(store, actor_of):
    """PostgreSQL's narrow copies (migration 0014) after tickets open, close and reopen, a
    subject is changed and a caller renamed: exactly the open tickets' subjects and every
    contact's name, nothing stale."""
    ivanova, me, lebedev = actor_of("ivanova"), actor_of("morozov"), actor_of("lebedev")
    keys = [new_ticket(store, ivanova, subject=f"Касса {n} не печатает чек").key for n in range(4)]
    ticket_actions.resolve(store, lebedev, keys[0], "Paper roll replaced", now=NOW)
    ticket_actions.resolve(store, lebedev, keys[1], "Driver reinstalled", now=NOW)
    ticket_actions.reopen(store, me, keys[1], "Again", now=NOW + timedelta(minutes=5))
    with store.write() as s:
        s.get(m.Ticket, _id(store, keys[2])).subject = "Касса зависла"
        contact = s.exec(select(m.Contact)).first()
        contact.name = "Ольга Смирнова"
    with store.read() as s:
        copies = set(s.exec(text("SELECT id, subject FROM ticket_subject_search")).all())
        open_ = set(s.exec(text("SELECT id, subject FROM ticket WHERE is_open")).all())
        names = set(s.exec(text("SELECT id, name FROM contact_name_search")).all())
        contacts = set(s.exec(text("SELECT id, name FROM contact")).all())
    assert copies == open_ and _id(store, keys[0]) not in {i for i, _ in copies}
    assert names == contacts and (contact.id, "Ольга Смирнова") in names
    with store.read() as s:  # written at once: no pending list for every search to read
        options = s.exec(
            text(
                "SELECT reloptions FROM pg_class WHERE oid IN "  # this schema's (search_path)
                "('ticket_subject_search_trgm'::regclass, 'contact_name_search_trgm'::regclass)"
            )
        ).all()
    assert [o for (o,) in options] == [["fastupdate=off"]] * 2


def test_a_word_is_matched_literally(store, actor_of):
    """Characters that mean something to LIKE, GLOB or a regular expression are letters
    of the word."""
    ivanova, me = actor_of("ivanova"), actor_of("morozov")
    key = new_ticket(store, ivanova, subject="Wi-Fi 5.0 GHz drops 100%_ of [calls]*+|^$").key
    new_ticket(store, ivanova, subject="Wi-Fi 5x0 GHz drops 1000 of calls")

    def found(words: str) -> set[str]:
        return _shown(store, queue.with_search(store, me, _everything(store, me), words))

    for word in ("5.0", "100%_", "[calls]*", "*+|^$", "wi-fi 5.0"):
        assert found(word) == {key}, word


def test_quick_search_is_words_only(store, actor_of):
    """The screen searches words at once (`quick_search`); a query goes to `with_search`,
    a broken one is an error there too."""
    me = actor_of("morozov")
    base = _everything(store, me)
    assert queue.quick_search(base, "  принтер  ").filters.search == "принтер"
    assert queue.quick_search(base, "priority<=P2") is None
    with pytest.raises(QueryError):
        queue.quick_search(base, "priority<<2")


def _id(store, key: str) -> int:
    from sqlmodel import select

    with store.read() as s:
        return s.exec(select(m.Ticket.id).where(m.Ticket.key == key)).one()


@pytest.mark.parametrize("sort", ["sla", "subject", "assignee"])
def test_a_search_counts_every_match_with_its_first_page(store, actor_of, desk, sort):
    """The search's count comes with its first page (one pass over the matches): all of
    them, not only the page's."""
    ivanova, me = actor_of("ivanova"), actor_of("morozov")
    keys = {new_ticket(store, ivanova, subject=f"Сканер {n} не читает").key for n in range(3)}
    q = queue.with_search(store, me, _everything(store, me), "сканер", now=NOW)
    q = queue.QueueQuery(q.tab, q.filters, sort)
    total, first = queue.opening(store, q, limit=2)
    assert total == 3 == queue.count(store, q)
    assert len(first) == 2 and {r.key for r in first} < keys
    assert [r.key for r in first] == [r.key for r in queue.page(store, q, limit=2)]
    nothing = queue.with_search(store, me, q, "нетакого", now=NOW)
    assert queue.opening(store, nothing) == (0, [])


@pytest.mark.parametrize("sort", sorted(queue.SORTS))
def test_a_queue_opens_with_its_count_and_first_page_on_every_sort(store, actor_of, sort):
    """`opening` (the count with the first page; on PostgreSQL one query over the open rows
    for any sort but SLA) agrees with a separate count and page, filtered or not."""
    ivanova, me = actor_of("ivanova"), actor_of("morozov")
    for n in range(4):
        new_ticket(store, ivanova, subject=f"Весы {n} не взвешивают", impact=1 + n % 3)
    base = queue.QueueQuery(_everything(store, me).tab, sort=sort)
    some = queue.opening(store, base, limit=1)[1][0]
    filtered = (
        base.with_filters(priorities=(some.priority,)),
        base.with_filters(statuses=(some.status,)),
    )
    for q in (base, *filtered):
        total, first = queue.opening(store, q, limit=3)
        assert total == queue.count(store, q) > 0
        assert [r.key for r in first] == [r.key for r in queue.page(store, q, limit=3)]


def test_a_bad_query_points_at_its_token_and_changes_nothing(store, actor_of, desk):
    me = actor_of("morozov")
    base = _everything(store, me)
    with pytest.raises(QueryError) as err:
        queue.with_search(store, me, base, "priority<=P2 group:nope", now=NOW)
    assert err.value.position == len("priority<=P2 ")
    with pytest.raises(QueryError):
        queue.with_search(store, me, base, "priority<<2", now=NOW)


def test_tab_counts_follow_the_query(store, actor_of, desk):
    me = actor_of("morozov")
    tabs = queue.tabs_for(store, me)
    q = queue.with_search(store, me, _everything(store, me), "priority:P1", now=NOW)
    counts = queue.counts(store, tabs, q.filters)
    assert counts["all"] == 1
    assert counts["mine"] == 0


def test_every_sort_has_the_column_its_rows_page_by():
    """A row's `sort_key` (what the next page is asked after) is its sort's column: every
    sort the store offers has one (the key sorts by its number)."""
    assert set(queue.SORT_COLUMNS) | {"key"} == set(queue.SORTS)
