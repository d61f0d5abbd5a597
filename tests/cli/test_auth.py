"""Logging in from the command line: the first admin password, HELPDESK_PASSWORD for
scripts, the no-echo prompt on a terminal, no terminal at all; deactivating agents; the
audit; and the commands that read or set up the desk asking for the right role.

Every failure is one line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import io
import json

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.services import auth, refusals
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import new_ticket
from tests.services.snapshot import refusal_count

ADMIN_PW = "the admin's long password"
IVANOVA_PW = "ivanova's long password"


@pytest.fixture
def cli(sqlite_store, capsys, monkeypatch):
    """`cli("ticket", "list", stdin="…", password="…")` → (exit code, stdout, stderr).
    Standard input is not a terminal unless `tty=[answers to the prompts]`."""

    def run(*args: str, stdin: str = "", password: str | None = None, tty=None):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        if password is None:
            monkeypatch.delenv("HELPDESK_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("HELPDESK_PASSWORD", password)
        prompts: list[str] = []
        if tty is not None:
            answers = iter(tty)
            monkeypatch.setattr("sys.stdin.isatty", lambda: True)

            def ask(prompt: str = "") -> str:
                prompts.append(prompt)
                return next(answers)

            monkeypatch.setattr("getpass.getpass", ask)
        with pytest.raises(SystemExit) as exited:
            main(["--db", sqlite_store.url, *args])
        out, err = capsys.readouterr()
        run.prompts = prompts
        assert "Traceback" not in out + err
        if exited.value.code:
            assert err.startswith("helpdesk: ") and err.count("\n") == 1, err
        return exited.value.code, out, err

    return run


@pytest.fixture
def shared(sqlite_store, cli):
    """The store after its first admin password and one for ivanova: it asks everybody."""
    assert cli("agent", "passwd", "admin", "--stdin", stdin=ADMIN_PW + "\n")[0] == 0
    code, _, err = cli(
        "--as", "admin", "agent", "passwd", "ivanova", "--stdin",
        stdin=IVANOVA_PW + "\n", password=ADMIN_PW,
    )  # fmt: skip
    assert code == 0, err
    return sqlite_store


def test_the_first_admin_password_is_set_without_logging_in_then_never_again(sqlite_store, cli):
    code, out, _ = cli("agent", "passwd", "admin", "--stdin", stdin=ADMIN_PW + "\n")
    assert code == 0 and "now asks every agent" in out
    assert auth.password_required(sqlite_store)
    code, _, err = cli("--as", "admin", "agent", "passwd", "admin", "--stdin", stdin="new one!\n")
    assert code == 2 and "needs admin's password" in err  # now it is an ordinary change


def test_a_script_logs_in_with_helpdesk_password(shared, cli):
    key = new_ticket(shared, resolve(shared, "ivanova")).key
    code, _, err = cli("ticket", "note", key, "Called", "--as", "ivanova", password=IVANOVA_PW)
    assert code == 0, err
    code, _, err = cli("ticket", "note", key, "Again", "--as", "ivanova", password="not it")
    assert (code, err) == (2, "helpdesk: wrong login or password\n")
    assert refusals.recent(shared)[0].reason == "wrong password"


def test_no_terminal_and_no_password_is_one_clear_line(shared, cli):
    key = new_ticket(shared, resolve(shared, "ivanova")).key
    before = refusal_count(shared)
    code, out, err = cli("ticket", "note", key, "Called back", "--as", "ivanova")
    assert code == 2 and out == ""
    assert "needs ivanova's password: run in a terminal, or set HELPDESK_PASSWORD" in err
    assert refusal_count(shared) == before + 1


def test_reading_a_shared_store_needs_a_login_too(shared, cli):
    assert cli("ticket", "list", "--as", "ivanova")[0] == 2
    assert cli("agent", "list", "--as", "ivanova")[0] == 2
    assert cli("ticket", "list", "--as", "ivanova", password=IVANOVA_PW)[0] == 0


def test_on_a_terminal_the_password_is_asked_without_echo(shared, cli):
    code, _, err = cli("--as", "ivanova", "agent", "list", tty=[IVANOVA_PW])
    assert code == 0, err
    assert cli.prompts == ["Password for ivanova: "]


def test_an_agent_changes_their_own_password_after_the_current_one(shared, cli):
    new = "ivanova's new long password"
    code, _, err = cli(
        "--as", "ivanova", "agent", "passwd", "ivanova", tty=[IVANOVA_PW, new, new]
    )  # fmt: skip
    assert code == 0, err
    assert cli.prompts == [
        "Password for ivanova: ",
        "New password for ivanova: ",
        "The same again: ",
    ]
    assert auth.login(shared, "ivanova", new).login == "ivanova"
    code, _, err = cli(
        "--as", "ivanova", "agent", "passwd", "ivanova", tty=[new, "one long password", "typo"]
    )  # fmt: skip
    assert (code, err) == (2, "helpdesk: the two passwords differ; nothing was changed\n")
    code, _, err = cli("--as", "ivanova", "agent", "passwd", "ivanova", password=new)
    assert code == 2 and "pipe it in with --stdin" in err


def test_only_admins_set_other_agents_passwords(shared, cli):
    code, _, err = cli(
        "--as", "ivanova", "agent", "passwd", "petrov", "--stdin",
        stdin="petrov's long password\n", password=IVANOVA_PW,
    )  # fmt: skip
    assert code == 2 and "only for themselves" in err
    assert refusals.recent(shared)[0].action == "agent.password"


def test_a_deactivated_agent_can_do_nothing_until_activated(shared, cli):
    key = new_ticket(shared, resolve(shared, "ivanova")).key
    as_admin = {"password": ADMIN_PW}
    code, out, _ = cli("--as", "admin", "agent", "deactivate", "ivanova", **as_admin)
    assert code == 0 and "ivanova is inactive" in out
    code, _, err = cli("ticket", "note", key, "Hello", "--as", "ivanova", password=IVANOVA_PW)
    assert (code, err) == (2, "helpdesk: agent ivanova is inactive and can do nothing\n")
    code, _, err = cli("--as", "ivanova", "agent", "activate", "ivanova", password=IVANOVA_PW)
    assert code == 2
    assert cli("--as", "admin", "agent", "activate", "ivanova", **as_admin)[0] == 0
    assert cli("ticket", "note", key, "Hello", "--as", "ivanova", password=IVANOVA_PW)[0] == 0


def test_the_audit_is_for_supervisors_and_admins(sqlite_store, cli):
    assert cli("agent", "deactivate", "petrov", "--as", "ivanova")[0] == 2
    code, out, err = cli("audit", "refusals", "--as", "morozov", "--json", "--since", "1h")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["login"], r["action"]) for r in rows] == [("ivanova", "agent.activate")]
    assert cli("audit", "refusals", "--as", "ivanova")[0] == 2
    code, out, _ = cli("audit", "refusals", "--as", "morozov", "--agent", "ivanova", "--json")
    assert [r["action"] for r in json.loads(out)] == ["audit.view", "agent.activate"]
    code, _, err = cli("audit", "refusals", "--as", "morozov", "--since", "last tuesday")
    assert code == 2 and "--since 'last tuesday'" in err


def test_agent_changes_are_in_the_audit(sqlite_store, cli):
    assert cli("agent", "deactivate", "petrov", "--as", "admin")[0] == 0
    code, out, err = cli("audit", "agents", "--as", "morozov", "--json")
    assert code == 0, err
    (row,) = json.loads(out)
    assert (row["agent"], row["by"], row["what"], row["text"]) == (
        "petrov",
        "admin",
        "active",
        "deactivated",
    )


def test_reports_are_for_supervisors(sqlite_store, cli):
    code, _, err = cli("report", "--as", "ivanova")
    assert code == 2 and "a dispatcher may not read the kpi reports" in err.lower()
    assert cli("report", "--as", "morozov", "--format", "json")[0] == 0


def test_setting_up_a_shared_store_is_an_admins_job(shared, cli):
    code, _, err = cli("--as", "ivanova", "data", "load", password=IVANOVA_PW)
    assert code == 2 and "may not load the reference data" in err
    code, _, err = cli("data", "load")
    assert code == 2 and "who is acting?" in err
    assert cli("--as", "admin", "data", "load", password=ADMIN_PW)[0] == 0
    assert cli("--as", "ivanova", "db", "upgrade", password=IVANOVA_PW)[0] == 2
    assert cli("--as", "admin", "db", "upgrade", password=ADMIN_PW)[0] == 0


def test_a_private_store_is_set_up_by_whoever_opens_it(sqlite_store, cli):
    assert cli("data", "load")[0] == 0
    assert cli("db", "upgrade")[0] == 0


def test_the_application_asks_for_the_password_before_it_starts(shared, cli, monkeypatch):
    started = []

    class Fake:
        return_code = 0

        def run(self):
            started.append(True)

    def fake_make_app(store, actor, settings=None, **kw):
        started.append(actor.login)
        return Fake()

    monkeypatch.setattr("helpdesk_tui.app.make_app", fake_make_app)
    code, _, err = cli("--as", "ivanova")
    assert code == 2 and "needs ivanova's password" in err and started == []
    assert cli("--as", "ivanova", tty=["wrong password"])[0] == 2 and started == []
    assert cli("--as", "ivanova", tty=[IVANOVA_PW])[0] == 0
    assert started == ["ivanova", True]
