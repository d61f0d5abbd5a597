"""Automation rules on mail: a customer's reply taken in by mail sets off the rules in the
intake's own transaction (the message's row, the reply and the rule's work commit as one)."""

from __future__ import annotations

from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.setup import load_data, reference_dir
from tests.mail._rows import mail_rows
from tests.mail.conftest import take
from tests.services._helpers import FRI_10, events_of, new_ticket, outbox


def test_a_reply_by_mail_while_waiting_for_the_vendor_tells_the_holder(
    store, mail_config, actor_of
):
    load_data(store, reference_dir())  # the shipped rules: customer-wrote-vendor-wait
    key = new_ticket(store, actor_of("ivanova")).key  # HD-1001, held by lebedev
    ticket_actions.set_status(store, actor_of("lebedev"), key, "waiting_vendor", now=FRI_10)
    result = take(store, "reply_quoted", mail_config)
    assert (result.outcome, result.key) == ("reply", key)
    kinds = [(e.kind, e.actor_kind) for e in events_of(store, key)][-2:]
    assert kinds == [("customer_reply", "customer"), ("rule", "rule")]
    [notice] = outbox(store, key, "rule")
    assert notice.to_addr == "lebedev@desk.example"
    assert mail_rows(store)[0].event_id == events_of(store, key)[-2].id
