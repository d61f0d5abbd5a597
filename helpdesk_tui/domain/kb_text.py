# ruff: noqa: SIM905  (a transliteration reads best as one string)
"""Article text: Markdown lines as plain text, excerpts under search hits, the summary put
into a reply, slugs, and the article drafted from a resolved ticket."""

from __future__ import annotations

import re

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`)")
_BULLET = re.compile(r"^\s*(?:[#>]+|[-*+]|\d+[.)])\s+")
EXCERPT_WIDTH = 160


def plain(line: str) -> str:
    """A Markdown line as plain text (no markers, links as their text)."""
    line = _BULLET.sub("", line)
    line = _LINK.sub(r"\1", line)
    return _MARKS.sub("", line).strip()


def _sentences(body: str) -> list[str]:
    """The body's paragraphs and list items as plain one-line text (no headings, code or
    tables), a paragraph's wrapped lines joined."""
    out: list[str] = []
    current: list[str] = []
    for raw in [*body.splitlines(), ""]:
        stripped = raw.strip()
        starts_item = bool(_BULLET.match(raw)) and not stripped.startswith(("#", ">"))
        if not stripped or stripped.startswith(("#", "```", "|")) or starts_item:
            if current:
                out.append(" ".join(current))
                current = []
            if starts_item:
                current.append(plain(raw))
            continue
        current.append(plain(raw))
    return [s for s in out if s]


def excerpt(body: str, stems: list[str] | tuple[str, ...] = (), *, title: str = "") -> str:
    """A line of the body to show under the title: the paragraph (or list item) that holds
    a searched stem, around it; else the first that is not a heading or the title again."""
    lines = [s for s in _sentences(body) if s.casefold() != title.casefold()]
    wanted = [s for s in stems if len(s) >= 2]
    for line in lines:
        folded = line.casefold()
        at = min((folded.find(s) for s in wanted if s in folded), default=-1)
        if at >= 0:
            start = max(0, at - 40)
            space = line.find(" ", start)
            if start and 0 <= space < at:
                start = space + 1  # from a whole word
            cut = line[start : start + EXCERPT_WIDTH]
            return ("…" if start else "") + cut + ("…" if start + EXCERPT_WIDTH < len(line) else "")
    if not lines:
        return ""
    first = lines[0]
    return first if len(first) <= EXCERPT_WIDTH else first[: EXCERPT_WIDTH - 1] + "…"


def reply_text(title: str, body: str, language: str, slug: str, *, width: int = 700) -> str:
    """What goes into a reply: the title, the article's opening section as plain text (at
    most `width` characters), and the article's name for reference."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    in_code = False
    for raw in body.splitlines():
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            flush()
            continue
        if in_code:
            continue
        if stripped.startswith("#"):
            flush()
            if paragraphs:
                break  # the next section: the opening is enough for a reply
            continue
        if not stripped:
            flush()
            if sum(len(p) for p in paragraphs) >= width:
                break
            continue
        item = _BULLET.match(raw)
        if item:
            flush()
        bullet = "• " if item and not stripped[0].isdigit() else ""
        current.append(bullet + plain(raw))
    flush()
    summary = "\n".join(p for p in paragraphs if p.strip())
    if len(summary) > width:
        summary = summary[: width - 1].rstrip() + "…"
    ref = "Статья базы знаний" if language == "ru" else "Knowledge base article"
    parts = [title, summary, f"({ref}: {title} — {slug})"]
    return "\n\n".join(p for p in parts if p.strip())


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)


def slugify(title: str) -> str:
    """`Чековый принтер: замена ленты` → `chekovyy-printer-zamena-lenty`."""
    out = []
    for ch in title.casefold():
        if ch in _TRANSLIT:
            out.append("" if _TRANSLIT[ch] == "-" else _TRANSLIT[ch])
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append("-")
    slug = re.sub(r"-{2,}", "-", "".join(out)).strip("-")
    return slug[:80].rstrip("-") or "article"


_HEADINGS = {
    "en": ("Symptoms", "Checked on the call", "Resolution", "Drafted from {key}."),
    "ru": ("Признаки", "Что проверили при обращении", "Решение", "Составлено по обращению {key}."),
}


def draft_body(
    *,
    key: str,
    subject: str,
    description: str,
    checklist: list[str] | tuple[str, ...],
    resolution: str,
    language: str,
) -> str:
    """An article drafted from a ticket: the subject as its heading, the description as
    the symptoms, what was checked on the call, and the resolution."""
    symptoms, checked, solved, drafted = _HEADINGS.get(language, _HEADINGS["en"])
    parts = [f"# {subject}", f"## {symptoms}", description.strip() or "—"]
    if checklist:
        parts += [f"## {checked}", "\n".join(f"- {item}" for item in checklist)]
    parts += [f"## {solved}", resolution.strip() or "—", f"*{drafted.format(key=key)}*"]
    return "\n\n".join(parts)
