"""Bad input on the command line: hostile options and arguments (control characters, escape
sequences, markup, right-to-left and combining text, emoji, invalid UTF-8, empty, huge) are
stored as the text they are made of (control characters as their visible pictures,
`domain/text.py`) or refused in one line with exit code 2 — never a traceback, never an
internal error — and nothing printed does anything to the terminal."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpdesk_tui.cli import main
from helpdesk_tui.domain.text import clean, clean_line
from helpdesk_tui.services import agents
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.store.db import open_store
from tests.services._helpers import BENNETT
from tests.trust.hostile import PIECES, dangers, hostile_text

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HUGE = "x" * 10_000_000


@pytest.fixture
def db(sqlite_template, tmp_path) -> str:
    path = tmp_path / "store.sqlite3"
    shutil.copy(sqlite_template, path)
    return str(path)


def run(capsys, *args: str) -> tuple[int, str, str]:
    """`helpdesk ARGS` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def check_refusal_or_success(code: int, out: str, err: str) -> None:
    assert code in (0, 2), (code, err)
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert dangers(out + err) == [], (out + err)[:500]
    if code == 2:
        assert err.startswith("helpdesk: ") and err.count("\n") == 1, err


@EXAMPLES
@given(subject=hostile_text, description=hostile_text)
def test_ticket_new_stores_hostile_text_faithfully_or_refuses_it(db, capsys, subject, description):
    code, out, err = run(
        capsys,
        "--db", db, "ticket", "new", "--as", "ivanova", "--service", "question",
        "--contact", BENNETT, "--subject", subject, "--description", description, "--json",
    )  # fmt: skip
    check_refusal_or_success(code, out, err)
    if code == 0:
        shown = json.loads(out)
        assert shown["subject"] == clean_line(subject) != ""
        assert shown["description"] == clean(description)
    else:
        assert not clean_line(subject) or "subject" in err


@EXAMPLES
@given(value=hostile_text, option=st.sampled_from(["--service", "--contact", "--as", "--tag"]))
def test_ticket_new_with_hostile_codes_refuses_in_one_line(db, capsys, value, option):
    args = {"--service": "question", "--contact": BENNETT, "--as": "ivanova"}
    args[option] = value
    flat = [x for pair in args.items() for x in pair]
    code, out, err = run(capsys, "--db", db, "ticket", "new", *flat, "--subject", "Hello")
    check_refusal_or_success(code, out, err)


@EXAMPLES
@given(query=hostile_text)
@example(query="¹")  # a digit to `str.isdigit`, not to `int()`: was an internal error
@example(query="key:HD-²")
def test_ticket_list_where_refuses_or_answers_and_prints_nothing_active(db, capsys, query):
    code, out, err = run(capsys, "--db", db, "ticket", "list", "--where", query)
    check_refusal_or_success(code, out, err)


@EXAMPLES
@given(key=hostile_text, command=st.sampled_from(["show", "take", "note"]))
@example(key="HD-①", command="show")
def test_ticket_commands_with_a_hostile_key_refuse_in_one_line(db, capsys, key, command):
    extra = ["--as", "ivanova"] if command != "show" else []
    if command == "note":
        extra.append("A note")
    code, out, err = run(capsys, "--db", db, "ticket", command, key, *extra)
    check_refusal_or_success(code, out, err)
    assert code == 2


def test_hostile_subjects_are_shown_literally_in_list_and_show(db, capsys):
    store = open_store(f"sqlite:///{db}")
    ivanova = agents.resolve(store, "ivanova")
    keys = {}
    for piece in PIECES:
        subject = f"Printer {piece} broken"
        new = NewTicket(subject=subject, description=f"Body {piece}", service="question")
        keys[register(store, ivanova, new).key] = subject
    store.dispose()
    for key, subject in list(keys.items())[8:14]:  # ESC sequences, C1, right-to-left
        code, out, err = run(capsys, "--db", db, "ticket", "show", key)
        check_refusal_or_success(code, out, err)
        assert code == 0 and clean_line(subject) in out
    code, out, err = run(capsys, "--db", db, "ticket", "list", "--status", "all", "--json")
    check_refusal_or_success(code, out, err)
    assert [t["subject"] for t in json.loads(out)] == [
        clean_line(keys[k]) for k in sorted(keys, key=lambda k: int(k[3:]))
    ]
    code, out, err = run(capsys, "--db", db, "ticket", "list", "--status", "all")
    check_refusal_or_success(code, out, err)
    for literal in ("[bold]bold[/bold]", "[@click=app.quit]quit[/]", "␛[31mred␛[0m"):
        assert literal in out


@pytest.mark.parametrize("where", ["--subject", "--description"])
def test_a_ten_megabyte_value_is_refused_in_one_line(db, capsys, where):
    args = {"--subject": "Huge", "--description": ""}
    args[where] = HUGE
    flat = [x for pair in args.items() for x in pair]
    code, out, err = run(
        capsys, "--db", db, "ticket", "new", "--as", "ivanova", "--service", "question", *flat
    )
    assert out == ""
    assert code == 2 and "too long" in err and err.count("\n") == 1 and len(err) < 300
