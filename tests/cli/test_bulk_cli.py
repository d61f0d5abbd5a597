"""`helpdesk ticket list --keys | helpdesk ticket bulk - --set …`: each ticket its own
audited change, refusals reported per ticket without stopping the rest."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.cli import main
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.priority import IMPACTS, URGENCIES, cells_for, priority_of
from helpdesk_tui.services import bulk, ticket_actions
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import events_of, new_ticket, ticket_row

ITIL = {(i, u): min(4, max(1, i + u - 1)) for i in IMPACTS for u in URGENCIES}


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


def test_keys_piped_from_a_listing_each_change_audited(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    keys = [new_ticket(sqlite_store, ivanova, subject=f"Printer {i}").key for i in range(3)]
    code, listed, _ = cli("ticket", "list", "--where", "printer", "--keys")
    assert code == 0 and set(listed.split()) == set(keys)
    code, _out, err = cli(
        "ticket", "bulk", "-", "--set", "priority=P1", "--as", "morozov", stdin=listed
    )
    assert code == 0, err
    assert "3 tickets: 3 changes made, 0 refused" in err
    for key in keys:
        assert ticket_row(sqlite_store, key).priority == 1
        changes = [e for e in events_of(sqlite_store, key) if e.kind == "priority"]
        assert len(changes) == 1  # one change, one event, per ticket


def test_a_refusal_is_reported_and_the_others_go_on(cli, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    first = new_ticket(sqlite_store, ivanova, subject="One").key
    closed = new_ticket(sqlite_store, ivanova, subject="Two").key
    last = new_ticket(sqlite_store, ivanova, subject="Three").key
    ticket_actions.set_status(sqlite_store, ivanova, closed, "cancelled", note="duplicate")
    code, out, _err = cli(
        "ticket",
        "bulk",
        first,
        closed,
        last,
        "--set",
        "group=l2-software",
        "--as",
        "morozov",
        "--json",
    )
    assert code == 1
    outcomes = {o["key"]: o for o in json.loads(out)}
    assert outcomes[first]["ok"] and outcomes[last]["ok"], outcomes
    assert not outcomes[closed]["ok"] and "cancelled" in outcomes[closed]["message"]
    assert ticket_row(sqlite_store, last).group_id == ticket_row(sqlite_store, first).group_id


@pytest.mark.parametrize(
    "args, message",
    [
        (["--set", "colour=red"], "--set takes FIELD=VALUE"),
        (["--set", "priority=P9"], "unknown priority"),
        (["--set", "status=sleeping"], "status"),
        (["--set", "priority="], "needs a value"),
    ],
)
def test_bad_settings_change_nothing(cli, sqlite_store, args, message):
    key = new_ticket(sqlite_store, resolve(sqlite_store, "ivanova"), subject="Untouched").key
    before = ticket_row(sqlite_store, key).version
    code, _out, err = cli("ticket", "bulk", key, *args, "--as", "morozov")
    assert code == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert ticket_row(sqlite_store, key).version == before


def test_bad_keys_on_stdin_are_named_by_line(cli, sqlite_store):
    code, _, err = cli(
        "ticket",
        "bulk",
        "-",
        "--set",
        "priority=P2",
        "--as",
        "morozov",
        stdin="HD-1\n\n# a comment\nDROP TABLE ticket\n",
    )
    assert code == 2 and "line 4" in err


def test_keys_parse_forgivingly():
    assert bulk.parse_keys(["hd-7 HD-7", "8  # eight", "", "HD-9\n"]) == ["HD-7", "HD-8", "HD-9"]
    with pytest.raises(Invalid):
        bulk.parse_keys(["", "# nothing"])


@given(
    st.integers(1, 4),
    st.sampled_from(sorted(IMPACTS)),
    st.sampled_from(sorted(URGENCIES)),
)
def test_the_cell_for_a_priority_gives_it_and_moves_little(priority, impact, urgency):
    i, u = cells_for(ITIL, priority, impact, urgency)
    assert priority_of(ITIL, i, u) == priority
    if priority_of(ITIL, impact, urgency) == priority:
        assert (i, u) == (impact, urgency)
    elif any(priority_of(ITIL, impact, x) == priority for x in URGENCIES):
        assert i == impact  # the urgency changed, the impact kept
