"""Telling people about alerts: signed JSON webhooks, chat incoming webhooks (Slack, Mattermost) and e-mail.

Webhooks are signed with HMAC-SHA256 over "<timestamp>.<body>" (headers `X-Heard-Timestamp` and
`X-Heard-Signature: sha256=<hex>`), so a receiver can check both origin and freshness. Webhook and chat
deliveries are retried on connection errors, 429 and 5xx with exponential backoff (1, 2, 4 ... seconds, on the
injected clock); a 4xx other than 429 is final. E-mail goes through SMTP (STARTTLS and login when configured).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import httpx

from heard.alerts.models import Alert
from heard.clock import Clock

SIGNATURE_HEADER = "X-Heard-Signature"
TIMESTAMP_HEADER = "X-Heard-Timestamp"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    status: str  # "delivered" or "failed"
    attempts: int
    error: str | None = None
    #: The receiver refused in a way a retry will not change (a 4xx other than 429).
    refused: bool = False


def alert_payload(alert: Alert, base_url: str = "") -> dict[str, Any]:
    """The JSON every notifier sends (webhooks as is; chat and e-mail render it as text)."""
    return {
        "id": alert.id,
        "kind": alert.kind,
        "series": alert.series_key,
        "severity": round(alert.severity, 3),
        "observed": alert.observed,
        "expected": alert.expected,
        "started_at": _iso(alert.started_at),
        "created_at": _iso(alert.created_at),
        "conversation_id": alert.conversation_id,
        "evidence": alert.evidence,
        "posts": list(alert.post_keys),
        "url": f"{base_url.rstrip('/')}/alerts/{alert.id}" if base_url else None,
    }


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def summary_line(payload: Mapping[str, Any]) -> str:
    what = "Pile-on" if payload.get("kind") == "pileon" else "Spike"
    line = (
        f"{what} on {payload.get('series')}: {payload.get('observed')} posts where "
        f"{payload.get('expected')} were expected (severity {payload.get('severity')}), "
        f"since {payload.get('started_at')}"
    )
    return f"{line} — {payload['url']}" if payload.get("url") else line


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookNotifier:
    """Posts JSON to a URL, signed when a secret is given, retrying what may succeed later."""

    def __init__(self, client: httpx.Client, clock: Clock, attempts: int = 4, backoff_s: float = 1.0) -> None:
        self._client = client
        self._clock = clock
        self._attempts = max(1, attempts)
        self._backoff_s = backoff_s

    def send(self, url: str, payload: Mapping[str, Any], secret: str | None = None) -> DeliveryResult:
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()
        error = ""
        for attempt in range(1, self._attempts + 1):
            timestamp = str(int(self._clock.now().timestamp()))
            headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp}
            if secret:
                headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
            try:
                response = self._client.post(url, content=body, headers=headers, timeout=10.0)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 300:
                    return DeliveryResult("delivered", attempt)
                error = f"HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    return DeliveryResult("failed", attempt, error, refused=response.status_code >= 400)
            if attempt < self._attempts:
                self._clock.sleep(self._backoff_s * 2 ** (attempt - 1))
        return DeliveryResult("failed", self._attempts, error[:1000])


def chat_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Slack and Mattermost incoming webhooks both take {"text": ...} (Markdown-ish)."""
    return {"text": f":rotating_light: {summary_line(payload)}", "username": "Heard"}


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "heard@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_s: float = 10.0


class EmailNotifier:
    """Sends a plain-text alert e-mail through an SMTP server."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    def send(self, to: str, payload: Mapping[str, Any]) -> DeliveryResult:
        s = self._settings
        message = EmailMessage()
        message["From"] = s.sender
        message["To"] = to
        message["Subject"] = f"[Heard] {summary_line(payload)[:150]}"
        posts = "\n".join(f"- {key}" for key in payload.get("posts", [])[:20])
        message.set_content(f"{summary_line(payload)}\n\nPosts behind it:\n{posts}\n")
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout_s) as smtp:
                if s.starttls:
                    smtp.starttls()
                if s.username and s.password:
                    smtp.login(s.username, s.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            return DeliveryResult("failed", 1, f"{type(exc).__name__}: {exc}"[:1000])
        return DeliveryResult("delivered", 1)
