"""The query language shared by the queue, saved views and the command line.

    status:open priority<=P2 line:L2 service:"Receipt printer" sla:at-risk age>4h assignee:me
    (group:l2-hardware or group:l2-network) and not status:waiting_customer
    printer -status:closed created>=2026-11-01

Terms are `field op value`; `op` is one of `: = != < <= > >=` (`:` means equals, or "is
one of" with a comma list: `status:new,assigned`). Bare words and "quoted phrases" search
the subject, the contact and the customer. Terms next to each other must all hold (`and`
may be written); `or`, `not` (or a leading `-`) and parentheses combine them.

This module only parses and checks: it has no I/O. `services/query.py` turns the tree into
one SQL expression with bound parameters, so a query can never inject SQL. Errors point at
the offending token: `QueryError.position` is its offset in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.i18n import _

OPS = (":", "=", "!=", "<=", ">=", "<", ">")
ORDERED = ("<", "<=", ">", ">=")


class QueryError(Invalid):
    """A query that cannot be understood, with where."""

    def __init__(self, message: str, position: int, query: str = ""):
        self.position = position
        self.query = query
        super().__init__(f"{message} (at character {position + 1})")

    def pointer(self) -> str:
        """The query and a caret under the bad token, for people."""
        return f"{self.query}\n{' ' * self.position}^"


@dataclass(frozen=True)
class Field:
    """A field people can query: its kind decides which operators and values it takes."""

    name: str
    kind: str  # enum | code | priority | duration | date | number | text | flag
    help: str
    values: tuple[str, ...] = ()  # for enums: the allowed values
    aliases: tuple[str, ...] = ()


STATUSES = (
    "open",
    "new",
    "assigned",
    "in_progress",
    "waiting_customer",
    "waiting_vendor",
    "resolved",
    "reopened",
    "closed",
    "cancelled",
    "waiting",
    "done",
)
SLA_STATES = ("running", "at-risk", "breached", "paused", "met")

FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("status", "enum", "open, done, or a status", STATUSES),
        Field("priority", "priority", "P1…P4 (P1 is the most urgent)", aliases=("p", "prio")),
        Field("line", "code", "line code: L1, L2, L3, L4"),
        Field("group", "code", "group code: l2-hardware, dispatch, …"),
        Field("assignee", "code", "a login, me, or none", aliases=("agent", "owner")),
        Field("service", "code", 'service code or name: pos, "Receipt printer"'),
        Field("category", "code", "category code"),
        Field("customer", "code", "customer code or name"),
        Field("contact", "text", "caller's name, e-mail or phone"),
        Field("site", "code", "site code"),
        Field("asset", "code", "asset tag"),
        Field(
            "channel",
            "enum",
            "how the call came in",
            ("phone", "email", "chat", "web", "walk-in", "monitoring"),
        ),
        Field(
            "type",
            "enum",
            "incident, request, question, complaint",
            ("incident", "request", "question", "complaint"),
        ),
        Field("sla", "enum", "running, at-risk, breached, paused, met", SLA_STATES),
        Field("age", "duration", "time since it was registered: 30m, 4h, 2d"),
        Field("idle", "duration", "time since the last change"),
        Field("due", "duration", "time to the running deadline (negative: overdue)"),
        Field("created", "date", "registration date: 2026-11-01, today, yesterday"),
        Field("updated", "date", "date of the last change"),
        Field("resolved", "date", "resolution date"),
        Field("key", "code", "a ticket key: HD-1042"),
        Field("parent", "code", "the mass incident a ticket belongs to: HD-1042"),
        Field("tag", "code", "a tag"),
        Field("reopened", "number", "how many times reopened"),
        Field("escalated", "number", "how many times escalated"),
        Field("fcr", "flag", "solved on first contact: yes or no"),
        Field("rating", "number", "the customer's rating, 1–5"),
    )
}
ALIASES = {alias: f.name for f in FIELDS.values() for alias in f.aliases}
KEYWORDS = ("and", "or", "not")


# -- the tree -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    field: str
    op: str
    values: tuple[str, ...]
    position: int


@dataclass(frozen=True)
class Words:
    """Free text: every word must appear (subject, contact or customer)."""

    text: str
    position: int


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | Words | And | Or | Not


# -- tokens -----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<quoted>"(?:[^"\\]|\\.)*"?)
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)
_TERM = re.compile(r"^(-?)([A-Za-z_]+)(:|!=|<=|>=|=|<|>)(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str  # lparen rparen word quoted
    text: str
    position: int


def tokens(query: str) -> list[Token]:
    out = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "space":
            continue
        out.append(Token(kind, match.group(), match.start()))
    return out


_CLOSED_QUOTE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _unquote(text: str, position: int, query: str) -> str:
    if not _CLOSED_QUOTE.fullmatch(text):
        raise QueryError(_("a quote is not closed"), position, query)
    return re.sub(r"\\(.)", r"\1", text[1:-1])


# -- parsing ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.toks = _join_quoted_values(tokens(query), query)
        self.i = 0

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def error(self, message: str, tok: Token | None = None) -> QueryError:
        position = tok.position if tok else len(self.query)
        return QueryError(message, position, self.query)

    def parse(self) -> Node | None:
        if not self.toks:
            return None
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:
            raise self.error(
                _("unexpected ')'")
                if tok.kind == "rparen"
                else _("unexpected {text!r}").format(text=tok.text),
                tok,
            )
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while (tok := self.peek()) and tok.kind == "word" and tok.text.lower() == "or":
            self.take()
            if self.peek() is None:
                raise self.error(_("'or' needs something after it"))
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.not_expr()]
        while (
            (tok := self.peek())
            and tok.kind != "rparen"
            and not (tok.kind == "word" and tok.text.lower() == "or")
        ):
            if tok.kind == "word" and tok.text.lower() == "and":
                self.take()
                if self.peek() is None:
                    raise self.error(_("'and' needs something after it"))
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.error(_("something is missing here"))
        if tok.kind == "word" and tok.text.lower() == "not":
            self.take()
            if self.peek() is None:
                raise self.error(_("'not' needs something after it"), tok)
            return Not(self.not_expr())
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "lparen":
            if self.peek() is None or self.peek().kind == "rparen":
                raise self.error(_("empty parentheses"), tok)
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise self.error(_("a '(' is not closed"), tok)
            self.take()
            return node
        if tok.kind == "rparen":
            raise self.error(_("unexpected ')'"), tok)
        if tok.kind == "quoted":
            return Words(_unquote(tok.text, tok.position, self.query), tok.position)
        if tok.text.lower() in ("and", "or"):
            raise self.error(_("'{word}' needs something before it").format(word=tok.text), tok)
        return self.term(tok)

    def term(self, tok: Token) -> Node:
        match = _TERM.match(tok.text)
        if match is None:
            negated = tok.text.startswith("-") and len(tok.text) > 1
            text = tok.text[1:] if negated else tok.text
            words = Words(text, tok.position + (1 if negated else 0))
            return Not(words) if negated else words
        negated, name, op, raw = match.groups()
        field = FIELDS.get(ALIASES.get(name.lower(), name.lower()))
        if field is None:
            known = ", ".join(FIELDS)
            raise QueryError(
                _("unknown field {name!r} (fields: {known})").format(name=name, known=known),
                tok.position + len(negated),
                self.query,
            )
        value_pos = tok.position + len(negated) + len(name) + len(op)
        if raw.startswith('"'):
            raw = _unquote(raw, value_pos, self.query)
            values = (raw,)
        else:
            if not raw:
                raise QueryError(
                    _("{field}{op} needs a value ({help})").format(
                        field=field.name, op=op, help=field.help
                    ),
                    value_pos,
                    self.query,
                )
            values = tuple(v for v in raw.split(",") if v) if op in (":", "=", "!=") else (raw,)
        term = check(Term(field.name, op, values, tok.position), self.query, value_pos)
        return Not(term) if negated else term


def _join_quoted_values(toks: list[Token], query: str) -> list[Token]:
    """`service:"Receipt printer"` arrives as the word `service:` and a quoted token right
    after it: glue them back into one term."""
    out: list[Token] = []
    for tok in toks:
        if (
            tok.kind == "quoted"
            and out
            and out[-1].kind == "word"
            and out[-1].text[-1:] in (":", "=", "<", ">")
            and out[-1].position + len(out[-1].text) == tok.position
        ):
            prev = out.pop()
            out.append(Token("word", prev.text + tok.text, prev.position))
        else:
            out.append(tok)
    return out


def check(term: Term, query: str = "", value_pos: int | None = None) -> Term:
    """Operators and values a field accepts; errors point at the value."""
    field = FIELDS[term.field]
    pos = value_pos if value_pos is not None else term.position
    if term.op in ORDERED and field.kind not in ("priority", "duration", "date", "number"):
        raise QueryError(
            _("{field} cannot be compared with {op}; use : or !=").format(
                field=field.name, op=term.op
            ),
            pos,
            query,
        )
    if field.kind == "duration" and term.op not in ORDERED:
        raise QueryError(
            _("{field} takes < or >, like {field}>4h").format(field=field.name), pos, query
        )
    for value in term.values:
        problem = _value_problem(field, value)
        if problem:
            raise QueryError(f"{field.name}: {problem}", pos, query)
    return term


def _value_problem(field: Field, value: str) -> str | None:
    v = value.lower()
    if field.kind == "enum" and v not in field.values:
        return _("{value!r} is not one of {values}").format(
            value=value, values=", ".join(field.values)
        )
    if field.kind == "priority" and v.removeprefix("p") not in ("1", "2", "3", "4"):
        return _("{value!r} is not a priority (P1…P4)").format(value=value)
    if field.kind == "duration":
        try:
            duration_seconds(value)
        except ValueError as exc:
            return str(exc)
    if field.kind == "date":
        try:
            parse_day(value, date(2000, 1, 1))
        except ValueError as exc:
            return str(exc)
    if field.kind == "number" and not re.fullmatch(r"-?\d+", value):
        return _("{value!r} is not a whole number").format(value=value)
    if field.kind == "flag" and v not in ("yes", "no", "true", "false"):
        return _("{value!r}: say yes or no").format(value=value)
    return None


_DURATION = re.compile(r"^(-)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


def duration_seconds(text: str) -> int:
    """`30m`, `4h`, `2d`, `1d4h`, `-2h` → seconds (d = 24 h: ages are wall-clock)."""
    match = _DURATION.match(text.strip().lower())
    if not match or not any(match.groups()[1:]):
        raise ValueError(_("{text!r} is not a duration like 30m, 4h or 2d").format(text=text))
    sign, d, h, m = match.groups()
    seconds = int(d or 0) * 86400 + int(h or 0) * 3600 + int(m or 0) * 60
    return -seconds if sign else seconds


def parse_day(text: str, today: date) -> date:
    """`2026-11-01`, `today`, `yesterday`, or `-7d` (seven days ago)."""
    v = text.strip().lower()
    if v == "today":
        return today
    if v == "yesterday":
        return date.fromordinal(today.toordinal() - 1)
    if re.fullmatch(r"-\d+d", v):
        return date.fromordinal(today.toordinal() - int(v[1:-1]))
    try:
        return datetime.strptime(v, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(
            _("{text!r} is not a date like 2026-11-01, today or -7d").format(text=text)
        ) from None


def parse(query: str) -> Node | None:
    """The query as a tree (None for an empty query), or a `QueryError` pointing at the
    problem."""
    if len(query) > 2000:
        raise QueryError(_("the query is too long (2000 characters at most)"), 2000, query[:40])
    return _Parser(query).parse()


def fields_in(node: Node | None) -> set[str]:
    """The fields a parsed query names (`status`, `priority`, …); empty for plain words."""
    if node is None or isinstance(node, Words):
        return set()
    if isinstance(node, Term):
        return {node.field}
    if isinstance(node, Not):
        return fields_in(node.item)
    return set().union(*(fields_in(item) for item in node.items))


def completions(text: str, values: dict[str, tuple[str, ...]]) -> list[str]:
    """What the last word typed could become: field names, then their values.

    `values` maps field names to the values known in the store (codes, logins); enum
    fields bring their own.
    """
    head, _sep, last = text.rpartition(" ")
    prefix = f"{head} " if head else ""
    negated = "-" if last.startswith("-") else ""
    last = last[len(negated) :]
    match = re.match(r"^([A-Za-z_]+)(:|!=|<=|>=|=|<|>)(.*)$", last)
    if match is None:
        return [
            f"{prefix}{negated}{name}:" for name in FIELDS if name.startswith(last.lower()) and last
        ]
    name, op, partial = match.groups()
    field = FIELDS.get(ALIASES.get(name.lower(), name.lower()))
    if field is None:
        return []
    known = field.values or values.get(field.name, ())
    done, _sep, current = partial.rpartition(",")
    done = f"{done}," if done else ""
    return [
        f"{prefix}{negated}{name}{op}{done}{v}"
        for v in known
        if v.lower().startswith(current.lower()) and v.lower() != current.lower()
    ]
