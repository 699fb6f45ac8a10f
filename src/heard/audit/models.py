"""The audit trail's one table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class AuditEntry(Base):
    """One thing someone did. `actor_id` is the agent (None: the system or the command line, named in `actor`);
    the agent's e-mail is copied into `actor` so the entry still says who after the agent is removed. `detail`
    holds ids and counts only, never a customer's words or handles: an erasure must not leave them here."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at"), Index("ix_audit_entries_subject", "subject", "subject_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
