"""Writes to the knowledge base: create, edit, publish, archive. Publishing an article that answers an incident
calls for follow-ups to the people who complained in it: `heard.inbox.followups.publish_with_followups` sends
them through the outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from heard.audit.trail import SYSTEM, Actor, record
from heard.clock import Clock
from heard.db.unit import emit
from heard.errors import NotFound, Refused
from heard.events import ArticlePublished
from heard.knowledge.models import ARCHIVED, DRAFT, ISSUE_STATUSES, PUBLISHED, Article
from heard.knowledge.queries import get_article
from heard.knowledge.slugs import is_slug, unique_slug

MAX_TITLE = 256
EDITABLE = frozenset({"title", "body_md", "category", "language", "summary", "problem", "product", "issue_status"})


class ArticleNotFound(NotFound):
    """No article has that slug."""


class InvalidArticle(Refused):
    """The article's fields break a rule (empty title, unknown status, bad slug)."""


def create_article(session: Session, clock: Clock, title: str, slug: str | None = None, **fields: Any) -> Article:
    """A new draft. `fields` are any of EDITABLE plus incident_id, original_id, author_id."""
    allowed = EDITABLE | {"incident_id", "original_id", "author_id"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidArticle(f"unknown fields: {', '.join(sorted(unknown))}")
    if slug is not None and not is_slug(slug):
        raise InvalidArticle("a slug is lowercase letters, digits and single hyphens")
    now = clock.now()
    article = Article(
        title="", status=DRAFT, language="en", created_at=now, updated_at=now, body_md="", summary="", problem=""
    )
    _apply(article, {"title": title, **{k: v for k, v in fields.items() if k in EDITABLE}})
    for key in ("incident_id", "original_id", "author_id"):
        setattr(article, key, fields.get(key))
    article.slug = slug or unique_slug(session, _slug_source(article))
    session.add(article)
    session.flush()
    return article


def update_article(session: Session, clock: Clock, slug: str, **fields: Any) -> Article:
    article = _find(session, slug)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise InvalidArticle(f"cannot edit: {', '.join(sorted(unknown))}")
    _apply(article, fields)
    article.updated_at = clock.now()
    session.flush()
    return article


def publish_article(session: Session, clock: Clock, slug: str, by: Actor = SYSTEM) -> Article:
    """Make the article public (its first publication time is kept on a second publish, which announces
    nothing). `by` is who published it, for the audit trail."""
    article = _find(session, slug)
    now = clock.now()
    was_public = article.status == PUBLISHED
    article.status = PUBLISHED
    article.published_at = article.published_at or now
    article.updated_at = now
    session.flush()
    if not was_public:
        emit(session, ArticlePublished(article.id, article.slug, article.incident_id))
        record(session, by, "article.published", "article", article.id, {"slug": article.slug}, at=now)
    return article


def archive_article(session: Session, clock: Clock, slug: str) -> Article:
    article = _find(session, slug)
    article.status = ARCHIVED
    article.updated_at = clock.now()
    session.flush()
    return article


def _find(session: Session, slug: str) -> Article:
    article = get_article(session, slug)
    if article is None:
        raise ArticleNotFound(f"no article with slug {slug!r}")
    return article


def _apply(article: Article, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key in ("title", "body_md", "summary", "problem"):
            value = (value or "") if isinstance(value, str | None) else str(value)
            value = value.strip() if key != "body_md" else value
        setattr(article, key, value)
    if not article.title or len(article.title) > MAX_TITLE:
        raise InvalidArticle(f"a title is 1 to {MAX_TITLE} characters")
    if article.issue_status is not None and article.issue_status not in ISSUE_STATUSES:
        raise InvalidArticle(f"issue status is one of {', '.join(ISSUE_STATUSES)} (or none)")


def _slug_source(article: Article) -> str:
    return article.title if article.language == "en" else f"{article.title} {article.language}"
