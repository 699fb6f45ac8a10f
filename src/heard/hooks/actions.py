"""Subscribing, fanning events out into deliveries, and recording each attempt with exponential backoff."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from heard.errors import Refused
from heard.events import ALL_EVENTS
from heard.hooks.models import WebhookDelivery, WebhookSubscription

EVENT_NAMES = frozenset(e.name for e in ALL_EVENTS)
#: Attempts before a delivery is "failed": with the backoff below that is about a day of trying.
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=15)
LONGEST_WAIT = timedelta(hours=4)
#: How long a claimed delivery is left alone by other dispatchers (longer than one send's timeout).
CLAIM_LEASE = timedelta(minutes=2)


class HookError(Refused):
    """A subscription that cannot be made or changed as asked."""


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """One record of the events topic: its log offset, name and JSON data."""

    offset: int
    name: str
    data: dict[str, object]


def add_subscription(
    session: Session, url: str, events: Sequence[str], secret: str | None, now: datetime, after_offset: int
) -> WebhookSubscription:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2048:
        raise HookError(f"{url[:80]!r} is not an http(s) URL")
    wanted = sorted(set(events)) or ["*"]
    unknown = [e for e in wanted if e != "*" and e not in EVENT_NAMES]
    if unknown:
        raise HookError(f"unknown events {', '.join(unknown)}; known: {', '.join(sorted(EVENT_NAMES))}")
    if secret is not None and not 16 <= len(secret) <= 256:
        raise HookError("a signing secret has 16 to 256 characters")
    row = WebhookSubscription(
        url=url, events=wanted, secret=secret, enabled=True, after_offset=after_offset, created_at=now
    )
    session.add(row)
    session.flush()
    return row


def remove_subscription(session: Session, subscription_id: int) -> None:
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise HookError(f"no webhook {subscription_id}")
    session.query(WebhookDelivery).filter_by(subscription_id=subscription_id).delete()
    session.delete(row)


def enqueue(session: Session, events: Sequence[LoggedEvent], now: datetime) -> int:
    """A pending delivery for every enabled subscription that wants each event; returns how many were added."""
    subscriptions = session.scalars(select(WebhookSubscription).where(WebhookSubscription.enabled.is_(True))).all()
    if not subscriptions or not events:
        return 0
    query = select(WebhookDelivery.subscription_id, WebhookDelivery.event_offset).where(
        WebhookDelivery.event_offset.in_([e.offset for e in events])
    )
    existing: set[tuple[int, int]] = {(sub_id, offset) for sub_id, offset in session.execute(query)}
    added = 0
    for event in events:
        body = json.dumps({"id": event.offset, "name": event.name, "data": event.data}, separators=(",", ":"))
        for sub in subscriptions:
            wanted = "*" in sub.events or event.name in sub.events
            if not wanted or event.offset <= sub.after_offset or (sub.id, event.offset) in existing:
                continue
            session.add(
                WebhookDelivery(
                    subscription_id=sub.id,
                    event_offset=event.offset,
                    event_name=event.name,
                    payload=body,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            existing.add((sub.id, event.offset))
            added += 1
    session.flush()
    return added


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery taken for one attempt, as plain values: the sending happens outside any transaction."""

    delivery_id: int
    url: str
    secret: str | None
    payload: str


def claim_due(session: Session, now: datetime, limit: int = 100) -> list[Claimed]:
    """Pending deliveries whose time has come, oldest event first (a receiver sees events in order), leased for
    CLAIM_LEASE so that another dispatcher skips them and a crash mid-send only delays them."""
    query = (
        select(WebhookDelivery, WebhookSubscription)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookDelivery.status == "pending",
            or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
        )
        .order_by(WebhookDelivery.event_offset, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    )
    claimed = []
    for delivery, sub in session.execute(query):
        delivery.next_attempt_at = now + CLAIM_LEASE
        claimed.append(Claimed(delivery.id, sub.url, sub.secret, delivery.payload))
    return claimed


def record_attempt(session: Session, delivery_id: int, ok: bool, error: str | None, final: bool, now: datetime) -> None:
    """`final`: the receiver refused in a way a retry will not change (a 4xx other than 429)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # its subscription was removed meanwhile
        return
    delivery.attempts += 1
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at, delivery.last_error = (
            "delivered",
            now,
            None,
            None,
        )
        return
    delivery.last_error = (error or "failed")[:1000]
    if final or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
        return
    delivery.next_attempt_at = now + min(FIRST_RETRY * 2 ** (delivery.attempts - 1), LONGEST_WAIT)


def retry_failed(session: Session, subscription_id: int, now: datetime) -> int:
    """Give a subscription's failed deliveries another full round of attempts (after the receiver is fixed)."""
    rows = session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.status == "failed"
        )
    ).all()
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = "pending", 0, now
    return len(rows)


def subscriptions(session: Session) -> list[tuple[WebhookSubscription, dict[str, int]]]:
    """Every subscription with its deliveries counted by status."""
    counts: dict[int, dict[str, int]] = {}
    query = select(WebhookDelivery.subscription_id, WebhookDelivery.status, func.count()).group_by(
        WebhookDelivery.subscription_id, WebhookDelivery.status
    )
    for sub_id, status, n in session.execute(query):
        counts.setdefault(sub_id, {})[status] = n
    subs = session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)).all()
    return [(s, counts.get(s.id, {})) for s in subs]
