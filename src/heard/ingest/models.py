"""What the pipeline stores: every post it took, and every input it had to set aside."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class Post(Base):
    """An ingested item from any network (never called a mention). (network, external_id) is unique."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("network", "external_id"),
        Index("ix_posts_reply_to", "network", "in_reply_to"),
        Index("ix_posts_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str | None] = mapped_column(String(128))
    author_id: Mapped[str] = mapped_column(String(128))
    author_handle: Mapped[str] = mapped_column(String(256))
    author_name: Mapped[str | None] = mapped_column(String(256))
    author_followers: Mapped[int | None] = mapped_column(Integer)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    is_brand: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    text: Mapped[str] = mapped_column(Text)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(16))
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
    urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    in_reply_to: Mapped[str | None] = mapped_column(String(128))
    quote_of: Mapped[str | None] = mapped_column(String(128))
    permalink: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    # Judgements from the understanding stage (None: not judged).
    complaint: Mapped[float | None] = mapped_column(Float)
    intents: Mapped[list[str]] = mapped_column(JSON, default=list)
    sentiment: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    topic: Mapped[str | None] = mapped_column(String(64))
    urgency: Mapped[int | None] = mapped_column(Integer)
    urgency_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)


class DeadLetter(Base):
    """An input Heard could not take, kept whole with the reason, so nothing is silently dropped."""

    __tablename__ = "dead_letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(256))
    stage: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
