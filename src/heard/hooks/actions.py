"""Subscribing, fanning events out into deliveries, claiming a due delivery for one attempt, and recording how
it went. The retry policy (how long to wait, how many attempts) is the dispatcher's (`heard.workers.hooks`); no
I/O here, and the caller owns each transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from heard.errors import Refused
from heard.events import ALL_EVENTS
from heard.hooks.models import WebhookDelivery, WebhookSubscription
from heard.sealing import seal, unseal

EVENT_NAMES = frozenset(e.name for e in ALL_EVENTS)
#: Statuses a dispatcher looks at: waiting for its time, or held by a dispatcher whose claim may have run out.
DUE_STATUSES = ("pending", "sending")
OUTCOMES = ("delivered", "pending", "failed")


class HookError(Refused):
    """A subscription that cannot be made or changed as asked."""


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """One record of the events topic: its log offset, name and JSON data."""

    offset: int
    name: str
    data: dict[str, object]


def add_subscription(
    session: Session,
    url: str,
    events: Sequence[str],
    secret: str | None,
    now: datetime,
    after_offset: int,
    *,
    secret_key: str,
) -> WebhookSubscription:
    """Subscribe `url`; the signing secret is stored sealed under `secret_key` (heard.sealing)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2048:
        raise HookError(f"{url[:80]!r} is not an http(s) URL")
    wanted = sorted(set(events)) or ["*"]
    unknown = [e for e in wanted if e != "*" and e not in EVENT_NAMES]
    if unknown:
        raise HookError(f"unknown events {', '.join(unknown)}; known: {', '.join(sorted(EVENT_NAMES))}")
    if secret is not None and not 16 <= len(secret) <= 256:
        raise HookError("a signing secret has 16 to 256 characters")
    sealed = seal(secret, secret_key) if secret is not None else None
    row = WebhookSubscription(
        url=url, events=wanted, secret=sealed, enabled=True, after_offset=after_offset, created_at=now
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


def due_deliveries(session: Session, now: datetime, limit: int) -> list[int]:
    """Deliveries whose time has come (pending and due, or claimed by a dispatcher whose claim ran out), oldest
    event first: a receiver sees events in order."""
    query = (
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status.in_(DUE_STATUSES), _due(now))
        .order_by(WebhookDelivery.event_offset, WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery taken for one attempt, as plain values: the sending happens outside any transaction."""

    delivery_id: int
    attempt: int
    url: str
    secret: str | None
    payload: str


def claim(session: Session, delivery_id: int, now: datetime, until: datetime, *, secret_key: str) -> Claimed | None:
    """Take one due delivery for one attempt, until `until` (then another dispatcher may take it over: a crash
    mid-send only delays it). A conditional UPDATE, so of two dispatchers only one sees the row change, on SQLite
    and PostgreSQL alike. Commit before sending. The signing secret comes back unsealed with `secret_key`."""
    result = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status.in_(DUE_STATUSES), _due(now))
        .values(status="sending", attempts=WebhookDelivery.attempts + 1, next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    delivery = session.get_one(WebhookDelivery, delivery_id, populate_existing=True)
    sub = session.get_one(WebhookSubscription, delivery.subscription_id)
    secret = unseal(sub.secret, secret_key) if sub.secret is not None else None
    return Claimed(delivery.id, delivery.attempts, sub.url, secret, delivery.payload)


def record_outcome(
    session: Session, delivery_id: int, status: str, error: str | None, retry_at: datetime | None, now: datetime
) -> None:
    """After an attempt: "delivered", "pending" again until `retry_at`, or "failed" for good (kept, and retried
    on request). A delivery no longer being sent (its subscription was removed, or another dispatcher took over
    a lapsed claim and finished first) is left as it is."""
    if status not in OUTCOMES:
        raise ValueError(f"an attempt ends delivered, pending or failed, not {status!r}")
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != "sending":
        return
    delivery.status, delivery.last_error = status, error
    delivery.next_attempt_at = retry_at if status == "pending" else None
    if status == "delivered":
        delivery.delivered_at = now


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
