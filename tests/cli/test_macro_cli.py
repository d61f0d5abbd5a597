"""`helpdesk macro list|run`: the data's macros, run on keys given or piped."""

from __future__ import annotations

import io
import json

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import events_of, new_ticket, ticket_row


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


def test_list_and_run_a_macro_on_piped_keys(cli, sqlite_store):
    code, out, _ = cli("macro", "list", "--json")
    assert code == 0 and "ask-cash-desk" in [m["code"] for m in json.loads(out)]
    ivanova = resolve(sqlite_store, "ivanova")
    keys = [new_ticket(sqlite_store, ivanova, subject=f"Касса {i}").key for i in (1, 2)]
    code, out, err = cli(
        "macro", "run", "ask-cash-desk", "-", "--as", "morozov", stdin="\n".join(keys)
    )
    assert code == 0, err
    assert "2 done" in err
    for key in keys:
        assert ticket_row(sqlite_store, key).status == "waiting_customer"
        assert [e.kind for e in events_of(sqlite_store, key)][-2:] == ["reply", "status"]


def test_an_unknown_macro_is_one_line(cli):
    code, _, err = cli("macro", "run", "nope", "HD-1", "--as", "morozov")
    assert code == 2 and "no macro 'nope'" in err and len(err.strip().splitlines()) == 1
