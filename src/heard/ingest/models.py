"""What ingest keeps of its own: every input it had to set aside, whole and with the reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class DeadLetter(Base):
    """An input Heard could not take, kept whole with the reason, so nothing is silently dropped."""

    __tablename__ = "dead_letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(256))
    stage: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: sha256 of source, stage, reason and raw: the same input set aside again (a re-imported file, a
    #: redelivered record) is the same dead letter, recorded once. NULL on rows from before it was kept.
    fingerprint: Mapped[str | None] = mapped_column(String(64), unique=True)
