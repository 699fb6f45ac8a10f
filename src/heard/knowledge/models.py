"""Public tips-and-tricks articles (known problems and their fixes) and the follow-ups sent when one is published.

An article in another language is its own row pointing at the original (`original_id`), so each translation has
its own slug, status and search entry. The full-text index is not mapped here: it lives in the database
(`search_articles`, FTS5 on SQLite; an expression GIN index on PostgreSQL) and `heard.knowledge.search` reads it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime

DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
STATUSES = (DRAFT, PUBLISHED, ARCHIVED)
#: Where a known problem stands, shown live on the known-issues page; None for a plain tip.
ISSUE_STATUSES = ("investigating", "identified", "fixed")


class Article(Base):
    """One article in one language. Only `published` ones are ever shown to the public."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("original_id", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(256))
    body_md: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    category: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(16), default="en")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: One or two sentences: the meta description, the feed summary, the search snippet.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: What the follow-up calls the problem ("the login loop"); the title is used when empty.
    problem: Mapped[str] = mapped_column(String(200), default="")
    product: Mapped[str | None] = mapped_column(String(128))
    issue_status: Mapped[str | None] = mapped_column(String(16))
    original_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArticleFollowUp(Base):
    """A personal follow-up queued to one complainant when an article for their incident was published.

    (article_id, contact_id) is unique in the database, so a person is followed up at most once per article even
    when two processes publish at the same moment."""

    __tablename__ = "article_followups"
    __table_args__ = (UniqueConstraint("article_id", "contact_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), unique=True)
    review_score: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
