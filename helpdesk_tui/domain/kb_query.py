"""What an agent types into the knowledge-base search, read as clauses.

A query is words (all required), `"a phrase"`, `-word` (excluded) and `or` (`или`, `|`)
between words. Each word also matches the longer forms of its stem, so `ленту` finds
«ленты» and `принт` finds «принтер» while the agent is still typing. Nothing here is
syntax for the store: the store's search (`store/article_search.py`) quotes every term.
"""

# ruff: noqa: SIM905  (word lists read best as one string)
from __future__ import annotations

import re
from dataclasses import dataclass

from helpdesk_tui.domain.text import clean_line

MAX_TERMS = 16
MAX_TERM = 64

_TOKENS = re.compile(r'-?"[^"]*"?|[^\s"]+')
_EDGE = re.compile(r"^\W+|\W+$")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_WORDS = re.compile(r"\w[\w.\-]*\w|\w")

_RU_REFLEXIVE = ("ся", "сь")
_RU_ENDINGS = tuple(
    sorted(
        {
            # adjectives and participles
            *"ими ыми его ого ему ому ее ие ые ое ей ий ый ой ем им ым ом".split(),
            *"их ых ую юю ая яя ою ею".split(),
            # verbs
            *"ила ыла ена ейте уйте ите или ыли ил ыл ило ыло ено ят ует уют".split(),
            *"ит ыт ены ить ыть".split(),
            *"ишь ает яет ают яют ать ять ет ут ют ал ял ла на ло но ть".split(),
            # nouns
            *"иями ями ами ией иям ием иях ам ям ах ях ию ью ия ья ев ов ье еи ии".split(),
            *"а е и й о у ы ь ю я".split(),
        },
        key=len,
        reverse=True,
    )
)
STOPWORDS = frozenset(
    """a an and are as at be by for from has have in is it not of on or the to was were with
    after before does do did no yes this that there when what how why can cannot can't
    и в во не на с со по к ко о об от до за из у же ли бы что как так для при это нет да
    или но а то его её их после перед без""".split()
)
_OR = frozenset({"or", "или", "|"})


@dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False
    negated: bool = False
    alternative: bool = False  # `or` with the clause before


def is_russian(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def stem(word: str) -> str:
    """The part of a word its other forms share: Russian inflections are stripped (a light
    Snowball), other words only case-folded (the store's tokenizer stems English)."""
    w = word.casefold()
    if not is_russian(w):
        return w
    for ending in _RU_REFLEXIVE:
        if w.endswith(ending) and len(w) - len(ending) >= 4:
            w = w[: -len(ending)]
            break
    for ending in _RU_ENDINGS:
        if w.endswith(ending) and len(w) - len(ending) >= 3:
            return w[: -len(ending)]
    return w


def parse_query(query: str) -> list[Clause]:
    """Words, `"phrases"`, `-excluded` and `or`, as clauses (at most `MAX_TERMS`).

    Stop words are dropped as PostgreSQL's configurations drop them, so both stores find
    the same; a query of nothing but stop words and punctuation has no clauses."""
    clauses: list[Clause] = []
    alternative = False
    for token in _TOKENS.findall(clean_line(query)):
        if token.casefold() in _OR:
            alternative = bool(clauses)
            continue
        negated = token.startswith("-") and len(token) > 1
        if negated:
            token = token[1:]
        phrase = token.startswith('"')
        value = token.strip('"').strip() if phrase else _EDGE.sub("", token)
        if not re.search(r"[^\W_]", value):
            continue  # nothing a tokenizer would keep
        value = value[:MAX_TERM]
        if phrase and " " not in value:
            phrase = False  # one quoted word is a word ("task.move")
        if not phrase and value.casefold() in STOPWORDS:
            continue
        clauses.append(Clause(value, phrase, negated, alternative and not negated))
        alternative = False
        if len(clauses) >= MAX_TERMS:
            break
    return clauses


def groups(clauses: list[Clause]) -> tuple[list[list[Clause]], list[Clause]]:
    """All-of groups of any-of clauses, and the excluded clauses."""
    out: list[list[Clause]] = []
    negated: list[Clause] = []
    for c in clauses:
        if c.negated:
            negated.append(c)
        elif c.alternative and out:
            out[-1].append(c)
        else:
            out.append([c])
    return out, negated


def searched_stems(clauses: list[Clause]) -> list[str]:
    """The stems to find in a body for its excerpt (the words searched for)."""
    out: list[str] = []
    for c in clauses:
        if c.negated:
            continue
        for word in c.text.split() if c.phrase else [c.text]:
            s = stem(word)
            if len(s) >= 2 and s not in out:
                out.append(s)
    return out


def subject_words(subject: str, limit: int = 8) -> list[str]:
    """The words of a ticket's subject worth searching the knowledge base for."""
    out: list[str] = []
    for word in _WORDS.findall(subject or ""):
        folded = word.casefold()
        if len(folded) < 3 or folded.isdigit() or folded in STOPWORDS:
            continue
        if folded not in out:
            out.append(folded)
        if len(out) >= limit:
            break
    return out
