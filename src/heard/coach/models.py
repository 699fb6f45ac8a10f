"""The reply coach's verdicts on drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class ReplyReview(Base):
    __tablename__ = "reply_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    draft: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
