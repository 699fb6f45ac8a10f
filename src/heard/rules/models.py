"""Rules, and the tags on conversations (the kernel's conversations carry them; rules and agents write them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class Rule(Base):
    """One automatic rule: `conditions` and `actions` as `heard.rules.conditions.Conditions.to_json` and
    `heard.rules.actions.Actions.to_json` write them. Rules run in `position` order."""

    __tablename__ = "rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    last_matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConversationTag(Base):
    """A tag on a conversation; `rule_id` is the rule that put it there (None: an agent)."""

    __tablename__ = "conversation_tags"
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(48), primary_key=True, index=True)
    rule_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
