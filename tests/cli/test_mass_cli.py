"""`helpdesk ticket attach PARENT KEYS…` and `helpdesk ticket exclude KEY`: the mass
incident from the command line, the same services as the queue's M and x."""

from __future__ import annotations

import io
import json
import os
import signal

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.services import mass_incident, ticket_actions
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import BENNETT, new_ticket, ticket_row


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


def test_resolving_a_parent_shows_each_child_on_stderr_and_its_json_lists_them(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    parent = new_ticket(sqlite_store, ivanova, subject="Outage").key
    kids = [new_ticket(sqlite_store, ivanova, subject=f"Call {n}").key for n in range(3)]
    mass_incident.attach(sqlite_store, ivanova, parent, kids)
    mass_incident.set_excluded(sqlite_store, ivanova, kids[2], True)
    code, out, err = cli("ticket", "resolve", parent, "Power restored.", "--as", "ivanova")
    assert code == 0, err
    assert f"{parent} resolved" in out
    assert "resolving its 2 open child tickets" in err
    assert f"[1/2] {kids[0]} resolved" in err and f"[2/2] {kids[1]} resolved" in err
    assert "2 of 2 children resolved, 0 refused, 1 excluded left open" in err
    assert [ticket_row(sqlite_store, k).status for k in kids[:2]] == ["resolved"] * 2
    other = new_ticket(sqlite_store, ivanova, subject="Second outage").key
    kid = new_ticket(sqlite_store, ivanova, subject="Call").key
    mass_incident.attach(sqlite_store, ivanova, other, [kid])
    code, out, err = cli("ticket", "resolve", other, "Fixed.", "--as", "ivanova", "--json")
    assert code == 0, err
    row = json.loads(out)
    assert row["status"] == "resolved" and row["children"][0]["key"] == kid


def test_a_refused_child_exits_1_and_ctrl_c_stops_after_the_child_in_hand(
    cli, sqlite_store, monkeypatch
):
    ivanova = resolve(sqlite_store, "ivanova")
    parent = new_ticket(sqlite_store, ivanova, subject="Outage").key
    mail = new_ticket(
        sqlite_store, ivanova, subject="Mail", service="email", contact=BENNETT
    ).key  # the first child, in l2-software: volkov may not resolve it
    kids = [new_ticket(sqlite_store, ivanova, subject=f"Call {n}").key for n in range(5)]
    mass_incident.attach(sqlite_store, ivanova, parent, [mail, *kids])
    real = ticket_actions.resolve
    calls = []

    def resolve_then_interrupt(*args, **kwargs):
        done = real(*args, **kwargs)
        calls.append(args[2])
        if len(calls) == 3:  # the parent, then two children resolved: Ctrl+C
            os.kill(os.getpid(), signal.SIGINT)
        return done

    monkeypatch.setattr(ticket_actions, "resolve", resolve_then_interrupt)
    before = signal.getsignal(signal.SIGINT)  # ignored where the run was started in the background
    code, out, err = cli("ticket", "resolve", parent, "Replaced.", "--as", "volkov")
    assert code == 1
    assert f"{mail} refused:" in err and "l2-software" in err
    assert "stopping after the ticket in hand" in err
    assert "2 of 6 children resolved, 1 refused, stopped with 3 left open" in err
    assert [ticket_row(sqlite_store, k).status == "resolved" for k in kids] == [
        True, True, False, False, False,
    ]  # fmt: skip
    assert signal.getsignal(signal.SIGINT) is before  # put back
    monkeypatch.setattr(ticket_actions, "resolve", real)
    code, out, err = cli("ticket", "cascade", parent, "--as", "ivanova", "--json")
    assert code == 0, err
    assert [(row["key"], row["ok"]) for row in json.loads(out)] == [
        (k, True) for k in [mail, *kids[2:]]
    ]  # the dispatcher may resolve the mail ticket too
    code, _, err = cli("ticket", "cascade", parent, "--as", "ivanova")
    assert code == 2 and "no open children" in err
