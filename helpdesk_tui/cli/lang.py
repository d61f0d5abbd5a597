"""The command line in the user's language.

The language is chosen before the command line is parsed (`--help` is answered while
parsing): `--lang` among the options before the subcommand, else HELPDESK_LANG, the config
file's `lang`, LANG — the order `config.load_settings` keeps — and English when unknown.

Help texts are written at import, before the language is known: typer's `help=` are marked
`N_("…")` and the commands' docstrings are their help; both are translated on the click
command tree that typer builds for each run (`localize_help`). The catalogs get the
docstrings from `helpdesk_tui/i18n_extract.py`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from helpdesk_tui import i18n
from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.errors import HelpdeskError

_ROOT_VALUED = ("--db", "--as", "--lang")


def lang_option(args: Sequence[str]) -> str | None:
    """The value of `--lang` among the root options (a subcommand's own `--lang`, like
    `kb search --lang ru`, is a filter, not the language of the interface)."""
    rest = iter(args)
    found = None
    for arg in rest:
        if arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
        elif arg in _ROOT_VALUED:
            value = next(rest, None)
            if arg == "--lang":
                found = value
        elif not arg.startswith("-"):
            break  # the subcommand
    return found


def choose_language(args: Sequence[str]) -> str:
    """Set the language of this run from the command line, environment, config, LANG."""
    flag = lang_option(args)
    try:
        value = load_settings(lang=flag).lang.value
    except HelpdeskError:  # a broken config file is reported by the command itself
        value = flag or os.environ.get("HELPDESK_LANG") or os.environ.get("LANG")
    return i18n.set_language(value)


def localize_help(command) -> None:
    """Translate the help of `command`, its parameters and subcommands, in place."""
    for attr in ("help", "short_help", "epilog"):
        text = getattr(command, attr, None)
        if text:
            setattr(command, attr, i18n._(text))
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):
            param.help = i18n._(param.help)
    for sub in getattr(command, "commands", {}).values():
        localize_help(sub)
