"""Alert delivery as a queue (decision 0700). When an open alert matches rules, one pending delivery per
(alert, rule, target) is recorded and the rules' cooldowns start; a delivery loop (`heard.workers.alert_delivery`)
then takes each due delivery with `claim`, sends it outside any transaction, and records how it went with
`record_outcome`. No I/O here, and the caller owns each (short) transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from heard.alerts.actions import matching_rules
from heard.alerts.models import Alert, AlertDelivery, AlertRule
from heard.alerts.notify import alert_payload

#: Statuses a delivery loop looks at: waiting for its time, or held by a loop whose claim may have run out.
DUE_STATUSES = ("pending", "sending")
OUTCOMES = ("delivered", "pending", "failed")
MAX_ALERTS_PER_PASS = 500


@dataclass(frozen=True, slots=True)
class Queued:
    alerts: int  # open alerts no rule had been told about, looked at
    deliveries: int  # pending deliveries recorded for them


def queue_deliveries(session: Session, now: datetime, limit: int = MAX_ALERTS_PER_PASS) -> Queued:
    """A pending delivery to every target of every rule that matches an open alert nothing has been queued for;
    the matching rules' cooldowns start now. An alert no rule matches (all cooling down) is looked at again on
    the next pass."""
    told = select(AlertDelivery.alert_id)
    alerts = session.scalars(
        select(Alert).where(Alert.status == "open", Alert.id.not_in(told)).order_by(Alert.id).limit(limit)
    ).all()
    queued = 0
    for alert in alerts:
        for rule in matching_rules(session, alert, now):
            for index, target in enumerate(rule.targets):
                session.add(_pending(alert, rule, index, target, now))
                queued += 1
            rule.last_notified_at = now
            if alert.rule_id is None:
                alert.rule_id = rule.id
    session.flush()
    return Queued(len(alerts), queued)


def _pending(alert: Alert, rule: AlertRule, index: int, target: dict[str, Any], now: datetime) -> AlertDelivery:
    return AlertDelivery(
        alert_id=alert.id,
        rule_id=rule.id,
        target_index=index,
        target_kind=str(target.get("kind")),
        target=str(target.get("url") or target.get("to"))[:512],
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def due_deliveries(session: Session, now: datetime, limit: int) -> list[int]:
    """Deliveries whose time has come (pending and due, or claimed by a loop whose claim ran out), oldest first."""
    query = (
        select(AlertDelivery.id)
        .where(AlertDelivery.status.in_(DUE_STATUSES), AlertDelivery.next_attempt_at <= now)
        .order_by(AlertDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class Notice:
    """A claimed delivery as plain values, for sending outside any transaction. `target` is the rule's target
    ({"kind", "url"|"to", "secret"}), or None when the rule or that target is gone."""

    delivery_id: int
    attempt: int
    kind: str
    target: dict[str, Any] | None
    payload: dict[str, Any]


def claim(session: Session, delivery_id: int, now: datetime, until: datetime, base_url: str = "") -> Notice | None:
    """Take one due delivery for one attempt, until `until`. A conditional UPDATE: of two loops only one sees the
    row change, on SQLite (one writer at a time) and PostgreSQL (the second UPDATE re-checks the row after the
    first commits and matches nothing). Commit before sending."""
    result = session.execute(
        update(AlertDelivery)
        .where(
            AlertDelivery.id == delivery_id,
            AlertDelivery.status.in_(DUE_STATUSES),
            AlertDelivery.next_attempt_at <= now,
        )
        .values(status="sending", attempts=AlertDelivery.attempts + 1, next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    delivery = session.get_one(AlertDelivery, delivery_id, populate_existing=True)
    alert = session.get_one(Alert, delivery.alert_id)
    rule = session.get(AlertRule, delivery.rule_id) if delivery.rule_id is not None else None
    return Notice(
        delivery.id, delivery.attempts, delivery.target_kind, _target(rule, delivery), alert_payload(alert, base_url)
    )


def _target(rule: AlertRule | None, delivery: AlertDelivery) -> dict[str, Any] | None:
    index = delivery.target_index
    if rule is None or index is None or not 0 <= index < len(rule.targets):
        return None
    target = rule.targets[index]
    return dict(target) if target.get("kind") == delivery.target_kind else None


def record_outcome(
    session: Session, delivery_id: int, status: str, error: str | None, retry_at: datetime | None, now: datetime
) -> bool:
    """After an attempt: "delivered", "pending" again until `retry_at`, or "failed" for good. A delivery no
    longer being sent (another loop took over a lapsed claim and finished first) is left as it is."""
    if status not in OUTCOMES:
        raise ValueError(f"an attempt ends delivered, pending or failed, not {status!r}")
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is None or delivery.status != "sending":
        return False
    delivery.status = status
    delivery.error = error
    delivery.next_attempt_at = retry_at if status == "pending" else None
    if status == "delivered":
        delivery.delivered_at = now
    session.flush()
    return True
