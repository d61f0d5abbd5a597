"""The knowledge base: search, read, write, and articles for a ticket.

Search is full-text in the store, ranked: SQLite FTS5 (`bm25`, title weighted over tags
over body) and PostgreSQL full-text search in both the Russian and the English
configurations (`ts_rank` over title A, tags B, body D); see migration 0004. A query is
words (all required), `"a phrase"`, `-word` (excluded) and `or` between words. Each word
also matches longer forms of its stem, so `ленту` finds «ленты», `printers` «printer»
and `принт` «принтер» while the agent is still typing.

Visibility: an article whose `groups` is not empty is shown only to agents of one of those
groups; supervisors and admins see every article. Every read here applies it.

Usage: opening an article from a ticket counts once per ticket; putting it into a reply
counts each time. Both link the article and the ticket (`article_link`, kind `used`); an
article drafted from a ticket is linked to it as its `source`.
"""

# ruff: noqa: SIM905  (word lists read best as one string)
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, bindparam, text, update
from sqlmodel import Session, select

from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.text import clean, clean_line
from helpdesk_tui.domain.workflow import Status
from helpdesk_tui.services import drafts
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, catalog
from helpdesk_tui.services.ticket_core import normalize_key, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store
from helpdesk_tui.store.types import UTCDateTime

LANGUAGES = ("en", "ru")
SEARCH_LIMIT = 50
BROWSE_LIMIT = 200
MAX_TERMS = 16
TITLE_MAX = 300
BODY_MAX = 100_000
MAX_TAGS = 20


# -- what the screens get -------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleHit:
    """An article in a list: search results, suggestions, the palette."""

    slug: str
    title: str
    language: str
    services: tuple[str, ...]
    groups: tuple[str, ...]
    tags: tuple[str, ...]
    use_count: int
    updated_at: datetime | None
    excerpt: str  # a line of the body, the one that matches when searching
    score: float = 0.0  # relevance, higher is better (0 when browsing)


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[ArticleHit, ...]
    total: int  # all the matches (or all the visible articles when browsing)


@dataclass(frozen=True)
class LinkedTicket:
    key: str
    subject: str
    status: str
    kind: str  # source | used


@dataclass(frozen=True)
class ArticleView:
    """One article to read or edit."""

    slug: str
    title: str
    language: str
    services: tuple[str, ...]
    groups: tuple[str, ...]
    tags: tuple[str, ...]
    body: str
    use_count: int
    author: str  # the author's name, "" for reference data
    created_at: datetime | None
    updated_at: datetime | None
    source_ticket: str | None
    tickets: tuple[LinkedTicket, ...] = ()


@dataclass(frozen=True)
class ArticleInput:
    """What the editor saves."""

    title: str
    body: str
    language: str = "en"
    services: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleDraft:
    """An article drafted from a resolved ticket, not saved yet."""

    article: ArticleInput
    source_ticket: str
    existing: tuple[str, ...] = ()  # slugs of articles already drafted from this ticket


@dataclass(frozen=True)
class TicketArticles:
    """For the ticket pane: articles linked to the ticket, and others that may help."""

    key: str
    linked: tuple[ArticleHit, ...] = ()
    suggested: tuple[ArticleHit, ...] = ()


# -- queries: parsing and stems -------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False
    negated: bool = False
    alternative: bool = False  # `or` with the clause before


_TOKENS = re.compile(r'-?"[^"]*"?|[^\s"]+')
_EDGE = re.compile(r"^\W+|\W+$")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)

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
_STOPWORDS = frozenset(
    """a an and are as at be by for from has have in is it not of on or the to was were with
    after before does do did no yes this that there when what how why can cannot can't
    и в во не на с со по к ко о об от до за из у же ли бы что как так для при это нет да
    или но а то его её их после перед без""".split()
)


def stem(word: str) -> str:
    """The part of a word its other forms share: Russian inflections are stripped (a
    light Snowball), other words are only case-folded (the English ones are stemmed by
    the store's tokenizer)."""
    w = word.casefold()
    if not _CYRILLIC.search(w):
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
    """Words, `"phrases"`, `-excluded` and `or`, as clauses (at most `MAX_TERMS`)."""
    clauses: list[Clause] = []
    alternative = False
    for token in _TOKENS.findall(clean_line(query)):
        if token.lower() in ("or", "или", "|"):
            alternative = bool(clauses)
            continue
        negated = token.startswith("-") and len(token) > 1
        if negated:
            token = token[1:]
        phrase = token.startswith('"')
        value = token.strip('"').strip() if phrase else _EDGE.sub("", token)
        if not value or not re.search(r"\w", value):
            continue
        value = value[:64]
        if phrase and " " not in value:
            phrase = False  # one quoted word: a word, taken as typed ("task.move")
        if not phrase and value.casefold() in _STOPWORDS:
            continue  # as PostgreSQL's configurations do: "the", "не" find nothing
        clauses.append(Clause(value, phrase, negated, alternative and not negated))
        alternative = False
        if len(clauses) >= MAX_TERMS:
            break
    return clauses


def _groups(clauses: list[Clause]) -> tuple[list[list[Clause]], list[Clause]]:
    """All-of groups of any-of clauses, and the excluded ones."""
    groups: list[list[Clause]] = []
    negated: list[Clause] = []
    for c in clauses:
        if c.negated:
            negated.append(c)
        elif c.alternative and groups:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups, negated


def _fts_item(c: Clause) -> str:
    if c.phrase:
        return '"' + c.text.replace('"', '""') + '"'
    word = stem(c.text)
    quoted = '"' + word.replace('"', '""') + '"'
    return quoted + "*" if len(word) >= 2 else quoted


def fts5_query(clauses: list[Clause]) -> str | None:
    """The FTS5 MATCH expression: every term quoted (the tokenizer would split
    `task.move`, and FTS5 would read `-`, `:` or `OR` in a term as syntax)."""
    groups, negated = _groups(clauses)
    if not groups:
        return None
    expr = " AND ".join("(" + " OR ".join(_fts_item(c) for c in g) + ")" for g in groups)
    for c in negated:
        expr = f"({expr}) NOT {_fts_item(c)}"
    return expr


def _pg_lexeme(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_tsquery(clauses: list[Clause]) -> tuple[str, dict[str, str]] | None:
    """A tsquery expression over both configurations, and its parameters."""
    groups, negated = _groups(clauses)
    if not groups:
        return None
    params: dict[str, str] = {}

    def item(c: Clause) -> str:
        name = f"q{len(params)}"
        if c.phrase:
            params[name] = c.text
            return f"(phraseto_tsquery('russian', :{name}) || phraseto_tsquery('english', :{name}))"
        params[name] = _pg_lexeme(c.text) + (":*" if len(c.text) >= 2 else "")
        return f"(to_tsquery('russian', :{name}) || to_tsquery('english', :{name}))"

    expr = " && ".join("(" + " || ".join(item(c) for c in g) + ")" for g in groups)
    for c in negated:
        expr = f"({expr}) && (!! {item(c)})"
    return expr, params


# -- visibility -------------------------------------------------------------------------------


def _group_codes(cat: Catalog, actor: Actor) -> list[str]:
    return sorted(cat.groups[g].code for g in actor.group_ids if g in cat.groups)


def can_see(cat: Catalog, actor: Actor, groups: list[str] | tuple[str, ...]) -> bool:
    if not groups or actor.sees_everything:
        return True
    return bool(set(groups) & set(_group_codes(cat, actor)))


def _json_has(dialect: str, column: str, param: str, *, many: bool = False) -> str:
    op = f"IN :{param}" if many else f"= :{param}"
    if dialect == "sqlite":
        return f"EXISTS (SELECT 1 FROM json_each({column}) AS j WHERE j.value {op})"
    elements = f"json_array_elements_text({column}) AS j(value)"
    return f"EXISTS (SELECT 1 FROM {elements} WHERE j.value {op})"


def _filters(
    dialect: str,
    cat: Catalog,
    actor: Actor,
    *,
    service: str | None = None,
    language: str | None = None,
) -> tuple[list[str], dict[str, Any], list]:
    """WHERE conditions on `a` (the article) for what the actor may see and the filters."""
    where: list[str] = []
    params: dict[str, Any] = {}
    binds: list = []
    if not actor.sees_everything:
        codes = _group_codes(cat, actor)
        if codes:
            where.append(
                "(json_array_length(a.groups) = 0 OR "
                + _json_has(dialect, "a.groups", "my_groups", many=True)
                + ")"
            )
            params["my_groups"] = codes
            binds.append(bindparam("my_groups", expanding=True))
        else:
            where.append("json_array_length(a.groups) = 0")
    if service:
        where.append(_json_has(dialect, "a.services", "service"))
        params["service"] = service
    if language:
        where.append("a.language = :language")
        params["language"] = language
    return where, params, binds


_COLUMNS = (
    "a.id, a.slug, a.title, a.language, a.services, a.groups, a.tags, a.use_count, "
    "a.updated_at, a.body"
)
_TYPES = {"services": JSON, "groups": JSON, "tags": JSON, "updated_at": UTCDateTime}


# -- search -------------------------------------------------------------------------------------


def search(
    store: Store,
    actor: Actor,
    query: str = "",
    *,
    limit: int = SEARCH_LIMIT,
    service: str | None = None,
    language: str | None = None,
) -> SearchResult:
    """The articles the actor may see that match `query`, best first; with no query, the
    most used first."""
    with store.read() as s:
        return _search(s, store, actor, query, limit=limit, service=service, language=language)


def _search(
    s: Session,
    store: Store,
    actor: Actor,
    query: str,
    *,
    limit: int,
    service: str | None = None,
    language: str | None = None,
    exclude: tuple[str, ...] = (),
) -> SearchResult:
    cat = catalog(store, s)
    dialect = store.dialect
    where, params, binds = _filters(dialect, cat, actor, service=service, language=language)
    if exclude:
        where.append("a.slug NOT IN :exclude")
        params["exclude"] = list(exclude)
        binds.append(bindparam("exclude", expanding=True))
    params["limit"] = max(1, min(limit, 500))
    clauses = parse_query(query)
    stems = [stem(c.text) for c in clauses if not c.negated]
    # First the ids of the page, ranked, with the count of all matches; then the page's
    # rows. Sorting ids and scores only keeps the bodies of thousands of matches out of
    # the sort.
    if not clauses:
        sql = (
            "SELECT a.id, 0.0 AS score, count(*) OVER () AS total FROM article a "
            f"WHERE {' AND '.join(where) or '1 = 1'} "
            "ORDER BY a.use_count DESC, a.title, a.id LIMIT :limit"
        )
    elif dialect == "sqlite":
        match = fts5_query(clauses)
        if match is None:
            return SearchResult(query, (), 0)
        params["match"] = match
        # bm25() cannot be called beside a window function: rank in a materialized CTE
        sql = (
            "WITH hits AS MATERIALIZED (SELECT rowid AS id, "
            "bm25(article_search, 10.0, 4.0, 1.0) AS rank "
            "FROM article_search WHERE article_search MATCH :match) "
            "SELECT a.id, -h.rank AS score, count(*) OVER () AS total "
            "FROM hits h JOIN article a ON a.id = h.id "
            f"WHERE {' AND '.join(where) or '1 = 1'} "
            "ORDER BY h.rank, a.use_count DESC, a.id LIMIT :limit"
        )
    else:
        built = pg_tsquery(clauses)
        if built is None:
            return SearchResult(query, (), 0)
        tsquery, qparams = built
        params.update(qparams)
        conditions = " AND ".join([f"s.document @@ ({tsquery})", *where])
        sql = (
            f"SELECT a.id, ts_rank(s.document, ({tsquery})) AS score, "
            "count(*) OVER () AS total "
            "FROM article_search s JOIN article a ON a.id = s.article_id "
            f"WHERE {conditions} ORDER BY score DESC, a.use_count DESC, a.id LIMIT :limit"
        )
    statement = text(sql)
    if binds:
        statement = statement.bindparams(*binds)
    ranked = s.execute(statement, params).all()
    if not ranked:
        return SearchResult(query, (), 0)
    rows = {
        row.id: row
        for row in s.execute(
            text(f"SELECT {_COLUMNS} FROM article a WHERE a.id IN :ids")
            .columns(**_TYPES)
            .bindparams(bindparam("ids", expanding=True)),
            {"ids": [r.id for r in ranked]},
        ).all()
    }
    hits = tuple(_hit(rows[r.id], stems, float(r.score or 0.0)) for r in ranked if r.id in rows)
    return SearchResult(query, hits, ranked[0].total)


def _hit(row: Any, stems: list[str], score: float) -> ArticleHit:
    return ArticleHit(
        slug=row.slug,
        title=row.title,
        language=row.language,
        services=tuple(row.services or ()),
        groups=tuple(row.groups or ()),
        tags=tuple(row.tags or ()),
        use_count=row.use_count,
        updated_at=row.updated_at,
        excerpt=excerpt(row.body, stems, title=row.title),
        score=score,
    )


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`)")
_BULLET = re.compile(r"^\s*(?:[#>]+|[-*+]|\d+[.)])\s+")


def plain(line: str) -> str:
    """A Markdown line as plain text (no markers, links as their text)."""
    line = _BULLET.sub("", line)
    line = _LINK.sub(r"\1", line)
    return _MARKS.sub("", line).strip()


def excerpt(body: str, stems: list[str] | tuple[str, ...] = (), *, title: str = "") -> str:
    """A line of the body to show under the title: the first that holds a searched word,
    else the first that is not a heading or the title again."""
    width = 160
    lines = []
    for raw in body.splitlines():
        if not raw.strip() or raw.lstrip().startswith(("#", "```", "|")):
            continue
        line = plain(raw)
        if line and line.casefold() != title.casefold():
            lines.append(line)
    wanted = [s for s in stems if len(s) >= 2]
    for line in lines:
        folded = line.casefold()
        at = min((folded.find(s) for s in wanted if s in folded), default=-1)
        if at >= 0:
            start = max(0, at - 40)
            cut = line[start : start + width]
            return ("…" if start else "") + cut + ("…" if start + width < len(line) else "")
    if not lines:
        return ""
    first = lines[0]
    return first if len(first) <= width else first[: width - 1] + "…"


# -- reading ------------------------------------------------------------------------------------


def _article(s: Session, cat: Catalog, actor: Actor, slug: str, *, lock: bool = False):
    q = select(m.Article).where(m.Article.slug == slug)
    if lock:
        q = q.with_for_update()
    row = s.exec(q).first()
    if row is None or not can_see(cat, actor, row.groups):
        # an article of other groups is not there for this agent
        raise NotFound(f"no article {slug!r}")
    return row


def _ticket(s: Session, key: str) -> m.Ticket:
    key = normalize_key(key)
    row = s.exec(select(m.Ticket).where(m.Ticket.key == key)).first()
    if row is None:
        raise NotFound(f"no ticket {key}")
    return row


def _view(s: Session, row: m.Article) -> ArticleView:
    author = s.get(m.Agent, row.author_id) if row.author_id else None
    source = s.get(m.Ticket, row.source_ticket_id) if row.source_ticket_id else None
    links = s.exec(
        select(m.ArticleLink.kind, m.Ticket.key, m.Ticket.subject, m.Ticket.status)
        .join(m.Ticket, m.Ticket.id == m.ArticleLink.ticket_id)
        .where(m.ArticleLink.article_id == row.id)
        .order_by(m.ArticleLink.created_at.desc(), m.ArticleLink.id.desc())
        .limit(50)
    ).all()
    seen: dict[str, LinkedTicket] = {}
    for kind, key, subject, status in links:
        if key not in seen or kind == "source":
            seen[key] = LinkedTicket(key, subject, status, kind)
    return ArticleView(
        slug=row.slug,
        title=row.title,
        language=row.language,
        services=tuple(row.services),
        groups=tuple(row.groups),
        tags=tuple(row.tags),
        body=row.body,
        use_count=row.use_count,
        author=author.name if author else "",
        created_at=row.created_at,
        updated_at=row.updated_at,
        source_ticket=source.key if source else None,
        tickets=tuple(seen.values()),
    )


def get(store: Store, actor: Actor, slug: str) -> ArticleView:
    """An article to read (not counted: reading the knowledge base is not a use)."""
    with store.read() as s:
        return _view(s, _article(s, catalog(store, s), actor, slug))


def _link(
    s: Session, article_id: int, ticket_id: int, kind: str, actor: Actor, now: datetime
) -> bool:
    """Link an article and a ticket; False if they were already linked this way."""
    exists = s.exec(
        select(m.ArticleLink.id).where(
            m.ArticleLink.article_id == article_id,
            m.ArticleLink.ticket_id == ticket_id,
            m.ArticleLink.kind == kind,
        )
    ).first()
    if exists is not None:
        return False
    s.add(
        m.ArticleLink(
            article_id=article_id,
            ticket_id=ticket_id,
            kind=kind,
            created_at=now,
            created_by_id=actor.id,
        )
    )
    s.flush()
    return True


def _count_use(s: Session, article_id: int) -> None:
    s.execute(
        update(m.Article)
        .where(m.Article.id == article_id)
        .values(use_count=m.Article.use_count + 1)
    )


def open_for_ticket(
    store: Store, actor: Actor, slug: str, key: str, *, now: datetime | None = None
) -> ArticleView:
    """An article opened from a ticket: linked to it, and counted once per ticket."""
    now = now or utcnow()
    with store.write() as s:
        row = _article(s, catalog(store, s), actor, slug)
        ticket = _ticket(s, key)
        if _link(s, row.id, ticket.id, "used", actor, now):
            _count_use(s, row.id)
        s.flush()
        s.refresh(row)
        return _view(s, row)


def reply_text(view: ArticleView | m.Article, *, width: int = 700) -> str:
    """What goes into a reply: the title, the opening of the article, and its name."""
    paragraphs: list[str] = []
    current: list[str] = []
    size = 0
    for raw in view.body.splitlines():
        if raw.lstrip().startswith("#") or raw.lstrip().startswith("```"):
            if current:
                paragraphs.append(" ".join(current))
                size += len(paragraphs[-1])
                current = []
            if paragraphs and raw.lstrip().startswith("#"):
                break  # the first section after the opening: enough for a reply
            continue
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                size += len(paragraphs[-1])
                current = []
            if size >= width:
                break
            continue
        item = _BULLET.match(raw)
        if item and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(("• " if item and not raw.lstrip()[0].isdigit() else "") + plain(raw))
    if current:
        paragraphs.append(" ".join(current))
    summary = "\n".join(p for p in paragraphs if p.strip())
    if len(summary) > width:
        summary = summary[: width - 1].rstrip() + "…"
    ref = "Статья базы знаний" if view.language == "ru" else "Knowledge base article"
    parts = [view.title, summary, f"({ref}: {view.title} — {view.slug})"]
    return "\n\n".join(p for p in parts if p.strip())


def use_in_reply(
    store: Store, actor: Actor, slug: str, key: str, *, now: datetime | None = None
) -> str:
    """Put an article's summary into the agent's reply draft on `key` (after what is
    already written there); linked to the ticket and counted. Returns the text added."""
    now = now or utcnow()
    with store.write() as s:
        row = _article(s, catalog(store, s), actor, slug)
        ticket = _ticket(s, key)
        if ticket.status in (Status.CLOSED, Status.CANCELLED):
            raise NotAllowed(f"{ticket.key} is {ticket.status}: reopen it to reply")
        _link(s, row.id, ticket.id, "used", actor, now)
        _count_use(s, row.id)
        added = reply_text(row)
    drafts.append(store, actor, "reply", ticket.key, added)
    return added


# -- articles for a ticket --------------------------------------------------------------------

_SUBJECT_WORDS = re.compile(r"\w[\w.\-]*\w|\w", re.UNICODE)


def subject_words(subject: str, limit: int = 8) -> list[str]:
    """The words of a subject worth searching for."""
    out: list[str] = []
    for word in _SUBJECT_WORDS.findall(subject or ""):
        folded = word.casefold()
        if len(folded) < 3 or folded.isdigit() or folded in _STOPWORDS:
            continue
        if folded not in out:
            out.append(folded)
        if len(out) >= limit:
            break
    return out


def for_ticket(store: Store, actor: Actor, key: str, *, limit: int = 5) -> TicketArticles:
    """The articles linked to a ticket, and up to `limit` others that match it: its
    subject's words (the ones of its service first), then its service's most used."""
    with store.read() as s:
        cat = catalog(store, s)
        ticket = _ticket(s, key)
        service = cat.services.get(ticket.service_id)
        service_code = service.code if service else None
        linked_rows = s.exec(
            select(m.Article)
            .join(m.ArticleLink, m.ArticleLink.article_id == m.Article.id)
            .where(m.ArticleLink.ticket_id == ticket.id)
            .order_by(m.ArticleLink.id)
        ).all()
        linked: list[ArticleHit] = []
        for row in linked_rows:
            if can_see(cat, actor, row.groups) and row.slug not in {h.slug for h in linked}:
                linked.append(_hit_of(row))
        taken = tuple(h.slug for h in linked)
        words = subject_words(ticket.subject)
        found: list[ArticleHit] = []
        if words:
            query = " or ".join(words)
            result = _search(s, store, actor, query, limit=limit * 4, exclude=taken)
            ours = [h for h in result.hits if service_code in h.services]
            others = [h for h in result.hits if service_code not in h.services]
            found = (ours + others)[:limit]
        if len(found) < limit and service_code:
            popular = _search(
                s,
                store,
                actor,
                "",
                limit=limit,
                service=service_code,
                exclude=taken + tuple(h.slug for h in found),
            )
            found += list(popular.hits[: limit - len(found)])
        return TicketArticles(ticket.key, tuple(linked), tuple(found))


def _hit_of(row: m.Article, stems: list[str] | None = None) -> ArticleHit:
    return ArticleHit(
        slug=row.slug,
        title=row.title,
        language=row.language,
        services=tuple(row.services),
        groups=tuple(row.groups),
        tags=tuple(row.tags),
        use_count=row.use_count,
        updated_at=row.updated_at,
        excerpt=excerpt(row.body, stems or [], title=row.title),
    )


# -- writing ------------------------------------------------------------------------------------

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


def _codes(values: tuple[str, ...] | list[str], known: set[str], what: str) -> list[str]:
    out: list[str] = []
    for value in values:
        code = clean_line(value).lower()
        if not code:
            continue
        if code not in known:
            listed = ", ".join(sorted(known))
            raise Invalid(f"unknown {what} {code!r} (known: {listed})")
        if code not in out:
            out.append(code)
    return out


def validate(cat: Catalog, actor: Actor, data: ArticleInput) -> ArticleInput:
    """The input cleaned (control characters made visible), or one-line `Invalid`."""
    title = clean_line(data.title)
    if not title:
        raise Invalid("the title is empty")
    if len(title) > TITLE_MAX:
        raise Invalid(f"the title is too long ({len(title)} characters; at most {TITLE_MAX})")
    body = clean(data.body)
    if not body.strip():
        raise Invalid("the article is empty")
    if len(body) > BODY_MAX:
        raise Invalid(f"the article is too long ({len(body):,} characters; at most {BODY_MAX:,})")
    language = clean_line(data.language).lower() or "en"
    if language not in LANGUAGES:
        raise Invalid(f"unknown language {language!r}: use {' or '.join(LANGUAGES)}")
    services = _codes(data.services, {s.code for s in cat.services.values()}, "service")
    groups = _codes(data.groups, {g.code for g in cat.groups.values()}, "group")
    if groups and not actor.sees_everything and not set(groups) & set(_group_codes(cat, actor)):
        mine = ", ".join(_group_codes(cat, actor)) or "none"
        raise Invalid(
            f"you would not see this article yourself: name one of your groups ({mine}) "
            "or leave groups empty for everybody"
        )
    tags: list[str] = []
    for tag in data.tags:
        value = clean_line(tag).casefold()[:40]
        if value and value not in tags:
            tags.append(value)
    if len(tags) > MAX_TAGS:
        raise Invalid(f"too many tags ({len(tags)}; at most {MAX_TAGS})")
    return ArticleInput(title, body, language, tuple(services), tuple(groups), tuple(tags))


def _unique_slug(s: Session, base: str) -> str:
    slug, n = base, 1
    while s.exec(select(m.Article.id).where(m.Article.slug == slug)).first() is not None:
        n += 1
        slug = f"{base[:75]}-{n}"
    return slug


def save(
    store: Store,
    actor: Actor,
    data: ArticleInput,
    *,
    slug: str | None = None,
    expected_updated_at: datetime | None = None,
    source_ticket: str | None = None,
    now: datetime | None = None,
) -> ArticleView:
    """Create an article (`slug` None) or change one. A change made over a newer version
    than the one the agent edited (`expected_updated_at`) is refused: nothing is lost."""
    if not actor.is_agent:
        raise NotAllowed("articles are written by agents")
    now = now or utcnow()
    with store.write() as s:
        cat = catalog(store, s)
        clean_data = validate(cat, actor, data)
        if slug is None:
            ticket = _ticket(s, source_ticket) if source_ticket else None
            row = m.Article(
                slug=_unique_slug(s, slugify(clean_data.title)),
                author_id=actor.id,
                created_at=now,
                source_ticket_id=ticket.id if ticket else None,
            )
        else:
            row = _article(s, cat, actor, slug, lock=True)
            if expected_updated_at is not None and row.updated_at != expected_updated_at:
                when = row.updated_at.astimezone().strftime("%H:%M") if row.updated_at else "?"
                raise Conflict(
                    f"article {slug!r} was changed by somebody else at {when} while you "
                    "edited it; nothing was saved: copy your text, reopen it and edit again"
                )
            if row.updated_at is not None and now <= row.updated_at:
                now = row.updated_at + timedelta(microseconds=1)  # a newer version, always
            ticket = None
        row.title = clean_data.title
        row.body = clean_data.body
        row.language = clean_data.language
        row.services = list(clean_data.services)
        row.groups = list(clean_data.groups)
        row.tags = list(clean_data.tags)
        row.updated_at = now
        s.add(row)
        s.flush()
        if ticket is not None:
            _link(s, row.id, ticket.id, "source", actor, now)
        return _view(s, row)


def delete(store: Store, actor: Actor, slug: str) -> None:
    """Delete an article (supervisors and admins); its links to tickets go with it."""
    if not actor.sees_everything:
        raise NotAllowed("articles are deleted by supervisors and admins")
    with store.write() as s:
        row = _article(s, catalog(store, s), actor, slug, lock=True)
        for link in s.exec(select(m.ArticleLink).where(m.ArticleLink.article_id == row.id)):
            s.delete(link)
        s.flush()
        s.delete(row)


# -- drafting from a ticket -------------------------------------------------------------------

_HEADINGS = {
    "en": ("Symptoms", "Checked on the call", "Resolution", "Drafted from {key}."),
    "ru": ("Признаки", "Что проверили при обращении", "Решение", "Составлено по обращению {key}."),
}
_DRAFTABLE = (Status.RESOLVED, Status.CLOSED)


def draft_from_ticket(store: Store, actor: Actor, key: str) -> ArticleDraft:
    """An article drafted from a resolved (or closed) ticket: its subject as the title, its
    description as the symptoms, the checklist, and the resolution; for the agent to edit."""
    with store.read() as s:
        cat = catalog(store, s)
        ticket = _ticket(s, key)
        if ticket.status not in _DRAFTABLE:
            raise Invalid(
                f"{ticket.key} is {ticket.status.replace('_', ' ')}: an article is drafted "
                "from a resolved ticket, once the solution is known"
            )
        language = "ru" if _CYRILLIC.search(ticket.subject + ticket.description) else "en"
        symptoms, checked, resolution, drafted = _HEADINGS[language]
        parts = [f"# {ticket.subject}", f"## {symptoms}", ticket.description.strip() or "—"]
        if ticket.checklist:
            parts += [f"## {checked}", "\n".join(f"- {item}" for item in ticket.checklist)]
        parts += [f"## {resolution}", ticket.resolution.strip() or "—"]
        parts.append(f"*{drafted.format(key=ticket.key)}*")
        service = cat.services.get(ticket.service_id)
        existing = s.exec(
            select(m.Article.slug)
            .join(m.ArticleLink, m.ArticleLink.article_id == m.Article.id)
            .where(m.ArticleLink.ticket_id == ticket.id, m.ArticleLink.kind == "source")
        ).all()
        return ArticleDraft(
            ArticleInput(
                title=clean_line(ticket.subject)[:TITLE_MAX],
                body=clean("\n\n".join(parts)),
                language=language,
                services=(service.code,) if service else (),
                groups=(),
                tags=tuple(ticket.tags),
            ),
            ticket.key,
            tuple(existing),
        )


@dataclass(frozen=True)
class Choices:
    """What the editor offers: the codes of services and groups, and the languages."""

    services: tuple[tuple[str, str], ...] = field(default=())  # (code, name)
    groups: tuple[tuple[str, str], ...] = field(default=())
    my_groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = LANGUAGES


def choices(store: Store, actor: Actor) -> Choices:
    cat = catalog(store)
    return Choices(
        tuple(sorted((sv.code, sv.name) for sv in cat.services.values())),
        tuple(sorted((g.code, g.name) for g in cat.groups.values())),
        tuple(_group_codes(cat, actor)),
    )
