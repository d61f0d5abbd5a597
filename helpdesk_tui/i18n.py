"""Russian and English: the language in force, translated text, local dates and durations.

Texts are written in English in the code and marked for extraction: `_("…")` translates
now, `N_("…")` only marks a text that is translated later, where it is shown (class-level
`Binding` descriptions, typer help, module-level tables — evaluated at import, before the
language is known), `n_(singular, plural, n)` picks the plural form of the language
(Russian has three: 1 заявка, 3 заявки, 5 заявок), `pgettext(context, "…")` keeps apart
words that are one in English and two in Russian.

The catalogs are `helpdesk_tui/locale/{ru,en}/LC_MESSAGES/helpdesk.po`, compiled to the
`.mo` files beside them, which are committed: a plain `pip install -e .` has them and
reading them needs only the standard library (`gettext`). When a `.mo` is missing (a
checkout that lost it) the `.po` is compiled in memory with Babel instead.

The language is set once at startup (`set_language`: the CLI entry and `make_app`), from
`--lang`, HELPDESK_LANG, the config file's `lang`, or LANG (config.py resolves which);
anything but Russian is English.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

DOMAIN = "helpdesk"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "ru")
DEFAULT = "en"

_language = DEFAULT
_catalogs: dict[str, gettext.NullTranslations] = {}


def normalize(value: str | None) -> str:
    """`ru`, `ru_RU.UTF-8`, `RU` → "ru"; `en_GB` → "en"; anything unknown → English."""
    code = (value or "").strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT


def set_language(value: str | None) -> str:
    """Make `value` (normalised) the language of every text from now on; returns it."""
    global _language
    _language = normalize(value)
    return _language


def language() -> str:
    return _language


@contextmanager
def using(value: str) -> Iterator[str]:
    """The language `value` inside the block (tests, a notice in the customer's language)."""
    before = _language
    try:
        yield set_language(value)
    finally:
        set_language(before)


def catalog(lang: str | None = None) -> gettext.NullTranslations:
    """The compiled catalog of `lang` (the one in force by default), loaded once."""
    lang = normalize(lang or _language)
    found = _catalogs.get(lang)
    if found is None:
        found = _catalogs[lang] = _load(lang)
    return found


def _load(lang: str) -> gettext.NullTranslations:
    messages = LOCALE_DIR / lang / "LC_MESSAGES"
    mo, po = messages / f"{DOMAIN}.mo", messages / f"{DOMAIN}.po"
    if mo.exists():
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():  # not compiled: compile in memory (Babel)
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            compiled = io.BytesIO()
            write_mo(compiled, read_po(fh, locale=lang))
        compiled.seek(0)
        return gettext.GNUTranslations(compiled)
    return gettext.NullTranslations()


def _(message: str) -> str:
    """`message` in the language in force (itself when the catalog lacks it)."""
    return catalog().gettext(message) if message else message


def n_(singular: str, plural: str, n: int) -> str:
    """The form for `n`: `n_("{n} ticket", "{n} tickets", n).format(n=n)`."""
    return catalog().ngettext(singular, plural, n)


ngettext = n_


def pgettext(context: str, message: str) -> str:
    """`message` in `context`: `pgettext("column", "open")` is not `pgettext("status", …)`."""
    return catalog().pgettext(context, message) if message else message


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return catalog().npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for the catalogs without translating it (it is translated where it is
    shown, with `_`)."""
    return message


def NP_(context: str, message: str) -> str:
    """Marks `message` in `context` for the catalogs; translate it with `pgettext`."""
    return message


# -- the local style of dates, times and durations ------------------------------------------


def format_datetime(value: datetime, lang: str | None = None) -> str:
    """A local instant: "2026-11-22 14:05" in English, "22.11.2026 14:05" in Russian."""
    if normalize(lang or _language) == "ru":
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%Y-%m-%d %H:%M")


def format_date(value: date, lang: str | None = None) -> str:
    """A day: "2026-11-22" in English, "22.11.2026" in Russian."""
    if normalize(lang or _language) == "ru":
        return value.strftime("%d.%m.%Y")
    return value.strftime("%Y-%m-%d")


def format_duration(seconds: float, lang: str | None = None) -> str:
    """A duration in hours and minutes: "2h 05m" in English (domain/sla.py, unchanged),
    "2 ч 5 мин" in Russian; from 100 hours on the minutes are dropped ("120 ч")."""
    from helpdesk_tui.domain.sla import format_duration as english

    text = english(seconds)
    if normalize(lang or _language) != "ru":
        return text
    sign = "-" if text.startswith("-") else ""
    parts = []
    for part in text.lstrip("-").split():
        if part.endswith("h"):
            parts.append(f"{int(part[:-1])} ч")
        else:
            parts.append(f"{int(part[:-1])} мин")
    return sign + " ".join(parts)


def localized(obj: object, lang: str | None = None) -> str:
    """A reference record's name in the language in force: `name_ru` in Russian when it
    has one, else `name` (lines, groups, services, SLA plans, categories, macros)."""
    get = obj.get if isinstance(obj, dict) else lambda key, default="": getattr(obj, key, default)
    name = get("name", "") or ""
    if normalize(lang or _language) == "ru":
        return get("name_ru", "") or name
    return name
