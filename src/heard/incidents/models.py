"""Incidents: many similar complaints that are one problem. The grouping feature fills them in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime

STATUSES = ("investigating", "identified", "fixed", "closed")


class Incident(Base):
    """A group of posts about one problem. `centroid` is the float32 sum of its posts' unit vectors made by
    the embedder named in `embedder`; `pinned` means someone works on it, so re-grouping never dissolves it
    and never moves its posts out. A merged incident stays as a row pointing at `merged_into_id`, so links
    to it keep working."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(256))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="investigating")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    author_count: Mapped[int] = mapped_column(Integer, default=0)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    centroid_size: Mapped[int] = mapped_column(Integer, default=0)
    embedder: Mapped[str | None] = mapped_column(String(64))
    key_phrases: Mapped[list[str]] = mapped_column(JSON, default=list)
    title_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    first_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: The brand its posts address (`posts.brand`): incidents are grouped within a brand, never across.
    brand: Mapped[str | None] = mapped_column(String(64), index=True)
