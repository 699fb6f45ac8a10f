"""Writes to the knowledge base: create, edit, publish, archive. Publishing an article that answers an incident
queues the follow-ups to the people who complained in it (heard.knowledge.followups)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from heard.clock import Clock
from heard.errors import HeardError
from heard.knowledge.followups import FollowUpReviewer, queue_followups
from heard.knowledge.models import ARCHIVED, DRAFT, ISSUE_STATUSES, PUBLISHED, Article, ArticleFollowUp
from heard.knowledge.queries import get_article
from heard.knowledge.slugs import is_slug, unique_slug

MAX_TITLE = 256
EDITABLE = frozenset({"title", "body_md", "category", "language", "summary", "problem", "product", "issue_status"})


class ArticleNotFound(HeardError):
    """No article has that slug."""


class InvalidArticle(HeardError):
    """The article's fields break a rule (empty title, unknown status, bad slug)."""


@dataclass
class Published:
    """What publishing did: the article, and the follow-ups it queued (none on a second publish)."""

    article: Article
    followups: list[ArticleFollowUp] = field(default_factory=list)


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


def publish_article(
    session: Session,
    clock: Clock,
    slug: str,
    article_url: str,
    reviewer: FollowUpReviewer | None = None,
    signature: str = "",
) -> Published:
    """Make the article public. If it answers an incident, queue one follow-up per complainant (never twice)."""
    article = _find(session, slug)
    now = clock.now()
    article.status = PUBLISHED
    article.published_at = article.published_at or now
    article.updated_at = now
    session.flush()
    if article.incident_id is None:
        return Published(article)
    return Published(article, queue_followups(session, clock, article, article_url, reviewer, signature))


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
