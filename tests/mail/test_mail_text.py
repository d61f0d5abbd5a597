"""The pure rules of mail text: HTML to text, quoted history, one-word answers, loop
headers, safe file names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.mail_text import (
    Answer,
    automatic_reason,
    guess_language,
    html_to_text,
    key_in_subject,
    parse_answer,
    safe_filename,
    trim_quoted,
)


def test_html_keeps_structure_and_drops_what_is_not_text():
    html = (
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<p>Hello&nbsp;<b>world</b> &amp; co</p><p>one<br>two</p>"
        "<ol><li>first</li><li>second</li></ol>"
        "<table><tr><td>Till</td><td>3</td></tr></table>"
        '<p><a href="https://desk.example/kb/1">the article</a> '
        '<a href="https://x.example">https://x.example</a></p>'
        "<blockquote><p>old text</p></blockquote><p>after</p>"
        "<script>alert(1)</script></body></html>"
    )
    assert html_to_text(html) == (
        "Hello world & co\n\none\ntwo\n\n1. first\n2. second\n\nTill  3\n\n"
        "the article <https://desk.example/kb/1> https://x.example\n\n> old text\n\nafter"
    )


@given(st.text())
def test_html_to_text_never_fails(text):
    assert isinstance(html_to_text(text), str)


@pytest.mark.parametrize(
    "reply",
    [
        "Works now.\n\nOn Fri, Mar 14, 2025 at 2:00 PM Desk <desk@desk.example> wrote:\n> x",
        "Works now.\n\nOn 14 Mar 2025, at 14:00, Service Desk <desk@desk.example>\nwrote:\n\n> x",
        "Works now.\n\n14.03.2025 14:00, Service Desk пишет:\n> x",
        "Works now.\n\nпт, 14 мар. 2025 г. в 14:00, Service Desk <desk@desk.example>:\n> x",
        "Works now.\n\nПятница, 14 марта 2025, 14:00 +03:00 от Desk <desk@desk.example>:\nx",
        "Works now.\n\n-----Original Message-----\nFrom: desk\nx",
        "Works now.\n\n-------- Исходное сообщение --------\nx",
        "Works now.\n\n________________________________\nFrom: Service Desk\nSent: Friday\n"
        "To: me\nSubject: x\n\nold",
        "Works now.\n\nОт: Service Desk <desk@desk.example>\nОтправлено: 14 марта 2025 г.\n"
        "Кому: me\nТема: x",
        "Works now.\n\n> old\n> older\n",
    ],
)
def test_quoted_history_is_cut_in_every_clients_style(reply):
    assert trim_quoted(reply) == "Works now."


def test_inline_answers_between_quotes_are_kept():
    text = "> Is the printer on?\nYes.\n> Is there paper?\nYes."
    assert trim_quoted(text) == text


def test_a_message_that_is_all_quote_is_kept():
    assert trim_quoted("> only a quote") == "> only a quote"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", Answer(True)),
        ("Yes, thanks!", Answer(True)),
        ("OK", Answer(True)),
        ("Да", Answer(True)),
        ("да, спасибо, всё работает", Answer(True)),
        ("Спасибо!", Answer(True)),
        ("no", Answer(False)),
        ("Нет", Answer(False)),
        ("нет, не печатает", Answer(False)),
        ("4", Answer(True, 4)),
        ("5 из 5", Answer(True, 5)),
        ("4/5", Answer(True, 4)),
        ("Оценка: 3", Answer(True, 3)),
        ("Да, 5", Answer(True, 5)),
        ("Да\n\nС уважением,\nСветлана Кравченко\nМагазин №1, директор", Answer(True)),
        ("ok, but it still jams", None),
        ("Спасибо, но не работает", None),
        ("6", None),
        ("10 из 10", None),
        ("", None),
        ("The printer jams again after the paper change, please send somebody", None),
    ],
)
def test_one_word_answers(text, answer):
    assert parse_answer(text) == answer


@given(st.text())
def test_parse_answer_never_fails(text):
    assert parse_answer(text) is None or isinstance(parse_answer(text), Answer)


@pytest.mark.parametrize(
    ("subject", "key"),
    [
        ("Re: [HD-1042] Resolved", "HD-1042"),
        ("AW: [ hd-7 ] x", "HD-7"),
        ("HD-1042 without brackets", None),
        ("[HDX-1] other", None),
    ],
)
def test_the_key_in_a_subject(subject, key):
    assert key_in_subject(subject) == key


def test_language_from_the_letters():
    assert guess_language("Не печатает принтер") == "ru"
    assert guess_language("Printer is down") == "en"
    assert guess_language("42") is None


def _headers(**values):
    named = {k.replace("_", "-").lower(): v for k, v in values.items()}
    return lambda name: named.get(name.lower())


@pytest.mark.parametrize(
    ("headers", "sender", "expected"),
    [
        ({}, "a@b.example", None),
        ({"Auto_Submitted": "no"}, "a@b.example", None),
        ({"Auto_Submitted": "auto-replied"}, "a@b.example", "automatic reply"),
        ({"Precedence": "Bulk"}, "a@b.example", "bulk mail"),
        ({"X_Autorespond": ""}, "a@b.example", "automatic reply (X-Autorespond)"),
        ({}, "MAILER-DAEMON@b.example", "delivery report"),
        ({"Return_Path": "<>"}, "a@b.example", "delivery report"),
        ({"X_Helpdesk_Id": "HD-1/1"}, "a@b.example", "our own message"),
        ({"Message_ID": "<0a@helpdesk>"}, "a@b.example", "our own message"),
        ({}, "Desk@desk.example", "sent from our own address"),
    ],
)
def test_automatic_mail_is_recognised(headers, sender, expected):
    reason = automatic_reason(_headers(**headers), sender, frozenset({"desk@desk.example"}))
    assert (reason or "").startswith(expected or "") and (reason is None) == (expected is None)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        (".bashrc", "bashrc"),
        ("CON.txt", "_CON.txt"),
        ("Счёт № 15.pdf", "Счёт_15.pdf"),
        ("a\x00b\x1b[31m.exe", "a_b_31m.exe"),
        ("", "attachment"),
        ("...", "attachment"),
    ],
)
def test_safe_file_names(name, safe):
    assert safe_filename(name) == safe


@given(st.text())
def test_a_safe_name_is_always_one_harmless_path_component(name):
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert len(safe.encode()) <= 120 and all(ch.isprintable() for ch in safe)
