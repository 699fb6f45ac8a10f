"""Channels (the network accounts Heard reads and answers through) and inboxes (a channel's queue settings)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class Channel(Base):
    """A configured network account (or an import source) that Heard reads from and replies through."""

    __tablename__ = "channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128), unique=True)
    handle: Mapped[str | None] = mapped_column(String(128))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cursor: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str] = mapped_column(String(32), default="unknown")
    health_detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Inbox(Base):
    __tablename__ = "inboxes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))
    sla_first_response_s: Mapped[int] = mapped_column(Integer, default=900)
    sla_next_response_s: Mapped[int] = mapped_column(Integer, default=3600)
    #: Replies the coach scores below this need a lead's approval before they go out; None = advisory only.
    coach_approval_below: Mapped[int | None] = mapped_column(Integer)
    #: Business hours the SLA targets count (heard.channels.sla_clock); no time zone: around the clock.
    business_tz: Mapped[str | None] = mapped_column(String(64))
    #: ISO weekdays it is staffed, "12345" for Monday to Friday.
    business_days: Mapped[str | None] = mapped_column(String(7))
    business_opens_min: Mapped[int | None] = mapped_column(Integer)
    business_closes_min: Mapped[int | None] = mapped_column(Integer)
