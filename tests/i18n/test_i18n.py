"""The language in force: plural forms, where the choice comes from, local dates and
durations, reference names in the language."""

from __future__ import annotations

import gettext
from datetime import date, datetime

import pytest
from babel import Locale

from helpdesk_tui import i18n
from helpdesk_tui.cli.lang import choose_language, lang_option
from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.sla import format_duration as english_duration


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "заявок"),
        (1, "заявка"),
        (2, "заявки"),
        (5, "заявок"),
        (11, "заявок"),
        (21, "заявка"),
        (22, "заявки"),
        (25, "заявок"),
        (111, "заявок"),
    ],
)
def test_russian_plural_forms(n, word):
    i18n.set_language("ru")
    text = i18n.n_(
        "{n} ticket: {changed} changes made, {failed} refused",
        "{n} tickets: {changed} changes made, {failed} refused",
        n,
    ).format(n=n, changed=0, failed=0)
    assert text.startswith(f"{n} {word}:")


@pytest.mark.parametrize(("n", "text"), [(0, "0 articles"), (1, "1 article"), (2, "2 articles")])
def test_english_plural_forms(n, text):
    assert i18n.n_("{n} article", "{n} articles", n).format(n=n) == text


def test_the_russian_catalog_counts_like_cldr():
    """The catalog's Plural-Forms picks the form Babel's (CLDR) rule for Russian picks, for
    every count (the rule's spelling changes between CLDR releases, its answers do not)."""
    from babel.messages.plurals import get_plural

    rule = get_plural(Locale("ru"))
    header = i18n.catalog("ru").info()["plural-forms"]
    ours = gettext.c2py(header.split("plural=", 1)[1].rstrip(";"))
    cldr = gettext.c2py(rule.plural_expr)
    assert [ours(n) for n in range(1000)] == [cldr(n) for n in range(1000)]


def test_context_keeps_one_english_word_apart():
    i18n.set_language("ru")
    assert i18n.pgettext("column", "key") == "номер"
    assert i18n._("KPIs") == "Показатели"
    assert i18n._("a text nobody translated") == "a text nobody translated"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ru", "ru"),
        ("RU", "ru"),
        ("ru_RU.UTF-8", "ru"),
        ("en_GB.UTF-8", "en"),
        ("de", "en"),
        ("C.UTF-8", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_unknown_languages_are_english(value, expected):
    assert i18n.normalize(value) == expected


@pytest.fixture
def config_ru(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('lang = "ru"\n', encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("flag", "env_lang", "config", "locale", "expected"),
    [
        ("en", "ru", True, "ru_RU.UTF-8", "en"),  # the flag first
        (None, "en", True, "ru_RU.UTF-8", "en"),  # then HELPDESK_LANG
        (None, None, True, "en_US.UTF-8", "ru"),  # then the config file
        (None, None, False, "ru_RU.UTF-8", "ru"),  # then LANG
        (None, None, False, "de_DE.UTF-8", "en"),  # English when unknown
        (None, None, False, None, "en"),
    ],
)
def test_the_order_of_the_language_sources(config_ru, flag, env_lang, config, locale, expected):
    env = {}
    if env_lang:
        env["HELPDESK_LANG"] = env_lang
    env["HELPDESK_CONFIG"] = config_ru if config else config_ru + ".absent"
    if locale:
        env["LANG"] = locale
    settings = load_settings(lang=flag, env=env)
    assert i18n.normalize(settings.lang.value) == expected


def test_the_command_line_chooses_before_parsing(monkeypatch, config_ru):
    monkeypatch.setenv("HELPDESK_CONFIG", config_ru)
    assert choose_language(["ticket", "list"]) == "ru"  # the config file
    monkeypatch.setenv("HELPDESK_LANG", "en")
    assert choose_language(["ticket", "list"]) == "en"  # the environment over it
    assert choose_language(["--db", "x.db", "--lang", "ru", "ticket", "list"]) == "ru"
    assert choose_language(["--lang=ru", "kb", "search"]) == "ru"


def test_a_subcommands_lang_is_not_the_interfaces():
    assert lang_option(["kb", "search", "--lang", "ru"]) is None
    assert lang_option(["--as", "petrov", "--lang", "ru", "kb", "search"]) == "ru"


def test_switching_in_a_block():
    with i18n.using("ru"):
        assert i18n._("Back") == "Назад"
    assert i18n._("Back") == "Back"


def test_dates_and_times_in_the_local_style():
    at = datetime(2026, 11, 22, 14, 5)
    assert i18n.format_datetime(at) == "2026-11-22 14:05"
    assert i18n.format_date(at.date()) == "2026-11-22"
    i18n.set_language("ru")
    assert i18n.format_datetime(at) == "22.11.2026 14:05"
    assert i18n.format_date(date(2026, 1, 5)) == "05.01.2026"


@pytest.mark.parametrize(
    ("seconds", "ru"),
    [
        (8100, "2 ч 15 мин"),
        (2 * 3600 + 5 * 60, "2 ч 5 мин"),
        (45 * 60, "45 мин"),
        (59, "0 мин"),
        (-(3600 + 5 * 60), "-1 ч 5 мин"),
        (120 * 3600 + 7 * 60, "120 ч"),
    ],
)
def test_durations(seconds, ru):
    assert i18n.format_duration(seconds) == english_duration(seconds)  # English unchanged
    assert i18n.format_duration(seconds, "ru") == ru


class _Group:
    name = "Hardware"
    name_ru = "Оборудование"


class _Unnamed:
    name = "Network"
    name_ru = ""


def test_reference_names_in_the_language():
    assert i18n.localized(_Group()) == "Hardware"
    i18n.set_language("ru")
    assert i18n.localized(_Group()) == "Оборудование"
    assert i18n.localized(_Unnamed()) == "Network"  # no Russian name: the English one
    assert i18n.localized({"name": "Cash desk", "name_ru": "Касса"}) == "Касса"


def test_the_russian_style_is_cldrs_short_date_and_time():
    """`22.11.2026 14:05` is the locale's own short date and time (CLDR, through Babel)."""
    from babel.dates import format_date, format_time

    at = datetime(2026, 11, 22, 14, 5)
    russian = Locale("ru")
    assert format_date(at.date(), "short", locale=russian) == i18n.format_date(at.date(), "ru")
    assert format_time(at.time(), "short", locale=russian) == "14:05"
    assert i18n.format_datetime(at, "ru") == "22.11.2026 14:05"


def test_config_lists_the_user_keys_in_the_language(monkeypatch, tmp_path, capsys):
    """`helpdesk config` with `[user_keys]`: their rows are labelled in the language in
    force (they once had no label and stopped the command), the JSON keys stay English."""
    import json

    from helpdesk_tui.cli import main

    path = tmp_path / "config.toml"
    path.write_text('[user_keys]\n"ctrl+y" = "macro:ask-cash-desk"\n', encoding="utf-8")
    monkeypatch.setenv("HELPDESK_CONFIG", str(path))
    monkeypatch.delenv("HELPDESK_LANG", raising=False)
    for args in (["--lang", "ru", "config"], ["--lang", "ru", "config", "--json"]):
        with pytest.raises(SystemExit) as exited:
            main(args)
        assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "клавиша ctrl+y" in out and "macro ask-cash-desk" in out
    assert json.loads(out[out.index("{") :])["key ctrl+y"]["source"] == "[user_keys]"
    assert "командная строка" in out  # where the language came from, in Russian…
    assert json.loads(out[out.index("{") :])["language"]["source"] == "command line"  # …not here
