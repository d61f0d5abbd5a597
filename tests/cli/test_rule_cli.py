"""`helpdesk rule list|test`: the rules in force, and a dry run on a ticket."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.services.setup import load_data, reference_dir
from tests.services._helpers import counts, new_ticket


@pytest.fixture
def cli(sqlite_store, capsys):
    load_data(sqlite_store, reference_dir())  # the test stores start without the rules

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(["--db", sqlite_store.url, *args])
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return run


def test_list_shows_each_rule_when_if_then(cli):
    code, out, _ = cli("rule", "list")
    assert code == 0
    assert "p1-supervisors" in out and "priority:P1" in out and "notify supervisors" in out
    code, out, _ = cli("rule", "list", "--json")
    rules = {r["code"]: r for r in json.loads(out)}
    assert rules["quiet-urgent"]["when"] == ["idle"] and rules["quiet-urgent"]["after_s"] == 14400
    assert all(r["problem"] == "" for r in rules.values())


def test_a_dry_run_tells_and_writes_nothing(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    p4 = new_ticket(sqlite_store, ivanova).key
    p1 = new_ticket(sqlite_store, ivanova, impact=1, urgency=1).key
    before = counts(sqlite_store)
    code, out, _ = cli("rule", "test", "p1-supervisors", p1)
    assert code == 0
    assert f"{p1} matches p1-supervisors: told morozov; note added to {p1}" in out
    code, out, _ = cli("rule", "test", "p1-supervisors", p4)
    assert code == 1 and f"{p4} does not match rule p1-supervisors" in out
    assert counts(sqlite_store) == before


def test_unknown_rules_and_tickets_are_one_line(cli):
    code, _, err = cli("rule", "test", "nope", "HD-1")
    assert code == 2 and "no rule 'nope'" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("rule", "test", "p1-supervisors", "HD-999999")
    assert code == 2 and "no ticket HD-999999" in err
