"""Alert delivery to a real local webhook receiver and a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as SmtpMessage

from heard.alerts.models import Alert
from heard.alerts.notify import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    EmailNotifier,
    SmtpSettings,
    WebhookNotifier,
    alert_payload,
    chat_payload,
    verify,
)
from heard.clock import FrozenClock
from tests.fakes.webhook_receiver import Receiver, receiving


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[Receiver]:
    with receiving(list(getattr(request, "param", []))) as server:
        yield server


def _alert() -> Alert:
    when = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return Alert(
        id=7,
        kind="pileon",
        series_key="thread:x:123",
        severity=0.8,
        observed=12.0,
        expected=0.02,
        started_at=when,
        created_at=when,
        evidence={"new_authors": 12},
        post_keys=["x:1", "x:2"],
    )


def test_webhook_is_signed_and_verifiable(receiver: Receiver, clock: FrozenClock) -> None:
    with httpx.Client() as client:
        result = WebhookNotifier(client, clock).send(receiver.url, alert_payload(_alert()), secret="s3cret")
    assert result.status == "delivered"
    headers, body = receiver.requests[0]
    assert json.loads(body)["series"] == "thread:x:123"
    assert verify("s3cret", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert not verify("wrong", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert not verify("s3cret", headers[TIMESTAMP_HEADER], body + b" ", headers[SIGNATURE_HEADER])


@pytest.mark.parametrize("receiver", [[500, 503, 429]], indirect=True)
def test_webhook_retries_with_backoff_until_it_lands(receiver: Receiver, clock: FrozenClock) -> None:
    start = clock.monotonic()
    with httpx.Client() as client:
        result = WebhookNotifier(client, clock, attempts=5, backoff_s=1.0).send(receiver.url, {"a": 1})
    assert (result.status, result.attempts) == ("delivered", 4)
    assert len(receiver.requests) == 4
    assert clock.monotonic() - start == 1 + 2 + 4  # exponential backoff, on the injected clock


@pytest.mark.parametrize("receiver", [[404]], indirect=True)
def test_webhook_client_error_is_not_retried(receiver: Receiver, clock: FrozenClock) -> None:
    with httpx.Client() as client:
        result = WebhookNotifier(client, clock).send(receiver.url, {"a": 1})
    assert (result.status, result.attempts, result.error) == ("failed", 1, "HTTP 404")


def test_webhook_to_nowhere_fails_after_all_attempts(clock: FrozenClock) -> None:
    with httpx.Client() as client:
        result = WebhookNotifier(client, clock, attempts=3).send("http://127.0.0.1:9/hook", {"a": 1})
    assert result.status == "failed"
    assert result.attempts == 3
    assert result.error


def test_chat_webhook_sends_slack_and_mattermost_text(receiver: Receiver, clock: FrozenClock) -> None:
    with httpx.Client() as client:
        WebhookNotifier(client, clock).send(receiver.url, chat_payload(alert_payload(_alert(), "http://heard")))
    body = json.loads(receiver.requests[0][1])
    assert "Pile-on on thread:x:123" in body["text"]
    assert "http://heard/alerts/7" in body["text"]


class _Inbox(SmtpMessage):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[bytes] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message.as_bytes())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_email_goes_through_a_local_smtp_server() -> None:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        notifier = EmailNotifier(SmtpSettings(host="127.0.0.1", port=port, sender="heard@example.test"))
        result = notifier.send("oncall@example.test", alert_payload(_alert()))
    finally:
        controller.stop()
    assert result.status == "delivered"
    mail = message_from_bytes(inbox.messages[0])
    assert mail["To"] == "oncall@example.test"
    assert "Pile-on on thread:x:123" in mail["Subject"]
    assert "x:1" in mail.get_payload()


def test_email_to_a_closed_port_fails_cleanly() -> None:
    result = EmailNotifier(SmtpSettings(host="127.0.0.1", port=9, timeout_s=2)).send("a@b.c", {"series": "x"})
    assert result.status == "failed"
    assert result.error
