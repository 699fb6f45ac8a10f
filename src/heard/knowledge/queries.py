"""Reads of the knowledge base. Everything a public page shows comes through `published()`, so a draft or an
archived article can never reach the public site by a forgotten filter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from heard.incidents.models import Incident
from heard.knowledge.models import ISSUE_STATUSES, PUBLISHED, Article
from heard.knowledge.slugs import is_slug, slugify

MAX_LIST = 500


def published() -> Select[Article]:
    return select(Article).where(Article.status == PUBLISHED)


def servable(rows: Iterable[Article]) -> list[Article]:
    """Only articles whose slug can be a URL path and a folder name (older rows or other writers may not)."""
    return [a for a in rows if is_slug(a.slug)]


def get_public_article(session: Session, slug: str) -> Article | None:
    return session.scalars(published().where(Article.slug == slug)).first()


def get_article(session: Session, slug: str) -> Article | None:
    """Any article, whatever its status: for agents and the CLI, never for public pages."""
    return session.scalars(select(Article).where(Article.slug == slug)).first()


def list_articles(
    session: Session, status: str | None = None, limit: int = MAX_LIST, brand: str | None = None
) -> list[Article]:
    """The newest articles; of one brand when given: those written from one of its incidents."""
    query = select(Article).order_by(Article.created_at.desc(), Article.id.desc()).limit(limit)
    if status:
        query = query.where(Article.status == status)
    if brand:
        query = query.join(Incident, Incident.id == Article.incident_id).where(Incident.brand == brand)
    return list(session.scalars(query))


def recent_published(session: Session, limit: int = 20) -> list[Article]:
    query = published().order_by(Article.published_at.desc(), Article.id.desc()).limit(min(limit, MAX_LIST))
    return servable(session.scalars(query))


def all_published(session: Session) -> list[Article]:
    return servable(session.scalars(published().order_by(Article.title, Article.id)))


@dataclass(frozen=True)
class Category:
    """A category as the public site shows it: its name, its URL slug and how many published articles it has."""

    name: str
    slug: str
    count: int


def categories(session: Session) -> list[Category]:
    rows = session.execute(
        select(Article.category, func.count())
        .where(Article.status == PUBLISHED, Article.category.is_not(None))
        .group_by(Article.category)
        .order_by(Article.category)
    )
    return [Category(name, slugify(name, "general"), count) for name, count in rows if name]


def category_articles(session: Session, category_slug: str) -> tuple[Category | None, list[Article]]:
    match = next((c for c in categories(session) if c.slug == category_slug), None)
    if match is None:
        return None, []
    query = published().where(Article.category == match.name).order_by(Article.title, Article.id)
    return match, servable(session.scalars(query))


def known_issues(session: Session) -> list[Article]:
    """Published articles about a known problem, open ones first (investigating, identified), then fixed."""
    order = {status: i for i, status in enumerate(ISSUE_STATUSES)}
    rows = servable(session.scalars(published().where(Article.issue_status.is_not(None))))
    return sorted(rows, key=lambda a: (order.get(a.issue_status or "", 9), -_stamp(a)))


@dataclass(frozen=True)
class LiveIssue:
    """A known issue as the status page shows it, with the live figures of its incident when it has one."""

    article: Article
    reports: int = 0
    people: int = 0
    last_report_at: datetime | None = None


def live_issues(session: Session) -> list[LiveIssue]:
    """`known_issues` with how many reports and people the incident has now, read at each request."""
    issues = known_issues(session)
    ids = {a.incident_id for a in issues if a.incident_id is not None}
    incidents = {i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_(ids)))} if ids else {}
    views = []
    for article in issues:
        incident = incidents.get(article.incident_id or 0)
        if incident is None or incident.post_count <= 0:
            views.append(LiveIssue(article))
        else:
            views.append(LiveIssue(article, incident.post_count, incident.author_count, incident.updated_at))
    return views


def translations(session: Session, article: Article) -> list[Article]:
    """The published versions of the same article in other languages (the original included)."""
    root = article.original_id or article.id
    query = published().where(or_(Article.id == root, Article.original_id == root), Article.id != article.id)
    return servable(session.scalars(query.order_by(Article.language)))


def _stamp(article: Article) -> float:
    when = article.published_at or article.created_at
    return when.timestamp() if when else 0.0
