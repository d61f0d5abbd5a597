"""`helpdesk view save|list|delete` and `helpdesk ticket list --view NAME`."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import new_ticket


@pytest.fixture
def cli(sqlite_store, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(["--db", sqlite_store.url, *args])
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return run


def test_a_saved_view_lists_its_tickets(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    urgent = new_ticket(sqlite_store, ivanova, subject="POS frozen", impact=1, urgency=1).key
    new_ticket(sqlite_store, ivanova, subject="Question", service="question")
    code, out, err = cli("view", "save", "Burning", "priority:P1", "--as", "morozov")
    assert code == 0 and "view 'Burning' saved" in out, err
    code, out, _ = cli("view", "list", "--as", "morozov", "--json")
    assert [v["name"] for v in json.loads(out)] == ["Burning"]
    code, out, _ = cli("ticket", "list", "--view", "burning", "--as", "morozov", "--keys")
    assert code == 0 and out.split() == [urgent]
    code, out, _ = cli("view", "delete", "Burning", "--as", "morozov")
    assert code == 0 and "deleted" in out


def test_bad_views_are_one_line_errors(cli):
    code, _, err = cli("view", "save", "Broken", "group:nowhere", "--as", "morozov")
    assert code == 2 and "nowhere" in err and len(err.strip().splitlines()) <= 2
    code, _, err = cli("ticket", "list", "--view", "Nothing", "--as", "morozov")
    assert code == 2 and "no view called 'Nothing'" in err
