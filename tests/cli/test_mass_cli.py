"""`helpdesk ticket attach PARENT KEYS…` and `helpdesk ticket exclude KEY`: the mass
incident from the command line, the same services as the queue's M and x."""

from __future__ import annotations

import io
import json

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import new_ticket, ticket_row


@pytest.fixture
def cli(sqlite_store, capsys, monkeypatch):
    def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as exited:
            main(["--db", sqlite_store.url, *args])
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return run


def test_attach_from_a_pipe_then_exclude_then_resolve(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    parent = new_ticket(sqlite_store, ivanova, subject="Outage").key
    kids = [new_ticket(sqlite_store, ivanova, subject=f"Call {n}").key for n in range(3)]
    code, out, err = cli(
        "ticket", "attach", parent, "-", "--as", "ivanova", "--json", stdin="\n".join(kids)
    )
    assert code == 0, err
    assert [row["ok"] for row in json.loads(out)] == [True, True, True]
    code, _, err = cli("ticket", "exclude", kids[0], "--as", "ivanova")
    assert code == 0, err
    done = ticket_actions.resolve(sqlite_store, ivanova, parent, "Power restored.")
    assert "2 child tickets resolved with it, 1 excluded" in done.message
    assert ticket_row(sqlite_store, kids[0]).status != "resolved"


def test_attach_reports_refusals_and_exits_1(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    parent = new_ticket(sqlite_store, ivanova, subject="Outage").key
    kid = new_ticket(sqlite_store, ivanova, subject="Call").key
    code, _, err = cli("ticket", "attach", parent, kid, "HD-999999", "--as", "ivanova")
    assert code == 1 and "HD-999999: no ticket HD-999999" in err and "1 of 2 changed" in err


def test_bad_input_is_one_line_and_exit_2(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    key = new_ticket(sqlite_store, ivanova).key
    code, _, err = cli("ticket", "exclude", key, "--as", "ivanova")
    assert code == 2 and "not part of a mass incident" in err and "Traceback" not in err
    code, _, err = cli("ticket", "attach", key, key, "--as", "ivanova")
    assert code == 2 and "nothing to attach" in err


def test_a_new_call_registered_as_part_of_an_incident(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    parent = new_ticket(sqlite_store, ivanova, subject="Outage").key
    code, out, err = cli(
        "ticket", "new", "--as", "ivanova", "--service", "receipt-printer",
        "--contact", "s.kravchenko@produkty24.example", "--subject", "Printer down too",
        "--parent", parent, "--json",
    )  # fmt: skip
    assert code == 0, err
    key = json.loads(out)["key"]
    assert ticket_row(sqlite_store, key).parent_id == ticket_row(sqlite_store, parent).id
