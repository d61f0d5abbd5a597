"""The knowledge base: search, read, write, and the articles that help with a ticket.

Search is full-text in the store and ranked (`store/article_search.py`); what a query
means is `domain/kb_query.py`.

Visibility: an article whose `groups` is not empty is shown only to agents of one of those
groups; supervisors and admins see every article. Every read here applies it, and an
article one may not see is "not found".

Links and usage: an article opened from a ticket, or put into a reply on it, is linked to
that ticket (`article_link`, kind `used`) and its `use_count` goes up by one: the count
is the number of tickets it was used on. An article drafted from a ticket is linked to it
as its `source`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete as sql_delete
from sqlalchemy import update
from sqlmodel import Session, select

from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.kb_query import is_russian, parse_query, searched_stems, subject_words
from helpdesk_tui.domain.kb_text import draft_body, excerpt, reply_text, slugify
from helpdesk_tui.domain.text import clean, clean_line
from helpdesk_tui.domain.vocab import status_label
from helpdesk_tui.domain.workflow import Status
from helpdesk_tui.i18n import _, localized
from helpdesk_tui.services import drafts
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import Catalog, catalog
from helpdesk_tui.services.refusals import guarded
from helpdesk_tui.services.ticket_core import normalize_key, utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.article_search import Scope, ranked
from helpdesk_tui.store.db import Store

LANGUAGES = ("en", "ru")
SEARCH_LIMIT = 30  # a screenful and more; the total says how many match
TITLE_MAX = 300
BODY_MAX = 100_000
MAX_TAGS = 20


# -- what the screens and the CLI get ------------------------------------------------------


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
    excerpt: str  # a line of the body: the one that matches, when searching
    score: float = 0.0  # relevance, higher is better (0 when browsing)


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[ArticleHit, ...]
    total: int  # every match (every visible article when browsing), not only the hits


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
    existing: tuple[str, ...] = ()  # slugs of articles already drafted from that ticket


@dataclass(frozen=True)
class TicketArticles:
    """For the ticket pane: the articles linked to a ticket, and others that may help."""

    key: str
    linked: tuple[ArticleHit, ...] = ()
    suggested: tuple[ArticleHit, ...] = ()


@dataclass(frozen=True)
class Choices:
    """What the editor offers: services and groups as (code, name), the agent's groups."""

    services: tuple[tuple[str, str], ...]
    groups: tuple[tuple[str, str], ...]
    my_groups: tuple[str, ...]
    languages: tuple[str, ...] = LANGUAGES


# -- visibility -------------------------------------------------------------------------------


def _my_groups(cat: Catalog, actor: Actor) -> tuple[str, ...]:
    return tuple(sorted(cat.groups[g].code for g in actor.group_ids if g in cat.groups))


def can_see(cat: Catalog, actor: Actor, groups: list[str] | tuple[str, ...]) -> bool:
    return not groups or actor.sees_everything or bool(set(groups) & set(_my_groups(cat, actor)))


def _scope(cat: Catalog, actor: Actor, **narrowed) -> Scope:
    return Scope(None if actor.sees_everything else _my_groups(cat, actor), **narrowed)


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
    """The articles the actor may see that match `query`, best first; with nothing to
    search for, the most used first."""
    with store.read() as s:
        cat = catalog(store, s)
        scope = _scope(cat, actor, service=service, language=language)
        return _search(s, store, scope, query, limit)


def _search(
    s: Session, store: Store, scope: Scope, query: str, limit: int, *, prefix: bool = True
) -> SearchResult:
    clauses = parse_query(query)
    found = ranked(s, store.dialect, clauses, scope, limit, prefix=prefix)
    if not found.ids:
        return SearchResult(query, (), 0)
    rows = {r.id: r for r in s.exec(select(m.Article).where(m.Article.id.in_(found.ids)))}
    stems = searched_stems(clauses)
    hits = tuple(
        _hit(rows[i], stems, score) for i, score in zip(found.ids, found.scores, strict=True)
    )
    return SearchResult(query, hits, found.total)


def _hit(row: m.Article, stems: list[str], score: float = 0.0) -> ArticleHit:
    return ArticleHit(
        slug=row.slug,
        title=row.title,
        language=row.language,
        services=tuple(row.services),
        groups=tuple(row.groups),
        tags=tuple(row.tags),
        use_count=row.use_count,
        updated_at=row.updated_at,
        excerpt=excerpt(row.body, stems, title=row.title),
        score=score,
    )


# -- reading ------------------------------------------------------------------------------------


def _article(s: Session, cat: Catalog, actor: Actor, slug: str, *, lock: bool = False):
    q = select(m.Article).where(m.Article.slug == clean_line(slug))
    if lock:
        q = q.with_for_update()
    row = s.exec(q).first()
    if row is None or not can_see(cat, actor, row.groups):
        raise NotFound(
            _("no article {slug!r}").format(slug=clean_line(slug))
        )  # another group's is not there
    return row


def _ticket(s: Session, key: str) -> m.Ticket:
    key = normalize_key(key)
    row = s.exec(select(m.Ticket).where(m.Ticket.key == key)).first()
    if row is None:
        raise NotFound(_("no ticket {key}").format(key=key))
    return row


def _view(s: Session, row: m.Article) -> ArticleView:
    author = s.get(m.Agent, row.author_id) if row.author_id else None
    source = s.get(m.Ticket, row.source_ticket_id) if row.source_ticket_id else None
    links = s.exec(
        select(m.ArticleLink.kind, m.Ticket.key, m.Ticket.subject, m.Ticket.status)
        .join(m.Ticket, m.Ticket.id == m.ArticleLink.ticket_id)
        .where(m.ArticleLink.article_id == row.id)
        .order_by(m.ArticleLink.id.desc())
        .limit(50)
    ).all()
    tickets: dict[str, LinkedTicket] = {}
    for kind, key, subject, status in links:
        if key not in tickets or kind == "source":
            tickets[key] = LinkedTicket(key, subject, status, kind)
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
        updated_at=row.updated_at,
        source_ticket=source.key if source else None,
        tickets=tuple(tickets.values()),
    )


def get(store: Store, actor: Actor, slug: str) -> ArticleView:
    """An article to read (reading the knowledge base is not a use)."""
    with store.read() as s:
        return _view(s, _article(s, catalog(store, s), actor, slug))


def _use(s: Session, article: m.Article, ticket: m.Ticket, actor: Actor, kind: str) -> bool:
    """Link `article` to `ticket`; the first use on a ticket counts. False if linked so."""
    exists = s.exec(
        select(m.ArticleLink.id).where(
            m.ArticleLink.article_id == article.id,
            m.ArticleLink.ticket_id == ticket.id,
            m.ArticleLink.kind == kind,
        )
    ).first()
    if exists is not None:
        return False
    s.add(
        m.ArticleLink(
            article_id=article.id,
            ticket_id=ticket.id,
            kind=kind,
            created_at=utcnow(),
            created_by_id=actor.id,
        )
    )
    if kind == "used":  # one statement: two agents at once both count
        s.execute(
            update(m.Article)
            .where(m.Article.id == article.id)
            .values(use_count=m.Article.use_count + 1)
        )
    s.flush()
    return True


def open_for_ticket(store: Store, actor: Actor, slug: str, key: str) -> ArticleView:
    """An article opened from a ticket: linked to it, and counted once per ticket."""
    if not actor.is_agent:
        raise NotAllowed(_("articles are read by agents"))
    with store.write() as s:
        row = _article(s, catalog(store, s), actor, slug)
        _use(s, row, _ticket(s, key), actor, "used")
        s.refresh(row)
        return _view(s, row)


@guarded("ticket.reply")
def use_in_reply(store: Store, actor: Actor, slug: str, key: str) -> str:
    """Put an article's summary into the agent's reply draft on ticket `key`, after what is
    already written there; linked and counted as `open_for_ticket`. Returns the text."""
    with store.write() as s:
        row = _article(s, catalog(store, s), actor, slug)
        ticket = _ticket(s, key)
        if ticket.status in (Status.CLOSED, Status.CANCELLED):
            raise NotAllowed(
                _("{key} is {status}: reopen it to reply").format(
                    key=ticket.key, status=ticket.status
                )
            )
        _use(s, row, ticket, actor, "used")
        added = reply_text(row.title, row.body, row.language, row.slug)
        drafts.append_in(s, actor, "reply", ticket.id, added)
        return added


# -- articles for a ticket --------------------------------------------------------------------


def for_ticket(store: Store, actor: Actor, key: str, *, limit: int = 5) -> TicketArticles:
    """The articles linked to a ticket, and up to `limit` others that may help: those that
    hold every word of its subject, then any of them (of its service first), then its
    service's most used."""
    with store.read() as s:
        cat = catalog(store, s)
        ticket = _ticket(s, key)
        service = cat.services.get(ticket.service_id)
        code = service.code if service else None
        linked: dict[str, ArticleHit] = {}
        for row in s.exec(
            select(m.Article)
            .join(m.ArticleLink, m.ArticleLink.article_id == m.Article.id)
            .where(m.ArticleLink.ticket_id == ticket.id)
            .order_by(m.ArticleLink.id)
        ):
            if row.slug not in linked and can_see(cat, actor, row.groups):
                linked[row.slug] = _hit(row, [])
        scope = _scope(cat, actor, exclude=tuple(linked))
        found: list[ArticleHit] = []
        words = subject_words(ticket.subject, limit=6)
        # every word first (few matches, quick), then any of them; whole words: a subject
        # is not being typed
        for query in (" ".join(words), " or ".join(words)) if words else ():
            taken = scope.exclude + tuple(h.slug for h in found)
            narrowed = Scope(scope.groups, exclude=taken)
            hits = _search(s, store, narrowed, query, limit * 3, prefix=False).hits
            found += sorted(hits, key=lambda h: code not in h.services)  # stable
            found = found[:limit]
            if len(found) >= limit or len(words) == 1:
                break
        if len(found) < limit and code:
            taken = scope.exclude + tuple(h.slug for h in found)
            more = Scope(scope.groups, service=code, exclude=taken)
            found += _search(s, store, more, "", limit - len(found)).hits
        return TicketArticles(ticket.key, tuple(linked.values()), tuple(found))


# -- writing ------------------------------------------------------------------------------------


def _codes(values: tuple[str, ...], known: set[str], what: str) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        code = clean_line(value).lower()
        if not code:
            continue
        if code not in known:
            raise Invalid(
                _("unknown {what} {code!r} (known: {known})").format(
                    what=what, code=code, known=", ".join(sorted(known))
                )
            )
        if code not in out:
            out.append(code)
    return tuple(out)


def validate(cat: Catalog, actor: Actor, data: ArticleInput) -> ArticleInput:
    """The input cleaned (control characters made visible), or a one-line `Invalid`."""
    title = clean_line(data.title)
    if not title:
        raise Invalid(_("the title is empty"))
    if len(title) > TITLE_MAX:
        raise Invalid(
            _("the title is too long ({title} characters; at most {TITLE_MAX})").format(
                title=len(title), TITLE_MAX=TITLE_MAX
            )
        )
    body = clean(data.body)
    if not body.strip():
        raise Invalid(_("the article is empty"))
    if len(body) > BODY_MAX:
        raise Invalid(
            _("the article is too long ({body:,} characters; at most {BODY_MAX:,})").format(
                body=len(body), BODY_MAX=BODY_MAX
            )
        )
    language = clean_line(data.language).lower() or "en"
    if language not in LANGUAGES:
        raise Invalid(
            _("unknown language {language!r}: use {LANGUAGES}").format(
                language=language, LANGUAGES=" or ".join(LANGUAGES)
            )
        )
    services = _codes(data.services, {sv.code for sv in cat.services.values()}, "service")
    groups = _codes(data.groups, {g.code for g in cat.groups.values()}, "group")
    mine = _my_groups(cat, actor)
    if groups and not actor.sees_everything and not set(groups) & set(mine):
        raise Invalid(
            _(
                "you would not see this article yourself: name one of your groups "
                "({groups}) or none for everybody"
            ).format(groups=", ".join(mine) or _("none"))
        )
    tags: list[str] = []
    for tag in data.tags:
        value = clean_line(tag).casefold()[:40]
        if value and value not in tags:
            tags.append(value)
    if len(tags) > MAX_TAGS:
        raise Invalid(
            _("too many tags ({tags}; at most {MAX_TAGS})").format(
                tags=len(tags), MAX_TAGS=MAX_TAGS
            )
        )
    return ArticleInput(title, body, language, services, groups, tuple(tags))


def _unique_slug(s: Session, base: str) -> str:
    slug, n = base, 1
    while s.exec(select(m.Article.id).where(m.Article.slug == slug)).first() is not None:
        n += 1
        slug = f"{base[:75]}-{n}"
    return slug


@guarded("kb.write")
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
    """Create an article (`slug` None) or change one. A change over a newer version than
    the one the agent edited (`expected_updated_at`) is refused: nothing is lost."""
    now = now or utcnow()
    with store.write() as s:
        cat = catalog(store, s)
        clean_data = validate(cat, actor, data)
        ticket = None
        if slug is None:
            ticket = _ticket(s, source_ticket) if source_ticket else None
            row = m.Article(
                slug=_unique_slug(s, slugify(clean_data.title)),
                title=clean_data.title,
                author_id=actor.id,
                created_at=now,
                source_ticket_id=ticket.id if ticket else None,
            )
        else:
            row = _article(s, cat, actor, slug, lock=True)
            if expected_updated_at is not None and row.updated_at != expected_updated_at:
                when = row.updated_at.astimezone().strftime("%H:%M") if row.updated_at else "?"
                raise Conflict(
                    _(
                        "article {slug!r} was changed by somebody else at {when} while you "
                        "edited it; nothing was saved (your text is still in the editor)"
                    ).format(slug=row.slug, when=when)
                )
            if row.updated_at is not None and now <= row.updated_at:
                now = row.updated_at + timedelta(microseconds=1)  # always a newer version
        row.title = clean_data.title
        row.body = clean_data.body
        row.language = clean_data.language
        row.services = list(clean_data.services)
        row.groups = list(clean_data.groups)
        row.tags = list(clean_data.tags)
        row.updated_at = now
        row.edited_by_id = actor.id
        s.add(row)
        s.flush()
        if ticket is not None:
            _use(s, row, ticket, actor, "source")
        return _view(s, row)


@guarded("kb.delete")
def delete(store: Store, actor: Actor, slug: str) -> None:
    """Delete an article; its links to tickets go with it."""
    with store.write() as s:
        row = _article(s, catalog(store, s), actor, slug, lock=True)
        s.execute(sql_delete(m.ArticleLink).where(m.ArticleLink.article_id == row.id))
        s.delete(row)


def draft_from_ticket(store: Store, actor: Actor, key: str) -> ArticleDraft:
    """An article drafted from a resolved (or closed) ticket, for the agent to edit: the
    subject as its title, the description as the symptoms, the checklist, the resolution."""
    with store.read() as s:
        cat = catalog(store, s)
        ticket = _ticket(s, key)
        if ticket.status not in (Status.RESOLVED, Status.CLOSED):
            raise Invalid(
                _(
                    "{key} is {status}: an article is drafted "
                    "from a resolved ticket, once the solution is known"
                ).format(key=ticket.key, status=status_label(ticket.status))
            )
        language = "ru" if is_russian(ticket.subject + ticket.description) else "en"
        body = draft_body(
            key=ticket.key,
            subject=ticket.subject,
            description=ticket.description,
            checklist=ticket.checklist,
            resolution=ticket.resolution,
            language=language,
        )
        service = cat.services.get(ticket.service_id)
        existing = s.exec(
            select(m.Article.slug)
            .join(m.ArticleLink, m.ArticleLink.article_id == m.Article.id)
            .where(m.ArticleLink.ticket_id == ticket.id, m.ArticleLink.kind == "source")
        ).all()
        return ArticleDraft(
            ArticleInput(
                title=clean_line(ticket.subject)[:TITLE_MAX],
                body=clean(body),
                language=language,
                services=(service.code,) if service else (),
                tags=tuple(ticket.tags),
            ),
            ticket.key,
            tuple(existing),
        )


def choices(store: Store, actor: Actor) -> Choices:
    """The services and groups an article may name, by their names in the language in
    force."""
    cat = catalog(store)
    return Choices(
        tuple(sorted((sv.code, localized(sv)) for sv in cat.services.values())),
        tuple(sorted((g.code, localized(g)) for g in cat.groups.values())),
        _my_groups(cat, actor),
    )
