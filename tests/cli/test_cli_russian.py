"""The command line in Russian: `--lang ru`, HELPDESK_LANG, the config file; tables,
messages, errors and help in Russian; what programs read (CSV, JSON) unchanged."""

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


def header(out: str) -> list[str]:
    """The column names of the table printed first."""
    return [cell.strip() for cell in out.splitlines()[0].split("┃")]


@pytest.fixture
def ticket(sqlite_store) -> str:
    return new_ticket(sqlite_store, resolve(sqlite_store, "ivanova")).key


def test_a_missing_ticket_and_a_refusal_in_russian(cli, ticket):
    code, _out, err = cli("--lang", "ru", "ticket", "show", "HD-999999")
    assert (code, err) == (2, "helpdesk: нет заявки HD-999999\n")
    code, _out, err = cli("--lang", "ru", "ticket", "close", ticket, "--as", "lebedev")
    assert code == 2
    assert err.startswith(f"helpdesk: {ticket} в статусе «назначена»")
    assert len(err.strip().splitlines()) == 1


def test_ticket_list_in_russian(cli, ticket):
    code, out, err = cli("--lang", "ru", "ticket", "list")
    assert (code, err) == (0, "")
    assert header(out)[:4] == ["номер", "приоритет", "статус", "тема"]
    assert ticket in out


def test_ticket_list_in_english_is_as_it_was(cli, ticket):
    _code, out, _err = cli("ticket", "list")
    assert header(out)[:4] == ["key", "priority", "status", "subject"]


def test_programs_read_the_same_columns_in_any_language(cli, ticket):
    _code, out, _err = cli("--lang", "ru", "ticket", "list", "--csv")
    assert out.splitlines()[0].startswith("key,priority,status,subject")
    _code, out, _err = cli("--lang", "ru", "agent", "list", "--json")
    assert set(json.loads(out)[0]) >= {"login", "name", "role", "on_shift"}


def test_the_environment_and_the_config_file_choose_russian(cli, ticket, monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_LANG", "ru")
    assert header(cli("ticket", "list")[1])[0] == "номер"
    monkeypatch.delenv("HELPDESK_LANG")
    config = tmp_path / "config.toml"
    config.write_text('lang = "ru"\n', encoding="utf-8")
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    assert header(cli("ticket", "list")[1])[0] == "номер"
    assert header(cli("--lang", "en", "ticket", "list")[1])[0] == "key"


def test_the_ticket_in_russian(cli, ticket):
    code, out, _err = cli("--lang", "ru", "ticket", "show", ticket)
    assert code == 0
    assert "срок решения" in out and "история" in out
    assert "влияние" in out  # "P4 (влияние 3, срочность 3)"
    assert "Чековый принтер" in out  # the service by its Russian name (name_ru)


def test_dates_in_the_russian_style(cli, ticket):
    _code, out, _err = cli("--lang", "ru", "ticket", "list")
    row = next(line for line in out.splitlines() if ticket in line)
    assert any(len(w) == 10 and w[2] == w[5] == "." for w in row.split())  # 27.11.2026


def test_messages_and_plurals_in_russian(cli, sqlite_store, monkeypatch, ticket):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{ticket}\n"))
    code, _out, err = cli(
        "--lang", "ru", "ticket", "bulk", "-", "--set", "priority=P2", "--as", "morozov"
    )
    assert code == 0
    assert "1 заявка: изменений 1, отказов 0" in err


def test_errors_in_russian(cli):
    code, _out, err = cli(
        "--lang",
        "ru",
        "ticket",
        "new",
        "--as",
        "ivanova",
        "--service",
        "receipt-printer",
        "--subject",
        "x",
        "--created-at",
        "вчера",
    )
    assert code == 2
    assert err.startswith("helpdesk: это не дата и время ISO 8601: 'вчера'")
    assert len(err.strip().splitlines()) == 1


def test_help_in_russian(cli):
    code, out, _err = cli("--lang", "ru", "ticket", "--help")
    assert code == 0
    assert "Заявки: регистрация, список, просмотр и изменение." in out
    assert "Зарегистрировать обращение" in out  # a command's docstring, shortened
    code, out, _err = cli("--lang", "ru", "ticket", "new", "--help")
    assert "Одна строка: что случилось." in out


def test_a_subcommands_lang_filters_without_changing_the_language(cli):
    code, out, err = cli("kb", "search", "--lang", "ru", "--as", "ivanova")
    assert code == 0, err
    assert header(out)[0] == "slug"


def test_reference_names_in_russian(cli):
    _code, out, _err = cli("--lang", "ru", "service", "list")
    assert "Кассовое ПО" in out
    _code, out, _err = cli("service", "list")
    assert "Кассовое ПО" not in out


def test_a_bad_data_file_is_refused_in_one_line_of_the_language(cli, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    lines = folder / "lines.toml"
    lines.write_text('[[line]]\ncode = "l1"\nlevel = 12\n', encoding="utf-8")
    code, _out, err = cli("--as", "admin", "data", "load", str(folder))
    assert (code, err) == (
        2,
        f"helpdesk: {lines}:2: line 'l1': 'level' must be a whole number from 1 to 9\n",
    )
    code, _out, err = cli("--lang", "ru", "--as", "admin", "data", "load", str(folder))
    assert (code, err) == (
        2,
        f"helpdesk: {lines}:2: линия 'l1': поле 'level' должно быть целым числом от 1 до 9\n",
    )
    lines.write_bytes(b'[[line]]\ncode = "l\xff"\n')
    code, _out, err = cli("--lang", "ru", "--as", "admin", "data", "load", str(folder))
    assert (code, err) == (2, f"helpdesk: {lines}: не текст в UTF-8\n")


def test_a_bad_config_file_is_refused_in_one_line_of_the_language(cli, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('keys = "ctrl+q"\n', encoding="utf-8")
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    code, _out, err = cli("agent", "list")
    assert (code, err) == (2, f"helpdesk: {config}: [keys] must map action ids to key names\n")
    code, _out, err = cli("--lang", "ru", "agent", "list")
    assert (code, err) == (
        2,
        f"helpdesk: {config}: [keys] должно сопоставлять действиям названия клавиш\n",
    )
