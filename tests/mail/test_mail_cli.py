"""`helpdesk intake …` and `helpdesk outbox …` as a mail server, cron and a person use
them: one line of output, the documented exit codes, never a traceback."""

from __future__ import annotations

import io
import json
import sys

import pytest

from helpdesk_tui.cli import main
from tests.mail._rows import tickets
from tests.mail.conftest import MESSAGES, free_port, message


@pytest.fixture
def config(tmp_path, monkeypatch):
    """A config file with [mail] in a temporary directory; returns a function adding lines."""
    path = tmp_path / "config.toml"
    base = (
        "[mail]\n"
        'from = "Service Desk <desk@desk.example>"\n'
        f'attachments_dir = "{tmp_path / "files"}"\n'
        f'failed_dir = "{tmp_path / "failed"}"\n'
    )
    path.write_text(base, "utf-8")
    monkeypatch.setenv("HELPDESK_CONFIG", str(path))

    def add(text: str) -> None:
        path.write_text(base + text, "utf-8")

    return add


@pytest.fixture
def cli(sqlite_store, capsys, config):
    def run(*args: str, db: str | None = None) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(["--db", db or sqlite_store.url, *args])
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return run


def test_intake_eml_from_a_file(cli, sqlite_store, tmp_path):
    code, out, err = cli("intake", "eml", str(MESSAGES / "attachments.eml"))
    assert (code, err) == (0, "")
    assert out.strip() == "HD-1001 opened with 3 attachments"
    assert len(list((tmp_path / "files" / "HD-1001").iterdir())) == 3


def test_intake_eml_from_standard_input_as_a_pipe_alias(cli, sqlite_store, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(message("koi8r"))))
    code, out, _err = cli("intake", "eml", "-", "--json")
    assert code == 0
    assert json.loads(out) | {"problems": []} == {
        "file": "-",
        "outcome": "created",
        "key": "HD-1001",
        "detail": "HD-1001 opened",
        "attachments": 0,
        "problems": [],
    }
    assert tickets(sqlite_store)[0].subject == "Не могу войти в личный кабинет"


def test_intake_eml_ignores_an_auto_reply_with_success(cli, sqlite_store):
    code, out, _err = cli("intake", "eml", str(MESSAGES / "autoreply.eml"))
    assert code == 0 and out.startswith("ignored: automatic reply")
    assert tickets(sqlite_store) == []


def test_an_unstorable_message_is_kept_in_failed_dir_with_exit_3(cli, sqlite_store, tmp_path):
    code, out, err = cli("intake", "eml", str(MESSAGES / "no_sender.eml"))
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and err.startswith("helpdesk: the message has no sender")
    [kept] = list((tmp_path / "failed").glob("*.eml"))
    assert kept.read_bytes() == message("no_sender")
    assert "no sender address" in kept.with_name(kept.name + ".reason").read_text("utf-8")


def test_a_missing_file_is_one_line_and_exit_2(cli, tmp_path):
    code, _out, err = cli("intake", "eml", str(tmp_path / "nope.eml"))
    assert code == 2 and err.startswith("helpdesk: cannot read ") and err.count("\n") == 1


def test_an_unreachable_store_asks_the_mail_server_to_try_later(cli):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    code, _out, err = cli("intake", "eml", str(MESSAGES / "plain.eml"), db=url)
    assert code == 75 and err.startswith("helpdesk: ") and err.count("\n") == 1


def test_intake_maildir_reports_and_exits_3_when_something_was_set_aside(cli, tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "m1").write_bytes(message("plain"))
    (box / "new" / "m2").write_bytes(message("no_sender"))
    code, out, err = cli("intake", "maildir", str(box))
    assert code == 3
    assert out.splitlines() == ["m1: HD-1001 opened", "2 messages: 1 opened, 1 set aside"]
    assert err.startswith("helpdesk: m2 set aside in ")
    code, out, err = cli("intake", "maildir", str(box), "--quiet")
    assert (code, out, err) == (0, "", "")


def test_outbox_send_once_and_list(cli, sqlite_store, config, smtp_server):
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server.config.port}\n')
    cli("intake", "eml", str(MESSAGES / "plain.eml"))
    code, out, err = cli("outbox", "send", "--once")
    assert (code, out.strip(), err) == (0, "1 sent, 0 to retry, 0 failed", "")
    assert len(smtp_server.received) == 1
    code, out, _err = cli("outbox", "list", "--json")
    [row] = json.loads(out)
    assert (row["ticket"], row["kind"], row["status"], row["attempts"]) == (
        "HD-1001",
        "ack",
        "sent",
        1,
    )
    code, out, _err = cli("outbox", "send", "--once")
    assert (code, out.strip()) == (0, "nothing to send")


def test_outbox_send_exits_75_when_the_server_is_down(cli, config):
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\ntimeout = 2\n')
    cli("intake", "eml", str(MESSAGES / "plain.eml"))
    code, out, err = cli("outbox", "send", "--once")
    assert code == 75 and out.strip() == "0 sent, 1 to retry, 0 failed"
    assert err.startswith("helpdesk: #1 to s.kravchenko@produkty24.example: ")


def test_a_bad_smtp_setting_is_one_line_and_exit_2(cli, config):
    config('[smtp]\nhost = "smtp.example.com"\nsecurity = "maybe"\n')
    code, _out, err = cli("outbox", "send", "--once")
    assert code == 2 and "'security' must be one of none, starttls, ssl" in err
    assert err.count("\n") == 1


def test_a_password_is_never_sent_unencrypted_to_a_remote_server(cli, config):
    config('[smtp]\nhost = "smtp.example.com"\nport = 25\nusername = "desk"\npassword = "x"\n')
    code, _out, err = cli("outbox", "send", "--once")
    assert code == 2 and "refusing to send the password unencrypted" in err
