"""Making untrusted text inert where it enters the store, and again where it is shown.

Subjects, bodies, names and mail are data, never markup and never terminal commands.
Textual's `Content` drops only a few control characters and lets ESC through, so every
entry point (CLI, mail, import, forms) passes text through `clean`: control characters
become their visible Unicode *control pictures* (ESC → ␛, BEL → ␇, NUL → ␀), so an escape
sequence in a ticket is kept, shown as the characters it is made of, and does nothing to
any terminal. Nothing is silently dropped. Screens render text as `Text`/`Content` (never
markup) and pass it through `visible` once more, for data written by older versions or
other tools.
"""

import re

_C0 = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_C0[0x7F] = "\u2421"  # ␡
_C1 = dict.fromkeys(range(0x80, 0xA0), "\ufffd")
# Bidi overrides and isolates can make a line read differently from what it holds.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], "\ufffd")
# Lone surrogates (undecodable bytes, as Python carries them) can be neither stored nor shown.
_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")
_TABLE = {**_C0, **_C1, **_BIDI, **_SURROGATES}
_LINE_TABLE = {**_TABLE, 0x09: " ", 0x0A: " "}
_SPACES = re.compile(r"[ \t]{2,}")


def clean(text: str | None, *, multiline: bool = True) -> str:
    """`text` with CR LF normalised and every control character made visible.

    With `multiline=False` (subjects, names, codes) line breaks and tabs become spaces,
    runs of spaces one space, and the ends are stripped.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return text.translate(_TABLE).rstrip()
    return _SPACES.sub(" ", text.translate(_LINE_TABLE)).strip()


def clean_line(text: str | None) -> str:
    """`clean` for one-line fields: subjects, names, codes."""
    return clean(text, multiline=False)


def visible(text: str | None) -> str:
    """For display: control characters as control pictures, newlines kept."""
    return (text or "").translate(_TABLE)


def pasted(text: str | None) -> str:
    """Text pasted into a field, before any widget shows it: line ends normalised (terminals
    paste CR), control characters as their pictures. Fields show what they hold, so an
    escape sequence pasted from a mail must be inert before it is on screen."""
    return visible((text or "").replace("\r\n", "\n").replace("\r", "\n"))


def visible_line(text: str | None) -> str:
    """For one-line display cells: also newlines and tabs as spaces."""
    return (text or "").translate(_LINE_TABLE)


def is_number(text: str) -> bool:
    """ASCII digits and nothing else: `str.isdigit` also holds for `²` or `①`, which
    `int()` refuses (a traceback where a one-line refusal was due)."""
    return text.isascii() and text.isdigit()


def phone_digits(phone: str | None) -> str:
    """The digits of a phone number, with a Russian trunk `8` read as country code `7`.

    `+7 (916) 555-12-34`, `8 916 555 12 34` and `79165551234` all give `79165551234`, so
    a caller is found however the number was typed.
    """
    digits = "".join(ch for ch in (phone or "") if "0" <= ch <= "9")
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] == "9":
        digits = "7" + digits
    return digits


def search_text(*parts: str | None) -> str:
    """What a caller search matches: the parts, case-folded, with the phone as digits."""
    return " ".join(p.casefold() for p in parts if p).strip()[:1000]


def contact_search_text(
    name: str, email: str, phone: str, site_code: str, site_name: str, customer: str
) -> str:
    return search_text(name, email, phone_digits(phone), site_code, site_name, customer)
