"""Webhook subscriptions and their deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class WebhookSubscription(Base):
    """A URL that receives the named events (["*"]: all of them), signed with `secret` when one is set (stored
    sealed: heard.sealing)."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str | None] = mapped_column(String(1024))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The events log offset when the subscription was made: it receives what happens after, not the history.
    after_offset: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event for one subscription: "pending" until due at `next_attempt_at`; "sending" while a dispatcher
    holds it (`next_attempt_at` is then when the claim runs out, after which it is due again); then "delivered",
    or "pending" again after a retryable failure, or "failed" after a refusal or the last attempt (kept, and
    retried on request). `attempts` counts claims."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The same event twice (a redelivered log record) becomes one delivery.
        UniqueConstraint("subscription_id", "event_offset"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_offset: Mapped[int] = mapped_column(Integer)
    event_name: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
