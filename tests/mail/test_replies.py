"""Replies by mail: threaded by the key in the subject (or by our Message-IDs), quoted
history trimmed, and a resolved ticket's one-word answers understood."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from helpdesk_tui.services import mail_in, ticket_actions
from helpdesk_tui.store import models as m
from tests.mail._rows import links, mail_rows, tickets
from tests.mail.conftest import message, take
from tests.services._helpers import FRI_10, events_of, new_ticket, outbox, ticket_row

RESOLUTION = "Replaced the paper sensor; test print is fine."


@pytest.fixture
def open_ticket(store, actor_of) -> str:
    """HD-1001: Kravchenko's receipt printer, assigned in l2-hardware."""
    return new_ticket(store, actor_of("ivanova")).key


@pytest.fixture
def resolved(store, actor_of, open_ticket) -> str:
    ticket_actions.resolve(
        store, actor_of("ivanova"), open_ticket, RESOLUTION, now=FRI_10 + timedelta(hours=1)
    )
    return open_ticket


def test_a_reply_with_the_key_is_recorded_on_the_ticket_without_the_quote(
    store, mail_config, open_ticket
):
    result = take(store, "reply_quoted", mail_config)
    assert (result.outcome, result.key) == ("reply", "HD-1001")
    assert len(tickets(store)) == 1
    reply = events_of(store, open_ticket)[-1]
    assert (reply.kind, reply.actor_kind, reply.public) == ("customer_reply", "customer", True)
    assert reply.body == (
        "The printer is a ATOL 30F, serial 00123456. We already replaced the paper roll."
    )
    assert mail_rows(store)[0].event_id == reply.id


def test_a_reply_threaded_only_by_references_resumes_a_waiting_ticket(
    store, mail_config, actor_of, open_ticket
):
    ticket_actions.set_status(
        store, actor_of("ivanova"), open_ticket, "waiting_customer", now=FRI_10
    )
    result = take(store, "reply_outlook_ru", mail_config)  # no key in the subject
    assert (result.outcome, result.key) == ("reply", "HD-1001")
    t = ticket_row(store, open_ticket)
    assert t.status == "in_progress" and t.paused_at is None
    assert events_of(store, open_ticket)[-1].body == (
        "Принтер опять не печатает после перезагрузки кассы."
    )


def test_a_reply_to_our_message_id_finds_the_ticket(store, mail_config, open_ticket):
    with store.write() as s:
        ack = s.exec(select(m.Outbox).where(m.Outbox.kind == "ack")).one()
        ack.message_id = "<0123456789abcdef0123456789abcdef@helpdesk>"
        s.add(ack)
    raw = message("reply_quoted").replace(
        b"Subject: RE: [HD-1001] Request registered:", b"Subject: RE: Request registered:"
    )
    assert mail_in.take_in(store, raw, mail_config).key == "HD-1001"
    assert len(tickets(store)) == 1


@pytest.mark.parametrize(
    ("name", "rating"),
    [("answer_yes", None), ("answer_da", None), ("answer_4", 4)],
)
def test_yes_da_or_a_rating_confirms_a_resolved_ticket(store, mail_config, resolved, name, rating):
    result = take(store, name, mail_config)
    assert result.outcome == "confirmed"
    t = ticket_row(store, resolved)
    assert (t.status, t.satisfaction, t.reopen_count) == ("closed", rating, 0)
    assert events_of(store, resolved)[-1].kind == "confirmed"
    assert [o.kind for o in outbox(store, resolved)][-1] == "closed"  # the customer is told


def test_no_reopens_a_resolved_ticket_with_the_customers_words(store, mail_config, resolved):
    result = take(store, "answer_net", mail_config)
    assert result.outcome == "reopened"
    t = ticket_row(store, resolved)
    assert (t.status, t.reopen_count) == ("reopened", 1)
    reopened = events_of(store, resolved)[-1]
    assert (reopened.kind, reopened.public) == ("reopened", True)
    assert reopened.body.startswith("Нет, не печатает.")
    assert "Please confirm" not in reopened.body  # the quote is trimmed


def test_any_other_reply_to_a_resolved_ticket_reopens_it(store, mail_config, resolved):
    assert take(store, "reply_quoted", mail_config).outcome == "reopened"
    assert ticket_row(store, resolved).reopen_count == 1


def test_an_auto_reply_to_the_resolution_notice_changes_nothing(store, mail_config, resolved):
    version = ticket_row(store, resolved).version
    assert take(store, "autoreply", mail_config).outcome == "ignored"
    t = ticket_row(store, resolved)
    assert (t.status, t.version) == ("resolved", version)


def test_a_one_word_answer_on_an_open_ticket_is_just_a_reply(store, mail_config, open_ticket):
    assert take(store, "answer_da", mail_config).outcome == "reply"
    assert ticket_row(store, open_ticket).status == "assigned"


def test_a_reply_to_a_closed_ticket_opens_a_linked_follow_up(
    store, mail_config, actor_of, resolved
):
    ticket_actions.confirm(store, actor_of("ivanova"), resolved, now=FRI_10 + timedelta(hours=2))
    result = take(store, "reply_quoted", mail_config)
    assert (result.outcome, result.key) == ("follow-up", "HD-1002")
    assert ticket_row(store, resolved).status == "closed"
    follow = ticket_row(store, "HD-1002")
    assert follow.tags == ["follow-up"] and follow.channel == "email"
    assert links(store) == [("HD-1002", "HD-1001", "related")]


def test_a_colleague_at_the_same_customer_may_reply_and_is_named(store, mail_config, open_ticket):
    raw = message("reply_quoted").replace(
        b"From: Svetlana Kravchenko <s.kravchenko@produkty24.example>",
        b"From: Natalia Belova <n.belova@produkty24.example>",
    )
    assert mail_in.take_in(store, raw, mail_config).outcome == "reply"
    body = events_of(store, open_ticket)[-1].body
    assert body.startswith("From: Natalia Belova <n.belova@produkty24.example>\n\n")


def test_a_stranger_quoting_a_key_gets_a_ticket_of_their_own(store, mail_config, resolved):
    raw = message("answer_yes").replace(
        b"<s.kravchenko@produkty24.example>", b"<laura.bennett@northwind.example>"
    )
    result = mail_in.take_in(store, raw, mail_config)
    assert (result.outcome, result.key) == ("created", "HD-1002")
    assert ticket_row(store, resolved).status == "resolved"  # nobody else confirms it


def test_a_reply_with_only_an_attachment_lists_it(store, mail_config, open_ticket):
    raw = message("attachments").replace(
        b"Subject: Fiscal drive error, photos attached",
        b"Subject: Re: [HD-1001] photos",
    )
    raw = raw.replace(
        b"The cash register shows fiscal drive error 235. Photo of the screen and the\n"
        b"invoice for the drive are attached.\n",
        b"",
    )
    result = mail_in.take_in(store, raw, mail_config)
    assert (result.outcome, result.attachments) == ("reply", 3)
    body = events_of(store, open_ticket)[-1].body
    assert "(no text; attached: Счёт № 15.pdf, ../../../etc/passwd, журнал.log)" in body
