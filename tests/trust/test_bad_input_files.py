"""Bad input in files and mail: hostile values in the TOML reference data (`helpdesk data
load DIR`) and hostile raw mail (`services/mail_in.py`, bytes, invalid UTF-8 included) are
stored as the text they are made of, control characters as their visible pictures, or
refused in one line; nothing printed afterwards does anything to a terminal."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from helpdesk_tui.domain.text import clean, clean_line
from helpdesk_tui.services import mail_in
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import open_store
from tests.trust.hostile import dangers, hostile_text
from tests.trust.test_bad_input_cli import check_refusal_or_success, run

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEN_MB = 10_000_000


@pytest.fixture
def db(sqlite_template, tmp_path) -> str:
    path = tmp_path / "store.sqlite3"
    shutil.copy(sqlite_template, path)
    return str(path)


def toml_string(value: str) -> str:
    """`value` as a TOML basic string (control characters as \\u escapes)."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def service_file(name: str, checklist: list[str], code: str = "hostile") -> str:
    items = ", ".join(toml_string(c) for c in checklist)
    return (
        f"[[service]]\ncode = {toml_string(code)}\n"
        f"name = {toml_string(name)}\n"
        'group = "l2-software"\nskill = "pos"\ntype = "incident"\nimpact = 2\nurgency = 1\n'
        f"checklist = [{items}]\n"
    )


no_surrogates = hostile_text.map(lambda s: "".join(c for c in s if not 0xD800 <= ord(c) < 0xE000))


@EXAMPLES
@given(name=no_surrogates, checklist=st.lists(no_surrogates, max_size=3))
def test_data_load_stores_hostile_values_as_text_or_refuses(db, tmp_path, capsys, name, checklist):
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "services.toml").write_text(service_file(name, checklist), encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "data", "load", str(folder))
    check_refusal_or_success(code, out, err)
    if code == 0:
        store = open_store(f"sqlite:///{db}")
        with store.read() as s:
            row = s.exec(select(m.Service).where(m.Service.code == "hostile")).one()
        store.dispose()
        assert row.name == clean_line(name)
        assert row.checklist == [clean_line(c) for c in checklist if clean_line(c)]
        code, out, err = run(capsys, "--db", db, "service", "list")
        check_refusal_or_success(code, out, err)
        assert code == 0


def test_data_load_refuses_a_file_that_is_not_utf8_or_not_toml_in_one_line(db, tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    for content in (
        service_file("Printer", []).encode().replace(b"Printer", b"Pr\xffinter"),
        b'[[service]]\ncode = "x\x1b[31m"\nname = \x00\n',
        service_file("Printer", []).encode().replace(b"impact = 2", b'impact = "\x1b]0;x\x07"'),
    ):
        (folder / "services.toml").write_bytes(content)
        code, out, err = run(capsys, "--db", db, "data", "load", str(folder))
        check_refusal_or_success(code, out, err)
        assert code == 2


@EXAMPLES
@given(code=no_surrogates)
def test_data_load_refuses_codes_a_terminal_would_act_on(db, tmp_path, capsys, code):
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "services.toml").write_text(service_file("Name", [], code), encoding="utf-8")
    code_, out, err = run(capsys, "--db", db, "data", "load", str(folder))
    check_refusal_or_success(code_, out, err)
    code_, out, err = run(capsys, "--db", db, "service", "list")
    check_refusal_or_success(code_, out, err)
    assert code_ == 0


def test_data_load_of_a_ten_megabyte_name_is_refused_in_one_line(db, tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "services.toml").write_text(service_file("n" * TEN_MB, []), encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "data", "load", str(folder))
    check_refusal_or_success(code, out, err)
    assert code == 2 and "too long" in err and len(err) < 300


# -- mail ---------------------------------------------------------------------------------


def raw_mail(subject: bytes, body: bytes, charset: str = "utf-8") -> bytes:
    return (
        b"From: Laura Bennett <laura.bennett@northwind.example>\r\n"
        b"To: desk@desk.example\r\n"
        b"Subject: " + subject + b"\r\n"
        b"Message-ID: <" + str(abs(hash((subject, body)))).encode() + b"@northwind.example>\r\n"
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n"
        b"\r\n" + body + b"\r\n"
    )


hostile_bytes = st.one_of(
    no_surrogates.map(lambda s: s.encode("utf-8")),
    st.binary(max_size=40),
    st.sampled_from([b"\xff\xfe\xfd", b"\xc3\x28", b"\xed\xa0\x80", b"\x1b]0;x\x07", b"\x00"]),
)


@EXAMPLES
@given(
    subject=hostile_bytes,
    body=hostile_bytes,
    charset=st.sampled_from(["utf-8", "koi8-r", "x-bogus"]),
)
def test_mail_intake_stores_hostile_mail_as_text_or_sets_it_aside(
    sqlite_store,
    mail_config,
    subject,
    body,
    charset,
):
    subject = subject.replace(b"\r", b"").replace(b"\n", b"")  # one header line
    try:
        result = mail_in.take_in(sqlite_store, raw_mail(subject, body, charset), mail_config)
    except mail_in.Unstorable as exc:
        assert "\n" not in str(exc) and dangers(str(exc)) == []
        return
    if result.key is None:
        return
    with sqlite_store.read() as s:
        t = s.exec(select(m.Ticket).where(m.Ticket.key == result.key)).one()
    assert dangers(t.subject + t.description) == []
    assert t.subject == clean_line(t.subject) and t.description == clean(t.description)
    code = json.dumps({"subject": t.subject, "description": t.description})
    assert "\\u001b" not in code and "\\u0000" not in code


def test_a_ten_megabyte_mail_is_set_aside_or_stored_whole_in_its_limits(
    sqlite_store,
    mail_config,
):
    raw = raw_mail(b"Huge \x1b[2J", b"\x1b[31m" + b"y" * TEN_MB)
    try:
        result = mail_in.take_in(sqlite_store, raw, mail_config)
    except mail_in.Unstorable as exc:
        assert "too large" in str(exc)
        return
    with sqlite_store.read() as s:
        t = s.exec(select(m.Ticket).where(m.Ticket.key == result.key)).one()
    assert dangers(t.subject + t.description) == [] and len(t.description) <= 200_000
