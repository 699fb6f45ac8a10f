"""Alerts raised by the pile-on radar, with the evidence behind them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class Alert(Base):
    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    series_key: Mapped[str] = mapped_column(String(256), index=True)
    severity: Mapped[float] = mapped_column(Float)
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
