"""What a message says, in plain text: rules for mail with no I/O.

HTML to readable text (stdlib `html.parser`), quoted history cut from replies in the
styles of the common Russian and English mail clients, the one-word answers to a
resolution notice, automatic-mail detection, and safe file names for attachments.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

# -- HTML → text ---------------------------------------------------------------------------

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "xml"})
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "pre", "address"}
)
_BREAK = frozenset(
    {"div", "section", "article", "header", "footer", "tr", "dt", "dd", "center", "form"}
)
_SPACE = re.compile(r"\s+")


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.skip = 0
        self.pre = 0
        self.quote = 0
        self.lists: list[int | None] = []  # None: bullets; a number: the next item's number
        self.links: list[tuple[str, int]] = []  # href, length of the text before the link

    # lines ----------------------------------------------------------------------------
    def push(self, *, keep_empty: bool = False) -> None:
        line = self.line.rstrip()
        if line or keep_empty:
            self.lines.append(("> " * self.quote if line else ">" * self.quote) + line)
        self.line = ""

    def blank(self) -> None:
        self.push()
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append(">" * self.quote)

    def write(self, text: str) -> None:
        if not text:
            return
        if not self.line:
            text = text.lstrip()
        self.line += text

    # events ---------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        if self.skip:
            return
        a = dict(attrs)
        if tag == "br":
            self.push(keep_empty=True)
        elif tag == "blockquote":
            self.blank()
            self.quote += 1
        elif tag in _PARAGRAPH:
            self.blank()
            if tag == "pre":
                self.pre += 1
            elif tag in ("ul", "ol"):
                self.lists.append(1 if tag == "ol" else None)
        elif tag in _BREAK:
            self.push()
        elif tag == "li":
            self.push()
            number = self.lists[-1] if self.lists else None
            indent = "  " * max(len(self.lists) - 1, 0)
            self.write(f"{indent}{number}. " if number else f"{indent}- ")
            if number:
                self.lists[-1] = number + 1
        elif tag in ("td", "th"):
            if self.line.strip():
                self.line += "  "
        elif tag == "hr":
            self.push()
            self.lines.append("-" * 20)
        elif tag == "img" and (a.get("alt") or "").strip():
            self.write(f"[{_SPACE.sub(' ', a['alt'] or '').strip()}]")
        elif tag == "a":
            self.links.append((a.get("href") or "", len(self.line)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if tag == "blockquote":
            self.push()
            while self.lines and self.lines[-1] == ">" * self.quote:
                self.lines.pop()
            self.quote = max(self.quote - 1, 0)
            self.blank()
        elif tag in _PARAGRAPH:
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)
            elif tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            self.blank()
        elif tag in _BREAK or tag == "li":
            self.push()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = self.line[start:].strip()
            if href.startswith(("http://", "https://")) and label and label != href:
                self.line += f" <{href}>"

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            first, *rest = data.split("\n")
            self.line += first
            for part in rest:
                self.push(keep_empty=True)
                self.line = part
            return
        self.write(_SPACE.sub(" ", data.replace("\xa0", " ")))

    def text(self) -> str:
        self.push()
        out = "\n".join(self.lines)
        out = re.sub(r"\n(?:>*\n){2,}", "\n\n", out)
        return out.strip("\n")


def html_to_text(html: str) -> str:
    """Readable text of an HTML mail: paragraphs, line breaks, lists, quotes as `> `,
    links as `label <url>`; scripts, styles and the head dropped; entities decoded."""
    maker = _TextMaker()
    try:
        maker.feed(html)
        maker.close()
    except (AssertionError, ValueError):  # html.parser gives up on a few broken inputs
        pass
    return maker.text()


# -- quoted history ---------------------------------------------------------------------------

_MARKERS = [
    re.compile(
        r"^-{2,}\s*(original message|исходное сообщение|оригинальное сообщение)\s*-*$", re.I
    ),
    re.compile(r"^on\b.{4,250}\bwrote\s*:$", re.I),  # Gmail, Apple Mail, Thunderbird (en)
    # Thunderbird / Outlook.com (ru): "14.03.2025 12:00, Name пишет:"
    re.compile(r"^(?=.*[\d@]).{0,250}\b(пишет|написал\(а\)|написала?|писала?|wrote)\s*:$", re.I),
    # Gmail (ru), Yandex, Mail.ru: a date and an address, ending with a colon:
    # "пт, 14 мар. 2025 г. в 12:00, Name <a@b>:"  "Пятница, 14 марта 2025, 12:00 от a@b:"
    re.compile(r"^(?=.*\d).{0,250}[\w.+-]+@[\w-]+(\.[\w-]+)+>?\s*:$"),
]
_FROM = re.compile(r"^\**(from|от|de|von)\s*:\**\s", re.I)
_SENT = re.compile(r"^\**(sent|date|отправлено|дата)\s*:", re.I)
_TO = re.compile(r"^\**(to|кому|subject|тема)\s*:", re.I)
_RULE = re.compile(r"^[_\-=]{8,}$")


def _header_block(lines: list[str], i: int) -> bool:
    """Outlook's quoted header: From:/От: then Sent:/Отправлено: and To:/Тема: below."""
    if not _FROM.match(lines[i].strip()):
        return False
    below = [line.strip() for line in lines[i + 1 : i + 6]]
    return any(_SENT.match(b) for b in below) and any(_TO.match(b) for b in below)


def _marker_at(lines: list[str], i: int) -> bool:
    line = lines[i].strip().lstrip("> ").strip()
    if not line:
        return False
    joined = f"{line} {lines[i + 1].strip()}" if i + 1 < len(lines) else line
    return any(p.match(line) or p.match(joined) for p in _MARKERS) or _header_block(lines, i)


def trim_quoted(text: str) -> str:
    """The new part of a reply: cut at the quoted history (an attribution line such as
    "On … wrote:" / "… пишет:", an "Original Message" rule, an Outlook From:/Sent: block)
    and drop a trailing block of `>` lines. A message that is all quote is kept whole."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for i in range(len(lines)):
        if _marker_at(lines, i):
            cut = i
            if i and _RULE.match(lines[i - 1].strip()):
                cut = i - 1
            break
    body = lines[:cut]
    while body and (not body[-1].strip() or body[-1].lstrip().startswith(">")):
        body.pop()
    result = "\n".join(body).strip()
    return result or text.strip()


_SIGNATURE = re.compile(
    r"^(-- ?|с уважением|с наилучшими пожеланиями|best regards|kind regards|regards|"
    r"best wishes|cheers|sent from my|отправлено с|отправлено из|get outlook for)\b",
    re.I,
)


def strip_signature(text: str) -> str:
    """The text above a signature (`-- `, "С уважением", "Best regards", "Sent from my …")."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i and _SIGNATURE.match(line.strip()):
            return "\n".join(lines[:i]).strip()
    return text.strip()


# -- one-word answers to a resolution notice ---------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """`yes` (confirm; with a rating when one was given) or `no` (reopen)."""

    yes: bool
    rating: int | None = None


_YES = frozenset(
    [
        "yes",
        "y",
        "yep",
        "yeah",
        "ok",
        "okay",
        "confirm",
        "confirmed",
        "solved",
        "resolved",
        "fixed",
        "works",
        "да",
        "ага",
        "угу",
        "ок",
        "окей",
        "подтверждаю",
        "решено",
        "решена",
        "решён",
        "работает",
    ]
)
_THANKS = frozenset(["thanks", "thank", "thx", "спасибо", "благодарю", "спс"])
_NO = frozenset(["no", "nope", "нет", "неа", "не"])
_NEGATION = frozenset(
    [
        "no",
        "not",
        "nope",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "still",
        "again",
        "нет",
        "не",
        "ни",
        "снова",
        "опять",
        "ещё",
        "по-прежнему",
    ]
)
_RATE_WORDS = frozenset(
    ["rating", "rate", "score", "mark", "оценка", "оцениваю", "ставлю", "оценку"]
)
_WORD = re.compile(r"[\w'’-]+")
_MAX_WORDS = 8


def parse_answer(text: str) -> Answer | None:
    """A short reply read as an answer: yes/да/ok → yes; no/нет → no; a digit 1–5 (alone,
    "4/5", "5 из 5", "оценка 5") → yes with that rating; thanks with no negation → yes.
    Anything longer or mixed ("ok, but it still jams") is not an answer: `None`."""
    words = [w.replace("’", "'") for w in _WORD.findall(strip_signature(text).casefold())]
    if not words or len(words) > _MAX_WORDS:
        return None
    negated = any(w in _NEGATION for w in words)
    rating = _rating(words)
    first = words[0]
    if first in _NO:
        return Answer(False) if rating is None else None
    if first in _YES or (first in _THANKS and not negated):
        return None if negated else Answer(True, rating)
    if rating is not None and not negated and (first.isdigit() or first in _RATE_WORDS):
        return Answer(True, rating)
    return None


def _rating(words: list[str]) -> int | None:
    numbers = [w for w in words if w.isdigit()]
    if not numbers:
        return None
    # "4", "4/5", "5 из 5", "4 of 5": the scale's 5 may follow the rating
    if len(numbers) == 2 and numbers[1] == "5":
        numbers = numbers[:1]
    if len(numbers) != 1 or numbers[0] not in {"1", "2", "3", "4", "5"}:
        return None
    return int(numbers[0])


# -- subjects and addresses -----------------------------------------------------------------


def key_in_subject(subject: str, prefix: str = "HD") -> str | None:
    """The ticket key tagged in a subject, `[HD-1042]` (any case, spaces inside allowed)."""
    found = re.search(rf"\[\s*({re.escape(prefix)}-\d{{1,12}})\s*\]", subject or "", re.I)
    return found.group(1).upper() if found else None


def guess_language(text: str) -> str | None:
    """`ru` when Cyrillic letters dominate, `en` when Latin ones do, else None."""
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if cyrillic + latin < 3:
        return None
    return "ru" if cyrillic >= latin else "en"


# Domains whose users are private persons: a shared domain says nothing of the customer.
FREE_MAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "mail.com",
        "yandex.ru",
        "ya.ru",
        "yandex.com",
        "mail.ru",
        "bk.ru",
        "list.ru",
        "inbox.ru",
        "internet.ru",
        "rambler.ru",
        "lenta.ru",
    ]
)

_DAEMONS = frozenset({"mailer-daemon", "mailer_daemon", "mail-daemon", "maildaemon"})
_BULK = frozenset({"bulk", "junk", "list", "auto_reply"})


def automatic_reason(
    header: Callable[[str], str | None],
    from_addr: str,
    ours: frozenset[str],
    content_type: str = "",
    our_id_suffix: str = "@helpdesk>",
) -> str | None:
    """Why a message must not become a ticket or a reply (auto-replies, bounces, bulk, our
    own mail coming back), or None for mail from a person. `header(name)` gives a header's
    value or None."""
    if header("X-Helpdesk-Id") is not None:
        return "our own message came back (X-Helpdesk-Id)"
    if (header("Message-ID") or "").strip().lower().endswith(our_id_suffix):
        return "our own message came back (Message-ID)"
    if from_addr and from_addr.lower() in ours:
        return f"sent from our own address {from_addr}"
    loop = (header("X-Loop") or "").lower()
    if loop and any(addr in loop for addr in ours):
        return "mail loop (X-Loop)"
    if from_addr.split("@")[0].lower() in _DAEMONS:
        return "delivery report (from MAILER-DAEMON)"
    if (header("Return-Path") or "").strip() == "<>":
        return "delivery report (empty Return-Path)"
    if content_type.lower() == "multipart/report":
        return "delivery or read report (multipart/report)"
    auto = header("Auto-Submitted")
    if auto is not None and auto.split(";")[0].strip().lower() not in ("no", ""):
        return f"automatic reply (Auto-Submitted: {auto.strip()[:40]})"
    precedence = (header("Precedence") or "").strip().lower()
    if precedence in _BULK:
        return f"bulk mail (Precedence: {precedence})"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if header(name) is not None:
            return f"automatic reply ({name})"
    return None


# -- attachment file names -----------------------------------------------------------------

_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)
_NAME_BYTES = 120


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """A file name made from what a sender called their attachment, safe on every file
    system: no directories, no leading dots, no control or reserved characters, at most
    120 bytes, never a reserved Windows name. The name is only a hint; never a path."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch if ch.isalnum() or ch in "._-+()" else "_" for ch in text)
    text = re.sub(r"_{2,}", "_", text).strip("._ ")
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext) > 16 or not stem:
        stem, ext = text, ""
    if stem.lower() in _RESERVED:
        stem = f"_{stem}"
    ext = f".{ext}" if ext else ""
    while stem and len((stem + ext).encode()) > _NAME_BYTES:
        stem = stem[:-1]
    return (stem + ext) if stem else fallback + ext
