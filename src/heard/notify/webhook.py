"""Signed JSON webhooks and chat incoming webhooks, one POST per call.

Webhooks are signed with HMAC-SHA256 over "<timestamp>.<body>" (headers `X-Heard-Timestamp` and
`X-Heard-Signature: sha256=<hex>`), so a receiver can check both origin and freshness. A connection error, a
timeout, 429 and 5xx are worth another try later; any other status from 300 up is a refusal.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

import httpx

from heard.clock import Clock
from heard.notify.result import SendResult

SIGNATURE_HEADER = "X-Heard-Signature"
TIMESTAMP_HEADER = "X-Heard-Timestamp"
TIMEOUT_S = 10.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookSender:
    """Posts JSON to a URL, signed when a secret is given. Redirects are not followed (a webhook that moved
    is a refusal the subscriber fixes)."""

    def __init__(self, client: httpx.Client, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    def send(self, url: str, payload: Mapping[str, Any], secret: str | None = None) -> SendResult:
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()
        timestamp = str(int(self._clock.now().timestamp()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp}
        if secret:
            headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
        try:
            response = self._client.post(url, content=body, headers=headers, timeout=TIMEOUT_S)
        except httpx.HTTPError as exc:
            return SendResult.retryable(f"{type(exc).__name__}: {exc}")
        status = response.status_code
        if status < 300:
            return SendResult.delivered()
        if status == 429 or status >= 500:
            return SendResult.retryable(f"HTTP {status}", _retry_after_s(response))
        return SendResult.refused(f"HTTP {status}")


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def chat_body(text: str) -> dict[str, Any]:
    """Slack and Mattermost incoming webhooks both take {"text": ...} (Markdown-ish)."""
    return {"text": text, "username": "Heard"}


class ChatSender:
    """Posts a line of text to a Slack or Mattermost incoming webhook (unsigned: the URL is the secret)."""

    def __init__(self, webhook: WebhookSender) -> None:
        self._webhook = webhook

    def send(self, url: str, text: str) -> SendResult:
        return self._webhook.send(url, chat_body(text))
