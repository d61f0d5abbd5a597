"""The customer's language picks the outgoing template (`ack-ru`, `ack-en`, …; the
`language` of each template in data/templates.toml), whatever the language of the agent's
interface."""

from __future__ import annotations

import pytest
from sqlmodel import select

from helpdesk_tui import i18n
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import KRAVCHENKO, new_ticket, outbox

BENNETT = "laura.bennett@northwind.example"  # language = "en"


@pytest.mark.parametrize("interface", ["en", "ru"])
def test_the_acknowledgement_is_in_the_customers_language(store, interface):
    i18n.set_language(interface)
    ivanova = resolve(store, "ivanova")
    russian = new_ticket(store, ivanova, contact=KRAVCHENKO).key
    english = new_ticket(store, ivanova, contact=BENNETT).key

    (ack_ru,) = outbox(store, russian, kind="ack")
    assert ack_ru.language == "ru"
    assert ack_ru.subject.startswith(f"[{russian}] Обращение зарегистрировано")
    assert "Срок решения — не позднее" in ack_ru.body

    (ack_en,) = outbox(store, english, kind="ack")
    assert ack_en.language == "en"
    assert ack_en.subject.startswith(f"[{english}] Request registered")
    assert "We will resolve it by" in ack_en.body


def _active(store, code: str, active: bool) -> None:
    from helpdesk_tui.store import models as m

    with store.write() as s:
        row = s.exec(select(m.Template).where(m.Template.code == code)).one()
        row.active = active
        s.add(row)


def test_without_a_template_in_their_language_the_customer_gets_english_then_the_built_in(
    store,
):
    """`ack-ru` retired: the Russian contact is written to with `ack-en`; both retired,
    with the built-in text. A template without a language (`ack`) comes after English."""
    ivanova = resolve(store, "ivanova")
    _active(store, "ack-ru", False)
    key = new_ticket(store, ivanova, contact=KRAVCHENKO).key
    (ack,) = outbox(store, key, kind="ack")
    assert ack.language == "ru" and ack.subject.startswith(f"[{key}] Request registered")

    _active(store, "ack-en", False)
    key = new_ticket(store, ivanova, contact=KRAVCHENKO).key
    (ack,) = outbox(store, key, kind="ack")
    assert ack.subject.startswith(f"[{key}]") and "Request registered" not in ack.subject

    from helpdesk_tui.store import models as m

    with store.write() as s:
        s.add(m.Template(code="ack", name="Plain", subject="[{{ticket.key}}] Got it", body="Ok"))
    _active(store, "ack-en", True)
    key = new_ticket(store, ivanova, contact=KRAVCHENKO).key
    (ack,) = outbox(store, key, kind="ack")
    assert ack.subject.startswith(f"[{key}] Request registered")  # English first
    _active(store, "ack-en", False)
    key = new_ticket(store, ivanova, contact=KRAVCHENKO).key
    (ack,) = outbox(store, key, kind="ack")
    assert ack.subject == f"[{key}] Got it"
