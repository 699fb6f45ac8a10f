"""Delivering one alert to the targets of the rules it matches, and recording each delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from heard.alerts.actions import matching_rules
from heard.alerts.models import Alert, AlertDelivery
from heard.alerts.notify import (
    DeliveryResult,
    EmailNotifier,
    WebhookNotifier,
    alert_payload,
    chat_payload,
)


@dataclass
class Notifiers:
    """The ways out. `email` is None when no SMTP server is configured."""

    webhook: WebhookNotifier
    email: EmailNotifier | None = None
    base_url: str = ""


def deliver(session: Session, alert: Alert, notifiers: Notifiers, now: datetime) -> list[AlertDelivery]:
    """Send `alert` to every target of every matching rule; the rules' cooldowns start now."""
    payload = alert_payload(alert, notifiers.base_url)
    records = []
    for rule in matching_rules(session, alert, now):
        for target in rule.targets:
            result = _send(target, payload, notifiers)
            record = AlertDelivery(
                alert_id=alert.id,
                rule_id=rule.id,
                target_kind=str(target.get("kind")),
                target=str(target.get("url") or target.get("to"))[:512],
                status=result.status,
                attempts=result.attempts,
                error=result.error,
                created_at=now,
            )
            session.add(record)
            records.append(record)
        rule.last_notified_at = now
        if alert.rule_id is None:
            alert.rule_id = rule.id
    session.flush()
    return records


def _send(target: dict[str, Any], payload: dict[str, Any], notifiers: Notifiers) -> DeliveryResult:
    kind = target.get("kind")
    if kind == "webhook":
        return notifiers.webhook.send(str(target["url"]), payload, target.get("secret"))
    if kind == "chat":
        return notifiers.webhook.send(str(target["url"]), chat_payload(payload))
    if kind == "email":
        if notifiers.email is None:
            return DeliveryResult("failed", 0, "no SMTP server is configured")
        return notifiers.email.send(str(target["to"]), payload)
    return DeliveryResult("failed", 0, f"unknown target kind {kind!r}")
