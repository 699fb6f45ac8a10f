"""The alert delivery loop: each pass resolves quiet alerts, queues a delivery per target of every rule an open
alert matches (`heard.alerts.delivery`), then tries every due delivery once: claimed in one short transaction,
sent through `heard.notify` outside any transaction (a slow receiver must not hold the database; SQLite has one
writer), and its outcome recorded in another. A retryable failure waits 30 s, 1, 2, 4 ... minutes (capped at
15) on the injected clock, for 8 attempts in all; a refusal fails at once. Run by the scheduler in `heard serve`
and by `heard alerts notify`; any number of loops may run at once (each delivery is claimed by one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from heard.alerts.actions import close_quiet_alerts
from heard.alerts.delivery import Notice, claim, due_deliveries, queue_deliveries, record_outcome
from heard.alerts.notify import chat_text, email_subject, email_text
from heard.clock import Clock
from heard.errors import BadInput
from heard.notify.mail import EmailSender, smtp_settings
from heard.notify.result import RetryPolicy, SendResult
from heard.notify.webhook import ChatSender, WebhookSender
from heard.sealing import unseal
from heard.settings import Settings

log = structlog.get_logger(__name__)

ALERT_RETRY = RetryPolicy(max_attempts=8, first_s=30.0, cap_s=900.0, lease_s=120.0)
BATCH = 100
Send = Callable[[dict[str, Any], dict[str, Any]], SendResult]


class AlertDeliverer:
    """One delivery loop over the alert queue; `pass_once` returns the counts `heard alerts notify` prints."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        settings: Settings,
        client: httpx.Client,
        policy: RetryPolicy = ALERT_RETRY,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._base_url = settings.app_url
        self._secret_key = settings.secret_key
        self._policy = policy
        webhook = WebhookSender(client, clock)
        chat = ChatSender(webhook)
        self._mail = _mailer(settings)
        self._senders: dict[str, Send] = {
            "webhook": lambda target, payload: webhook.send(str(target["url"]), payload, self._secret(target)),
            "chat": lambda target, payload: chat.send(str(target["url"]), chat_text(payload)),
            "email": self._email,
        }

    def _secret(self, target: dict[str, Any]) -> str | None:
        """A target's signing secret, unsealed (stored sealed: heard.sealing)."""
        secret = target.get("secret")
        return unseal(str(secret), self._secret_key) if secret else None

    def pass_once(self) -> dict[str, int]:
        counts = {"alerts": 0, "delivered": 0, "failed": 0, "retrying": 0, "resolved": 0}
        with self._sessions.begin() as session:
            counts["resolved"] = close_quiet_alerts(session, self._clock.now())
        counts["alerts"] = self._queue()
        with self._sessions() as session:
            due = due_deliveries(session, self._clock.now(), BATCH)
        for delivery_id in due:
            status = self._attempt(delivery_id)
            if status is not None:
                counts["retrying" if status == "pending" else status] += 1
        return counts

    def _queue(self) -> int:
        try:
            with self._sessions.begin() as session:
                return queue_deliveries(session, self._clock.now()).alerts
        except IntegrityError:  # another loop queued the same alerts at the same moment: its rows stand
            log.info("alerts queued by another delivery loop meanwhile")
            return 0

    def _attempt(self, delivery_id: int) -> str | None:
        """Claim, send, record one delivery; the status recorded, or None when another loop had it."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            notice = claim(session, delivery_id, now, self._policy.lease(now), self._base_url)
        if notice is None:
            return None
        result = self._send(notice)
        step = self._policy.next_step(result, notice.attempt, self._clock.now())
        with self._sessions.begin() as session:
            record_outcome(session, delivery_id, step.status, step.error, step.retry_at, self._clock.now())
        if step.status != "delivered":
            log.warning(
                "alert delivery failed", delivery=delivery_id, kind=notice.kind, next=step.status, error=step.error
            )
        return step.status

    def _send(self, notice: Notice) -> SendResult:
        if notice.target is None:
            return SendResult.refused("the rule or its target is gone")
        send = self._senders.get(notice.kind)
        if send is None:
            return SendResult.refused(f"unknown target kind {notice.kind!r}")
        try:
            return send(notice.target, notice.payload)
        except Exception as exc:  # a bug must not leave the delivery claimed; it is tried again later
            log.exception("alert sender raised", delivery=notice.delivery_id)
            return SendResult.retryable(f"{type(exc).__name__}: {exc}")

    def _email(self, target: dict[str, Any], payload: dict[str, Any]) -> SendResult:
        if isinstance(self._mail, str):
            return SendResult.refused(self._mail)
        return self._mail.send(str(target["to"]), email_subject(payload), email_text(payload))


def _mailer(settings: Settings) -> EmailSender | str:
    """The e-mail sender, or why there is none (every e-mail delivery is refused with that reason)."""
    if not settings.smtp_url:
        return "no SMTP server is configured"
    try:
        return EmailSender(smtp_settings(settings.smtp_url, settings.alert_from))
    except BadInput as exc:
        return exc.reason


def notify_pending(
    sessions: sessionmaker[Session], clock: Clock, settings: Settings, client: httpx.Client | None = None
) -> dict[str, int]:
    """One pass (see the module): counts of alerts looked at, deliveries delivered, failed for good and waiting
    to be retried, and alerts resolved for being quiet."""
    if client is not None:
        return AlertDeliverer(sessions, clock, settings, client).pass_once()
    with httpx.Client(follow_redirects=False) as own:
        return AlertDeliverer(sessions, clock, settings, own).pass_once()
