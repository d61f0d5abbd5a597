"""Messages in: every kind of real message becomes the ticket a dispatcher expects, on
SQLite and PostgreSQL — text readable, names decoded, attachments kept, loops ignored."""

from __future__ import annotations

import hashlib

import pytest

from helpdesk_tui.services import mail_in
from helpdesk_tui.store import models as m
from tests.mail._rows import attachments, contact, count, mail_rows, service_code, tickets
from tests.mail.conftest import message, take
from tests.services._helpers import events_of, outbox


def test_a_plain_message_from_a_known_contact_opens_an_email_ticket(store, mail_config):
    contacts_before = count(store, m.Contact)
    result = take(store, "plain", mail_config)
    assert (result.outcome, result.key) == ("created", "HD-1001")
    [t] = tickets(store)
    assert t.channel == "email"
    assert t.subject == "Receipt printer on cash desk 2 does not print"
    assert 'the cash register says "printer not ready"' in t.description
    assert service_code(store, t.service_id) == "question"  # [mail] intake_service
    person, customer = contact(store, t.contact_id)
    assert (person.name, customer.code) == ("Светлана Кравченко", "produkty24")
    assert count(store, m.Contact) == contacts_before  # found by address, any case
    [created] = events_of(store, "HD-1001")
    assert (created.kind, created.actor_kind) == ("created", "customer")
    [ack] = outbox(store, "HD-1001", "ack")
    assert ack.to_addr == "s.kravchenko@produkty24.example"
    [row] = mail_rows(store)
    assert (row.message_key, row.outcome, row.ticket_id) == (
        "<plain-20250314100203.4711@mx.produkty24.example>",
        "created",
        t.id,
    )


def test_multipart_alternative_takes_the_plain_text_part(store, mail_config):
    take(store, "alternative", mail_config)
    [t] = tickets(store)
    assert 'does not see the "Northwind-Staff" network' in t.description
    assert "HTML VERSION" not in t.description and "<p>" not in t.description


def test_an_html_only_message_becomes_readable_text(store, mail_config):
    take(store, "html_only", mail_config)
    [t] = tickets(store)
    assert t.subject == "Не работают весы в магазине №3"
    assert t.description == (
        "Добрый день!\n\n"
        "В магазине №3 не работает весовой терминал:\n\n"
        "- экран включается,\n"
        "- весы показывают 0,000.\n\n"
        "Инструкция: страница в вики <https://wiki.produkty24.example/scales>\n\n"
        "Константин Орлов\n"
        "администратор смены"
    )


def test_a_new_sender_of_a_customers_domain_becomes_that_customers_contact(store, mail_config):
    take(store, "html_only", mail_config)
    [t] = tickets(store)
    person, customer = contact(store, t.contact_id)
    assert (person.name, person.email, person.language) == (
        "Константин Орлов",
        "k.orlov@produkty24.example",
        "ru",
    )
    assert customer.code == "produkty24"
    assert "k.orlov@produkty24.example" in person.search_text  # found by the caller search


def test_koi8r_body_and_encoded_words_are_decoded_and_a_free_mail_sender_goes_to_the_fallback(
    store, mail_config
):
    take(store, "koi8r", mail_config)
    [t] = tickets(store)
    assert t.subject == "Не могу войти в личный кабинет"
    assert "Не могу войти в личный кабинет поставщика" in t.description
    person, customer = contact(store, t.contact_id)
    assert person.name == "Игорь Петров"
    assert customer.code == "unknown-senders"  # mail.ru says nothing about the customer
    assert person.language == "ru"


def test_windows_1251_quoted_printable_is_decoded(store, mail_config):
    take(store, "cp1251", mail_config)
    [t] = tickets(store)
    assert t.subject == "Сканер не читает коды"
    assert "сканер штрихкодов не читает коды с экрана телефона" in t.description
    person, customer = contact(store, t.contact_id)
    assert (person.name, customer.code) == ("Кирилл Воронцов", "techmart")


def test_folded_encoded_word_subjects_are_joined(store, mail_config):
    take(store, "encoded_words", mail_config)
    [t] = tickets(store)
    assert t.subject == "Принтер в переговорной печатает полосами"
    person, _ = contact(store, t.contact_id)
    assert person.name == "Laura Bennett"  # a known contact keeps the name we have


def test_attachments_are_recorded_and_kept_under_safe_names(store, mail_config):
    result = take(store, "attachments", mail_config)
    assert result.attachments == 3
    [t] = tickets(store)
    [created] = events_of(store, t.key)
    files = attachments(store)
    assert [(a.name, a.content_type, a.size) for a in files] == [
        ("Счёт № 15.pdf", "application/pdf", 45),
        ("../../../etc/passwd", "image/png", 49),
        ("журнал.log", "text/plain", 23),
    ]
    root = mail_config.attachments_dir
    for a in files:
        assert (a.ticket_id, a.event_id) == (t.id, created.id)
        path = (root / a.path).resolve()
        assert path.parent == (root / t.key).resolve()  # never outside the ticket's folder
        assert hashlib.sha256(path.read_bytes()).hexdigest() == a.sha256
        assert path.stat().st_size == a.size
    names = sorted(p.name for p in (root / t.key).iterdir())
    assert names == ["1-1-Счёт_15.pdf", "1-2-passwd", "1-3-журнал.log"]
    assert (root / t.key / "1-3-журнал.log").read_text("utf-8") == "ошибка ФН: 235\n"
    assert "fiscal drive error 235" in t.description


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("autoreply", "automatic reply (Auto-Submitted: auto-replied)"),
        ("bulk", "bulk mail (Precedence: bulk)"),
        ("own_message", "our own message came back (X-Helpdesk-Id)"),
    ],
)
def test_automatic_mail_and_our_own_mail_never_open_tickets(store, mail_config, name, reason):
    result = take(store, name, mail_config)
    assert result.outcome == "ignored"
    assert tickets(store) == [] and outbox(store) == []
    [row] = mail_rows(store)
    assert (row.outcome, row.reason, row.ticket_id) == ("ignored", reason, None)


@pytest.mark.parametrize(
    "header",
    [
        b"Auto-Submitted: auto-generated",
        b"Precedence: junk",
        b"Precedence: list",
        b"X-Autoreply: yes",
        b"X-Autorespond: vacation",
        b"X-Loop: desk@desk.example",
    ],
)
def test_every_kind_of_automatic_header_is_ignored(store, mail_config, header):
    raw = header + b"\n" + message("plain")
    assert mail_in.take_in(store, raw, mail_config).outcome == "ignored"
    assert tickets(store) == []


def test_auto_submitted_no_is_a_person_writing(store, mail_config):
    raw = b"Auto-Submitted: no\n" + message("plain")
    assert mail_in.take_in(store, raw, mail_config).outcome == "created"


def test_mail_from_our_own_address_is_a_loop(store, mail_config):
    raw = message("plain").replace(
        b"From: Svetlana Kravchenko <S.Kravchenko@Produkty24.example>",
        b"From: Desk <Desk@Desk.example>",
    )
    assert mail_in.take_in(store, raw, mail_config).outcome == "ignored"
    assert tickets(store) == []


def test_a_bounce_of_our_message_opens_nothing_and_marks_that_message_failed(
    store, mail_config, actor_of
):
    from sqlmodel import select

    from tests.services._helpers import new_ticket

    new_ticket(store, actor_of("ivanova"))
    with store.write() as s:  # the acknowledgement went out with the id the bounce quotes
        ack = s.exec(select(m.Outbox).where(m.Outbox.kind == "ack")).one()
        ack.message_id = "<0123456789abcdef0123456789abcdef@helpdesk>"
        ack.status = "sent"
        s.add(ack)
    result = take(store, "bounce", mail_config)
    assert result.outcome == "ignored"
    assert len(tickets(store)) == 1
    [ack] = outbox(store, "HD-1001", "ack")
    assert ack.status == "failed"
    assert "550 5.1.1" in ack.last_error and ack.last_error.startswith("bounced:")


def test_a_broken_message_is_stored_as_well_as_it_can_be(store, mail_config):
    result = take(store, "broken_mime", mail_config)
    assert result.outcome == "created"
    [t] = tickets(store)
    assert "The till shows ОШИБКА" in t.description and "and freezes." in t.description
    assert "\x1b" not in t.description and "␛[31mRED" in t.description  # inert, visible
    assert "--nowhere" not in t.description and "Content-Type" not in t.description
    [row] = mail_rows(store)
    assert row.message_key.startswith("sha256:")  # no Message-ID: its content's hash
    assert "broken MIME structure" in row.reason and "no Message-ID" in row.reason
    _person, customer = contact(store, t.contact_id)
    assert customer.code == "techmart"


def test_a_message_without_a_sender_cannot_be_stored(store, mail_config):
    with pytest.raises(mail_in.Unstorable, match="no sender address"):
        take(store, "no_sender", mail_config)
    assert tickets(store) == [] and mail_rows(store) == []


@pytest.mark.parametrize("name", ["plain", "broken_mime"])
def test_the_same_message_twice_is_stored_once(store, mail_config, name):
    first = take(store, name, mail_config)
    second = take(store, name, mail_config)
    assert (first.outcome, second.outcome) == ("created", "duplicate")
    assert len(tickets(store)) == 1 and len(mail_rows(store)) == 1
    assert len(outbox(store, kind="ack")) == 1  # the sender is acknowledged once


def test_a_message_intake_cannot_place_rolls_back_completely(store, mail_config):
    from dataclasses import replace

    config = replace(mail_config, fallback_customer="nobody-here")
    with pytest.raises(mail_in.Unstorable, match="no customer for the new sender"):
        take(store, "koi8r", config)
    assert tickets(store) == [] and mail_rows(store) == []
    assert count(store, m.Contact) == count(store, m.Contact)  # no half-made contact


def test_an_oversized_message_is_refused_before_anything_is_written(store, mail_config):
    from dataclasses import replace

    with pytest.raises(mail_in.Unstorable, match="too large"):
        take(store, "attachments", replace(mail_config, max_message_bytes=100))
    assert tickets(store) == [] and not mail_config.attachments_dir.exists()
