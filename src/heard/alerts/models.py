"""Alerts raised by the pile-on radar, with the evidence behind them; the rules that route them; where they went;
and hashtags the radar proposes for the listening rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from heard.db.base import Base, UTCDateTime


class Alert(Base):
    """One spike of one series: opened when a detector fires, updated (severity, posts) while it lasts."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    series_key: Mapped[str] = mapped_column(String(256), index=True)
    #: The brand whose posts raised it (its slug), so each brand sees its own alerts.
    brand: Mapped[str | None] = mapped_column(String(64), index=True)
    severity: Mapped[float] = mapped_column(Float)
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who acknowledged it ("I'm on it") and when; kept when it is later resolved, cleared when it is reopened.
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rules.id"))
    post_keys: Mapped[list[str]] = mapped_column(JSON, default=list)


class AlertRule(Base):
    """What series to watch (a glob on series keys), how sensitive, how long to stay quiet, and who to tell.

    `targets` is a list of {"kind": "webhook"|"chat"|"email", "url"|"to": ..., "secret": ...}."""

    __tablename__ = "alert_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    series: Mapped[str] = mapped_column(String(256), default="*")
    sensitivity: Mapped[str] = mapped_column(String(16), default="normal")
    min_severity: Mapped[float] = mapped_column(Float, default=0.0)
    cooldown_s: Mapped[int] = mapped_column(Integer, default=1800)
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AlertDelivery(Base):
    """Telling one target of one rule about one alert: a queue row (decision 0700). "pending" until due at
    `next_attempt_at`; "sending" while a delivery loop holds it (`next_attempt_at` is then when the claim runs
    out, after which it is due again); then "delivered", or "pending" again after a retryable failure, or
    "failed" for good. `attempts` counts claims; `error` is the last failure's reason."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        # Two loops queueing the same alert at once: the second one's rows collide and it leaves them to the first.
        UniqueConstraint("alert_id", "rule_id", "target_index"),
        Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rules.id"))
    #: Which of the rule's targets (its URL or address and secret are read from the rule when sending).
    target_index: Mapped[int | None] = mapped_column(Integer)
    target_kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HashtagProposal(Base):
    """A hashtag the radar saw rising alongside the brand; accepted ones join the listening rules."""

    __tablename__ = "hashtag_proposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(128), unique=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    posts: Mapped[float] = mapped_column(Float)
    authors: Mapped[int] = mapped_column(Integer)
    growth: Mapped[float] = mapped_column(Float)
    complaint_share: Mapped[float] = mapped_column(Float, default=0.0)
    examples: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The brand whose posts raised it (its slug), as on alerts.
    brand: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RadarSnapshot(Base):
    """The radar's learnt state (rates, seasonality, open spikes), saved by the pipeline worker so that a restart
    does not blind every series for its warm-up. One row per worker name; `body` is `heard.radar.snapshot.dump`."""

    __tablename__ = "radar_snapshots"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    series: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)


class RadarLease(Base):
    """Which `heard radar` process may watch the judged posts, until when (decision 0201): one radar at a time,
    the others wait and take over when its lease runs out."""

    __tablename__ = "radar_leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
