"""Delivering one alert to the targets of the rules it matches, and recording each delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from heard.alerts.actions import close_quiet_alerts, matching_rules
from heard.alerts.models import Alert, AlertDelivery
from heard.alerts.notify import (
    DeliveryResult,
    EmailNotifier,
    SmtpSettings,
    WebhookNotifier,
    alert_payload,
    chat_payload,
)
from heard.clock import Clock
from heard.errors import BadInput
from heard.settings import Settings


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


def notify_pending(sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> dict[str, int]:
    """One pass: resolve alerts quiet for two hours, then deliver each open alert that has no delivery yet."""
    counts = {"alerts": 0, "delivered": 0, "failed": 0, "resolved": 0}
    email = EmailNotifier(smtp_settings(settings.smtp_url, settings.alert_from)) if settings.smtp_url else None
    with httpx.Client() as client:
        notifiers = Notifiers(WebhookNotifier(client, clock), email, settings.app_url)
        with sessions.begin() as session:
            counts["resolved"] = close_quiet_alerts(session, clock.now())
            told = select(AlertDelivery.alert_id)
            pending = session.scalars(
                select(Alert).where(Alert.status == "open", Alert.id.not_in(told)).order_by(Alert.id).limit(500)
            ).all()
            for alert in pending:
                counts["alerts"] += 1
                for record in deliver(session, alert, notifiers, clock.now()):
                    counts["delivered" if record.status == "delivered" else "failed"] += 1
    return counts


def smtp_settings(url: str, sender: str) -> SmtpSettings:
    """smtp://user:password@host:port (smtp+starttls:// to upgrade the connection)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+starttls") or not parts.hostname:
        raise BadInput(f"HEARD_SMTP_URL must look like smtp://host:port, not {url!r}")
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or 25,
        sender=sender,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=parts.scheme == "smtp+starttls",
    )
