"""Full-text search over articles, ranked, on both stores (the index: migration 0004).

SQLite: FTS5 with `bm25` (title weighted over tags over body). English words are stemmed
by the `porter` tokenizer; every term is a prefix query of its stem (Russian inflections
are stripped from the term by `domain.kb_query.stem`), so forms of a word find each
other. PostgreSQL: one `tsvector` per article in the `russian` configuration (Russian
Snowball for Cyrillic words, English Snowball and stop words for Latin-script ones),
`ts_rank` over title (A), tags (B) and body (D); each term is a prefix query of its stem.

Every term reaches the store quoted, never as syntax: FTS5 would read `-`, `:`, `NEAR`
or `OR` in a term, and the default tokenizer splits `task.move`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session

from helpdesk_tui.domain.kb_query import Clause, groups, is_russian, stem


@dataclass(frozen=True)
class Scope:
    """What the searcher may see and what they narrowed the search to.

    `groups` None: every article (supervisors, admins); otherwise articles for everybody
    and those of these groups."""

    groups: tuple[str, ...] | None = None
    service: str | None = None
    language: str | None = None
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ranked:
    ids: tuple[int, ...]  # best first
    scores: tuple[float, ...]
    total: int  # every match, not only this page


# -- the match expressions --------------------------------------------------------------


PREFIX_FROM = 3  # a shorter term is a whole word: `1С`, `ОС`; prefixes of two letters
# would match nearly every article, and nobody means them


def _fts_item(c: Clause, prefix: bool) -> str:
    if c.phrase:
        return '"' + c.text.replace('"', '""') + '"'
    word = stem(c.text)
    # the tokenizer does not stem Russian: its words are found by the prefix of their stem
    star = "*" if (prefix or is_russian(word)) and len(word) >= PREFIX_FROM else ""
    return '"' + word.replace('"', '""') + '"' + star


def fts5_match(clauses: list[Clause], *, prefix: bool = True) -> str | None:
    """The FTS5 MATCH expression, every term quoted; None when nothing is searched for.
    `prefix`: each word also finds the longer words it begins (as the agent types)."""
    alls, negated = groups(clauses)
    if not alls:
        return None
    expr = " AND ".join("(" + " OR ".join(_fts_item(c, prefix) for c in g) + ")" for g in alls)
    for c in negated:
        expr = f"({expr}) NOT {_fts_item(c, prefix)}"
    return expr


def pg_tsquery(clauses: list[Clause], *, prefix: bool = True) -> tuple[str, dict[str, str]] | None:
    """A tsquery expression (the `russian` configuration, which stems English words with
    the English stemmer), and its bound parameters."""
    alls, negated = groups(clauses)
    if not alls:
        return None
    params: dict[str, str] = {}

    def item(c: Clause) -> str:
        name = f"q{len(params)}"
        if c.phrase:
            params[name] = c.text
            return f"phraseto_tsquery('russian', :{name})"
        # a quoted lexeme: nothing in it is tsquery syntax
        lexeme = "'" + c.text.replace("\\", "\\\\").replace("'", "''") + "'"
        params[name] = lexeme + (":*" if prefix and len(stem(c.text)) >= PREFIX_FROM else "")
        return f"to_tsquery('russian', :{name})"

    expr = " && ".join("(" + " || ".join(item(c) for c in g) + ")" for g in alls)
    for c in negated:
        expr = f"({expr}) && !!{item(c)}"
    return expr, params


# -- what the searcher may see -------------------------------------------------------------


def _has(dialect: str, column: str, param: str, *, many: bool) -> str:
    op = f"IN :{param}" if many else f"= :{param}"
    if dialect == "sqlite":
        return f"EXISTS (SELECT 1 FROM json_each({column}) AS j WHERE j.value {op})"
    elements = f"json_array_elements_text({column}) AS j(value)"
    return f"EXISTS (SELECT 1 FROM {elements} WHERE j.value {op})"


@dataclass
class _Where:
    conditions: list[str]
    params: dict
    binds: list
    needs_article: bool  # a condition reads the article row (`a`)

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions) or "1 = 1"


def _where(dialect: str, scope: Scope, *, searching: bool) -> _Where:
    """Conditions on `a` (the article) and, when searching on PostgreSQL, on `s` (its
    search row, which carries the groups: visibility needs no article row there)."""
    w = _Where([], {}, [], False)
    if scope.groups is not None:
        if dialect == "postgresql" and searching:
            mine = "s.groups && CAST(:mine AS text[])" if scope.groups else "false"
            w.conditions.append(f"(s.groups = '{{}}' OR {mine})")
            if scope.groups:
                w.params["mine"] = list(scope.groups)
        else:
            w.needs_article = True
            everybody = "json_array_length(a.groups) = 0"
            if scope.groups:
                w.conditions.append(
                    f"({everybody} OR {_has(dialect, 'a.groups', 'mine', many=True)})"
                )
                w.params["mine"] = list(scope.groups)
                w.binds.append(bindparam("mine", expanding=True))
            else:
                w.conditions.append(everybody)
    if scope.service:
        w.needs_article = True
        w.conditions.append(_has(dialect, "a.services", "service", many=False))
        w.params["service"] = scope.service
    if scope.language:
        w.needs_article = True
        w.conditions.append("a.language = :language")
        w.params["language"] = scope.language
    if scope.exclude:
        w.needs_article = True
        w.conditions.append("a.slug NOT IN :exclude")
        w.params["exclude"] = list(scope.exclude)
        w.binds.append(bindparam("exclude", expanding=True))
    return w


# -- the search --------------------------------------------------------------------------------


def ranked(
    s: Session,
    dialect: str,
    clauses: list[Clause],
    scope: Scope,
    limit: int,
    *,
    prefix: bool = True,
) -> Ranked:
    """The ids of the best `limit` articles matching `clauses` within `scope`, and how many
    match in all. No clauses: the most used first. `prefix`: words also find the longer
    words they begin (as typed); off for whole words (a ticket's subject)."""
    w = _where(dialect, scope, searching=bool(clauses))
    params = {**w.params, "limit": max(1, min(limit, 500))}
    if not clauses:
        sql = (
            "SELECT a.id, 0.0 AS score, count(*) OVER () AS total FROM article a "
            f"WHERE {w.sql} ORDER BY a.use_count DESC, a.title, a.id LIMIT :limit"
        )
    elif dialect == "sqlite":
        match = fts5_match(clauses, prefix=prefix)
        if match is None:
            return Ranked((), (), 0)
        params["match"] = match
        # bm25() cannot sit beside a window function: rank in a materialized CTE first
        sql = (
            "WITH hits AS MATERIALIZED (SELECT rowid AS id, "
            "bm25(article_search, 10.0, 4.0, 1.0) AS rank "
            "FROM article_search WHERE article_search MATCH :match) "
            "SELECT a.id, -h.rank AS score, count(*) OVER () AS total "
            f"FROM hits h JOIN article a ON a.id = h.id WHERE {w.sql} "
            "ORDER BY h.rank, a.use_count DESC, a.id LIMIT :limit"
        )
    else:
        built = pg_tsquery(clauses, prefix=prefix)
        if built is None:
            return Ranked((), (), 0)
        tsquery, qparams = built
        params.update(qparams)
        # ranked from the search rows alone; the article is read only for its filters
        join = " JOIN article a ON a.id = s.article_id" if w.needs_article else ""
        sql = (
            f"WITH q AS MATERIALIZED (SELECT {tsquery} AS query) "
            "SELECT s.article_id AS id, ts_rank(s.document, q.query) AS score, "
            f"count(*) OVER () AS total FROM q, article_search s{join} "
            f"WHERE s.document @@ q.query AND {w.sql} "
            "ORDER BY score DESC, s.article_id LIMIT :limit"
        )
    statement = text(sql)
    if w.binds:
        statement = statement.bindparams(*w.binds)
    rows = s.execute(statement, params).all()
    if not rows:
        return Ranked((), (), 0)
    return Ranked(
        tuple(r.id for r in rows), tuple(float(r.score or 0.0) for r in rows), int(rows[0].total)
    )
