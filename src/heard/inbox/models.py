"""The inbox's own records: SLA breaches, who is looking at a conversation, and the coach's reviews of drafts
(with a lead's approval where the inbox requires one)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class SlaBreach(Base):
    """A response target a conversation missed: kind is "first_response" or "next_response"."""

    __tablename__ = "sla_breaches"
    __table_args__ = (UniqueConstraint("conversation_id", "kind", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Presence(Base):
    """Who has a conversation open right now, and who is typing in it: for collision warnings. Rows are
    refreshed by heartbeats from the open page and read with a freshness window; stale rows mean nothing."""

    __tablename__ = "presence"
    conversation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    typing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReplyReview(Base):
    """The coach's verdict on one draft: its score and findings, and a lead's approval when the inbox needs one."""

    __tablename__ = "reply_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    draft: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
