"""Mail out through a real SMTP server on localhost: proper messages, threaded to the
ticket, retried with backoff, failed with the server's words, never sent twice."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from helpdesk_tui.config import load_settings
from helpdesk_tui.services import outbox as sender
from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import models as m
from tests.mail.conftest import take
from tests.services._helpers import BENNETT, FRI_10, new_ticket
from tests.services._helpers import outbox as rows


def _ack(store, key: str = "HD-1001") -> m.Outbox:
    [ack] = rows(store, key, "ack")
    return ack


def _by_id(server, message_id: str):
    found = [msg for msg in server.received if msg["Message-ID"] == message_id]
    assert len(found) == 1, f"{message_id} received {len(found)} times"
    return found[0]


def test_an_acknowledgement_goes_out_as_a_proper_threaded_message(
    store, actor_of, mail_config, smtp_server
):
    new_ticket(store, actor_of("ivanova"))  # the ack to Kravchenko, a notice to the engineer
    ack = _ack(store)
    report = sender.deliver(store, smtp_server.config, mail_config)
    assert (report.sent, report.deferred, report.failed) == (2, 0, 0)
    msg = _by_id(smtp_server, ack.message_id)
    assert str(msg["From"]) == "Служба поддержки <desk@desk.example>"
    assert str(msg["To"]) == "Светлана Кравченко <s.kravchenko@produkty24.example>"
    raw_headers = msg.as_string().split("\n\n", 1)[0]
    assert "=?utf-8?" in raw_headers  # names and subject encoded, never raw 8-bit
    assert str(msg["Subject"]) == ack.subject and ack.subject.startswith("[HD-1001] ")
    assert msg["Date"] is not None
    assert msg["In-Reply-To"] == "<hd-1001@helpdesk>"
    assert msg["References"] == "<hd-1001@helpdesk>"
    assert msg["X-Helpdesk-Id"] == f"HD-1001/{ack.id}"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert "Ваше обращение зарегистрировано под номером HD-1001" in msg.get_content()
    assert smtp_server.recorder.envelopes[0][0] == "desk@desk.example"
    sent = _ack(store)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")
    assert sent.sent_at is not None


def test_the_answer_to_a_mailed_ticket_threads_under_the_customers_message(
    store, mail_config, smtp_server
):
    take(store, "plain", mail_config)
    sender.deliver(store, smtp_server.config, mail_config)
    msg = _by_id(smtp_server, _ack(store).message_id)
    customer_id = "<plain-20250314100203.4711@mx.produkty24.example>"
    assert msg["In-Reply-To"] == customer_id
    assert msg["References"].split() == ["<hd-1001@helpdesk>", customer_id]


def test_an_agents_reply_is_not_marked_automatic(store, actor_of, mail_config, smtp_server):
    key = new_ticket(store, actor_of("ivanova")).key
    ticket_actions.reply(store, actor_of("ivanova"), key, "We are on our way.", now=FRI_10)
    sender.deliver(store, smtp_server.config, mail_config)
    [reply] = rows(store, key, "reply")
    msg = _by_id(smtp_server, reply.message_id)
    assert msg["Auto-Submitted"] is None
    assert msg.get_content().strip() == "We are on our way."


def test_a_temporary_failure_is_retried_after_a_backoff_then_delivered(
    store, mail_config, smtp_server
):
    take(store, "alternative", mail_config)  # one message: the ack to Laura Bennett
    smtp_server.recorder.data_replies.append("451 4.3.0 Mailbox busy, try again later")
    now = utcnow()
    first = sender.deliver(store, smtp_server.config, mail_config, now=now)
    assert (first.sent, first.deferred) == (0, 1)
    ack = _ack(store)
    assert (ack.status, ack.attempts) == ("pending", 1)
    assert ack.last_error == "451 4.3.0 Mailbox busy, try again later"
    assert ack.next_attempt_at == now + timedelta(seconds=60)
    early = sender.deliver(store, smtp_server.config, mail_config, now=now + timedelta(seconds=30))
    assert early.tried == 0  # not due yet
    later = sender.deliver(store, smtp_server.config, mail_config, now=now + timedelta(seconds=61))
    assert later.sent == 1
    assert _ack(store).status == "sent" and _ack(store).attempts == 2
    assert len(smtp_server.received) == 1


def test_the_backoff_doubles_and_the_last_attempt_fails_for_good(store, mail_config, smtp_server):
    take(store, "alternative", mail_config)
    smtp_server.recorder.data_replies.extend(["421 4.7.0 Too many connections"] * 3)
    now = utcnow()
    sender.deliver(store, smtp_server.config, mail_config, now=now)
    assert _ack(store).next_attempt_at == now + timedelta(seconds=60)
    now += timedelta(seconds=60)
    sender.deliver(store, smtp_server.config, mail_config, now=now)
    assert _ack(store).next_attempt_at == now + timedelta(seconds=120)
    now += timedelta(seconds=120)
    report = sender.deliver(store, smtp_server.config, mail_config, now=now)
    assert report.failed == 1
    ack = _ack(store)
    assert (ack.status, ack.attempts) == ("failed", 3)  # max_attempts = 3 here
    assert ack.last_error == "gave up after 3 attempts: 421 4.7.0 Too many connections"
    later = sender.deliver(store, smtp_server.config, mail_config, now=now + timedelta(days=1))
    assert later.tried == 0 and smtp_server.received == []


def test_a_permanent_refusal_fails_that_message_with_the_reason_and_the_rest_go_out(
    store, actor_of, mail_config, smtp_server
):
    new_ticket(store, actor_of("ivanova"))
    refusal = "550 5.1.1 <s.kravchenko@produkty24.example>: No such user"
    smtp_server.recorder.rcpt_replies.append(refusal)
    report = sender.deliver(store, smtp_server.config, mail_config)
    assert (report.sent, report.failed) == (1, 1)  # the engineer's notice still went
    ack = _ack(store)
    assert (ack.status, ack.attempts, ack.sent_at) == ("failed", 1, None)
    assert ack.last_error == refusal
    assert [msg["To"].addresses[0].addr_spec for msg in smtp_server.received] != [
        "s.kravchenko@produkty24.example"
    ]


def test_an_unreachable_server_defers_the_message_and_ends_the_pass(store, actor_of, mail_config):
    from tests.mail.conftest import free_port

    new_ticket(store, actor_of("ivanova"))
    new_ticket(store, actor_of("ivanova"), contact=BENNETT, subject="Wi-Fi is down")
    down = replace(
        sender.SmtpConfig(), host="127.0.0.1", port=free_port(), timeout=2, retry_after_s=60
    )
    report = sender.deliver(store, down, mail_config)
    assert (report.sent, report.deferred) == (0, 1)
    assert "Connection refused" in report.errors[0] or "ConnectionRefused" in report.errors[0]
    statuses = sorted((o.status, o.attempts) for o in rows(store))
    assert statuses == [("pending", 0)] * (len(statuses) - 1) + [("pending", 1)]


def test_two_senders_at_once_send_every_message_exactly_once(
    store, actor_of, mail_config, smtp_server
):
    ivanova = actor_of("ivanova")
    for n in range(8):
        new_ticket(store, ivanova, subject=f"Printer {n} does not print")
    expected = {o.message_id for o in rows(store)}
    barrier = threading.Barrier(2)
    reports = []

    def run() -> None:
        barrier.wait()
        reports.append(sender.deliver(store, smtp_server.config, mail_config, limit=100))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [msg["Message-ID"] for msg in smtp_server.received]
    assert sorted(ids) == sorted(expected)  # each once
    assert sum(r.sent for r in reports) == len(expected)
    assert {o.status for o in rows(store)} == {"sent"}


def test_a_message_left_sending_by_a_dead_sender_is_sent_after_its_lease(
    store, mail_config, smtp_server
):
    take(store, "alternative", mail_config)
    now = utcnow()
    with store.write() as s:  # a sender claimed it and died before recording anything
        ack = s.exec(select(m.Outbox).where(m.Outbox.kind == "ack")).one()
        ack.status, ack.attempts = "sending", 1
        ack.next_attempt_at = now + timedelta(seconds=900)
        s.add(ack)
    assert sender.deliver(store, smtp_server.config, mail_config, now=now).tried == 0
    after = now + timedelta(seconds=901)
    assert sender.deliver(store, smtp_server.config, mail_config, now=after).sent == 1
    assert (_ack(store).status, _ack(store).attempts) == ("sent", 2)


def test_internal_notes_never_reach_the_customers_mail(store, actor_of, mail_config, smtp_server):
    ivanova = actor_of("ivanova")
    key = new_ticket(store, ivanova).key
    secret = "INTERNAL: the customer owes us for 3 invoices"
    ticket_actions.note(store, ivanova, key, secret, now=FRI_10)
    ticket_actions.reply(store, ivanova, key, "An engineer is on the way.", now=FRI_10)
    ticket_actions.resolve(store, ivanova, key, "Sensor replaced.", now=FRI_10)
    sender.deliver(store, smtp_server.config, mail_config)
    to_customer = [
        msg for msg in smtp_server.received if "s.kravchenko@produkty24.example" in str(msg["To"])
    ]
    bodies = [msg.get_content() for msg in to_customer]
    assert len(to_customer) == 3  # ack, reply, resolution notice
    assert any("An engineer is on the way." in b for b in bodies)
    assert any("Sensor replaced." in b for b in bodies)
    assert all("owes us" not in b and "INTERNAL" not in b for b in bodies)
    assert all("owes us" not in msg.as_string() for msg in smtp_server.received)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_credentials_from_the_config_are_used(store, mail_config, smtp_auth_server):
    take(store, "alternative", mail_config)
    wrong = replace(smtp_auth_server.config, username="desk", password="nope")
    report = sender.deliver(store, wrong, mail_config)
    assert report.deferred == 1 and _ack(store).last_error.startswith("535")
    right = replace(smtp_auth_server.config, username="desk", password="s3cret")
    later = utcnow() + timedelta(seconds=61)
    assert sender.deliver(store, right, mail_config, now=later).sent == 1


def test_send_due_reads_smtp_and_mail_from_the_config_file(
    store, actor_of, tmp_path, monkeypatch, smtp_server
):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[mail]\nfrom = "Desk <help@desk.example>"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server.config.port}\n',
        "utf-8",
    )
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    new_ticket(store, actor_of("ivanova"))
    report = sender.send_due(store, load_settings(), limit=10)
    assert report.sent == 2
    assert {str(msg["From"]) for msg in smtp_server.received} == {"Desk <help@desk.example>"}


def test_a_failed_message_can_be_queued_again(store, mail_config, smtp_server):
    take(store, "alternative", mail_config)
    smtp_server.recorder.rcpt_replies.append("550 5.7.1 Relaying denied")
    sender.deliver(store, smtp_server.config, mail_config)
    [failed] = sender.list_outbox(store, status="failed")
    assert failed.last_error == "550 5.7.1 Relaying denied" and failed.ticket == "HD-1001"
    assert sender.retry(store, [failed.id]) == 1
    assert sender.deliver(store, smtp_server.config, mail_config).sent == 1
    assert [r.status for r in sender.list_outbox(store)] == ["sent"]


def test_listing_refuses_an_unknown_status(store):
    from helpdesk_tui.domain.errors import Invalid

    with pytest.raises(Invalid, match="unknown outbox status 'lost'"):
        sender.list_outbox(store, status="lost")
