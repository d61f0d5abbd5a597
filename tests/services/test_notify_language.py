"""The customer's language picks the outgoing template (`ack-ru`, `ack-en`, …; the
`language` of each template in data/templates.toml), whatever the language of the agent's
interface."""

from __future__ import annotations

import pytest

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
