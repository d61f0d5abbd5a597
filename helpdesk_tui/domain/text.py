"""Cleaning untrusted text where it enters the store.

Subjects, bodies, names and mail are data, never markup and never terminal commands.
Textual's `Content` drops only a few control characters and lets ESC through, so every
entry point (CLI, mail, import, forms) passes text through `clean` before storing it;
screens still render it as `Text`/`Content`, never as markup.
"""

import re
import unicodedata

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC
# (ESC P/X/^/_ ... ST), and two-character escapes (ESC + one byte). C1 equivalents too.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]            # CSI
  | (?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c|$)    # OSC, to BEL or ST or the end
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:\x1b\\|\x9c|$)   # DCS SOS PM APC
  | \x1b[ -/]*[0-~]?                            # other ESC sequences, or a lone ESC
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls except TAB and LF, DEL, C1 controls, and Unicode bidi overrides/isolates that
# can make a line read differently from what it holds.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None, *, multiline: bool = True) -> str:
    """Return `text` without terminal escape sequences and control characters.

    CR LF and lone CR become LF. With `multiline=False` (subjects, names) newlines and
    tabs become single spaces and the result is stripped.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = " ".join(text.split())
    return text.strip() if not multiline else text.rstrip()


def clean_line(text: str | None) -> str:
    """`clean` for one-line fields: subjects, names, codes."""
    return clean(text, multiline=False)


def phone_digits(phone: str | None) -> str:
    """The digits of a phone number, with a Russian trunk `8` read as country code `7`.

    `+7 (916) 555-12-34`, `8 916 555 12 34` and `79165551234` all give `79165551234`, so
    a caller is found however the number was typed.
    """
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] == "9":
        digits = "7" + digits
    return digits
