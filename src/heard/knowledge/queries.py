"""Reads of the knowledge base. Everything a public page shows comes through `published()`, so a draft or an
archived article can never reach the public site by a forgotten filter."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from heard.knowledge.models import ISSUE_STATUSES, PUBLISHED, Article
from heard.knowledge.slugs import slugify

MAX_LIST = 500


def published() -> Select[Article]:
    return select(Article).where(Article.status == PUBLISHED)


def get_public_article(session: Session, slug: str) -> Article | None:
    return session.scalars(published().where(Article.slug == slug)).first()


def get_article(session: Session, slug: str) -> Article | None:
    """Any article, whatever its status: for agents and the CLI, never for public pages."""
    return session.scalars(select(Article).where(Article.slug == slug)).first()


def list_articles(session: Session, status: str | None = None, limit: int = MAX_LIST) -> list[Article]:
    query = select(Article).order_by(Article.created_at.desc(), Article.id.desc()).limit(limit)
    if status:
        query = query.where(Article.status == status)
    return list(session.scalars(query))


def recent_published(session: Session, limit: int = 20) -> list[Article]:
    query = published().order_by(Article.published_at.desc(), Article.id.desc()).limit(min(limit, MAX_LIST))
    return list(session.scalars(query))


def all_published(session: Session) -> list[Article]:
    return list(session.scalars(published().order_by(Article.title, Article.id)))


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
    return match, list(session.scalars(query))


def known_issues(session: Session) -> list[Article]:
    """Published articles about a known problem, open ones first (investigating, identified), then fixed."""
    order = {status: i for i, status in enumerate(ISSUE_STATUSES)}
    rows = session.scalars(published().where(Article.issue_status.is_not(None)))
    return sorted(rows, key=lambda a: (order.get(a.issue_status or "", 9), -_stamp(a)))


def translations(session: Session, article: Article) -> list[Article]:
    """The published versions of the same article in other languages (the original included)."""
    root = article.original_id or article.id
    query = published().where(or_(Article.id == root, Article.original_id == root), Article.id != article.id)
    return list(session.scalars(query.order_by(Article.language)))


def _stamp(article: Article) -> float:
    when = article.published_at or article.created_at
    return when.timestamp() if when else 0.0
