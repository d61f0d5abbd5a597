"""Bad input on the command line: exit code 2, exactly one line on stderr starting with
`helpdesk:`, no traceback, and nothing written to the store."""

from __future__ import annotations

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import counts, new_ticket

NEW = [
    "ticket",
    "new",
    "--as",
    "ivanova",
    "--subject",
    "Printer dead",
    "--service",
    "receipt-printer",
    "--contact",
    "s.kravchenko@produkty24.example",
]


@pytest.fixture
def key(sqlite_store) -> str:
    """HD-1001, a printer call assigned to lebedev."""
    return new_ticket(sqlite_store, resolve(sqlite_store, "ivanova")).key


def run(capsys, db: str, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["--db", db, *args])
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def assert_refused(capsys, store, args: list[str], message: str) -> str:
    before = counts(store)
    code, out, err = run(capsys, store.url, *args)
    assert code == 2, (code, out, err)
    assert err.startswith("helpdesk: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err + out
    assert message in err, err
    assert out == ""
    assert counts(store) == before
    return err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--bogus"], "No such option: --bogus"),
        (["--service", "teleport"], "unknown service 'teleport'"),
        (["--impact", "7"], "impact must be 1, 2 or 3"),
        (["--urgency", "urgent"], "urgency must be 1, 2 or 3"),
        (["--subject", ""], "the subject is empty"),
        (["--subject", "x" * 301], "the subject is too long"),
        (["--customer", "acme"], "unknown customer 'acme'"),
        (["--contact", "nobody@example.com"], "no contact with e-mail"),
        (["--asset", "TM-001-POS1-PRN"], "does not belong to"),
        (["--asset", "NOPE"], "unknown asset 'NOPE'"),
        (["--channel", "pigeon"], "unknown channel 'pigeon'"),
        (["--created-at", "yesterday"], "not an ISO 8601 date-time"),
        (["--created-at", "2025-03-14T10:00"], "has no time zone offset"),
        (["--created-at", "2999-01-01T10:00+03:00"], "in the future"),
        (["--resolve", "  "], "needs the resolution text"),
        (["--template", "nope", "--resolve", "Done"], "unknown template 'nope'"),
        (["--as", "ghost"], "no agent with login 'ghost'"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v)[:30],
)
def test_a_bad_registration_is_one_line_and_writes_nothing(capsys, sqlite_store, change, message):
    args = list(NEW)
    for option, value in zip(change[::2], change[1::2], strict=False):
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    if change == ["--bogus"]:
        args.append("--bogus")
    assert_refused(capsys, sqlite_store, args, message)


def test_registering_without_saying_who_acts_is_refused(capsys, sqlite_store):
    args = [a for a in NEW if a not in ("--as", "ivanova")]
    assert_refused(capsys, sqlite_store, args, "who is acting? give --as LOGIN")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "{key}", "cancelled", "--as", "lebedev"], "engineer may not move"),
        (["status", "{key}", "closed", "--as", "lebedev"], "resolve it first"),
        (["status", "{key}", "finished", "--as", "lebedev"], "unknown status 'finished'"),
        (["take", "{key}", "--as", "volkov"], "already taken by lebedev"),
        (["take", "{key}", "--as", "petrov"], "which petrov is not in"),
        (["assign", "{key}", "petrov", "--as", "ivanova"], "petrov is not in group"),
        (["escalate", "{key}", "L3", "--note", "tried", "--as", "lebedev"], "at least 10"),
        (["escalate", "{key}", "L3", "--as", "lebedev"], "Missing option '--note'"),
        (["reply", "{key}", " ", "--as", "lebedev"], "the reply is empty"),
        (["resolve", "{key}", "", "--as", "lebedev"], "the resolution is empty"),
        (["confirm", "{key}", "--rating", "4", "--as", "ivanova"], "only a resolved ticket"),
        (["confirm", "{key}", "--rating", "five", "--as", "ivanova"], "valid integer"),
        (["reopen", "{key}", "Broken", "--as", "lebedev"], "cannot go from assigned"),
        (["link", "{key}", "HD-9999", "--as", "ivanova"], "no ticket HD-9999"),
        (["link", "{key}", "{key}", "--as", "ivanova"], "cannot be linked to itself"),
        (
            ["priority", "{key}", "--impact", "9", "--urgency", "1", "--as", "sokolova"],
            "impact must be 1, 2 or 3",
        ),
        (["time", "{key}", "0", "--as", "lebedev"], "1 to 1440 minutes"),
        (["take", "HD-9999", "--as", "volkov"], "no ticket HD-9999"),
        (["show", "HD-9999"], "no ticket HD-9999"),
        (["show", "ticket-1"], "not a ticket key: 'ticket-1'"),
        (["list", "--status", "archived"], "unknown status 'archived'"),
        (["list", "--group", "nowhere"], "unknown group 'nowhere'"),
        (["list", "--limit", "0"], "--limit is 1 to 10000"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
    ids=lambda v: " ".join(v)[:40] if isinstance(v, list) else v,
)
def test_a_refused_action_is_one_line_and_changes_nothing(capsys, sqlite_store, key, args, message):
    args = ["ticket", *(a.replace("{key}", key) for a in args)]
    assert_refused(capsys, sqlite_store, args, message)


def test_a_rating_outside_one_to_five_is_refused_on_a_resolved_ticket(capsys, sqlite_store, key):
    ticket_actions.resolve(sqlite_store, resolve(sqlite_store, "lebedev"), key, "Done")
    args = ["ticket", "confirm", key, "--rating", "6", "--as", "ivanova"]
    assert_refused(capsys, sqlite_store, args, "a rating is 1 to 5")


def test_a_stale_version_is_refused_with_who_changed_what(capsys, sqlite_store, key):
    ticket_actions.note(sqlite_store, resolve(sqlite_store, "sokolova"), key, "VIP customer")
    args = ["ticket", "note", key, "Checked", "--if-version", "1", "--as", "lebedev"]
    err = assert_refused(capsys, sqlite_store, args, "was changed meanwhile by sokolova")
    assert "Nothing was saved" in err


def test_an_unreachable_database_is_one_line_and_no_traceback(capsys):
    code, out, err = run(capsys, "postgresql://nobody@127.0.0.1:1/x", "ticket", "list")
    assert code == 2
    assert err.startswith("helpdesk: cannot reach the database")
    assert err.count("\n") == 1
    assert "Traceback" not in out + err


def test_an_unsupported_database_url_is_refused(capsys):
    code, _, err = run(capsys, "mysql://root@localhost/x", "ticket", "list")
    assert code == 2
    assert err.startswith("helpdesk: unsupported database URL")


def test_a_store_without_a_schema_is_refused_with_what_to_do(capsys, tmp_path):
    code, _, err = run(capsys, str(tmp_path / "empty.sqlite3"), "ticket", "list")
    assert code == 2
    assert "helpdesk db upgrade" in err and err.count("\n") == 1
