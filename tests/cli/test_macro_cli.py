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


def test_add_edit_delete_and_the_log_of_macros_made_here(cli, sqlite_store, tmp_path):
    code, out, err = cli(
        "macro",
        "add",
        "wait-for-shop",
        "--name",
        "Wait for the shop",
        "--name-ru",
        "Ждать магазин",
        "--step",
        'reply = "ask-cash-desk"',
        "--step",
        '{ status = "waiting_customer" }',
        "--as",
        "morozov",
    )
    assert code == 0, err
    assert "reply ask-cash-desk → status waiting_customer" in out
    code, out, _ = cli("macro", "list", "--json")
    [made] = [m for m in json.loads(out) if m["code"] == "wait-for-shop"]
    assert made["origin"] == "app" and made["name_ru"] == "Ждать магазин"
    # a bad step: one line naming it, nothing saved
    code, _out, err = cli(
        "macro", "edit", "wait-for-shop", "--step", "take = true", "--step", 'sing = "x"',
        "--as", "morozov",
    )  # fmt: skip
    assert code == 2 and "line 2, step 2: unknown action 'sing'" in err
    assert len(err.strip().splitlines()) == 1
    steps = tmp_path / "steps.txt"
    steps.write_text('# a comment\ntake = true\nstatus = "in_progress"\n', encoding="utf-8")
    code, out, err = cli("macro", "edit", "wait-for-shop", "--steps", str(steps), "--as", "morozov")
    assert code == 0, err
    assert "take → status in_progress" in out
    code, out, _ = cli("macro", "list", "--json")
    [made] = [m for m in json.loads(out) if m["code"] == "wait-for-shop"]
    assert made["name"] == "Wait for the shop"  # not given: kept
    assert [s["action"] for s in made["steps"]] == ["take", "status"]
    code, _out, err = cli("macro", "edit", "printer-paper", "--name", "X", "--as", "morozov")
    assert code == 2 and "data/macros.toml" in err
    code, _out, err = cli("macro", "add", "x-one", "--name", "X", "--step", "take = true",
                          "--as", "lebedev")  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1  # engineers do not write macros
    code, out, err = cli("macro", "delete", "wait-for-shop", "--as", "morozov")
    assert code == 0, err
    code, out, err = cli("macro", "log", "--json", "--as", "admin")
    assert code == 0, err
    assert [(e["by"], e["action"]) for e in json.loads(out)] == [
        ("morozov", "deleted"),
        ("morozov", "changed"),
        ("morozov", "created"),
    ]
    code, out, err = cli("macro", "log", "--as", "admin")
    assert code == 0 and "wait-for-shop" in out
