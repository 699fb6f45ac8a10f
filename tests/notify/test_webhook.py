"""Signed JSON webhooks and chat webhooks: one POST per call to a real local receiver, and what each answer
comes to (delivered, worth retrying, refused)."""

from __future__ import annotations

import json

import httpx
import pytest

from heard.clock import FrozenClock
from heard.notify.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, ChatSender, WebhookSender, sign, verify
from tests.fakes.webhook_receiver import receiving


def test_a_webhook_is_signed_and_verifiable(clock: FrozenClock) -> None:
    with receiving() as receiver, httpx.Client() as client:
        result = WebhookSender(client, clock).send(receiver.url, {"series": "thread:x:1", "n": 2}, secret="s3cret")
    assert (result.outcome, result.error) == ("delivered", None)
    [(headers, body)] = receiver.requests
    assert json.loads(body) == {"series": "thread:x:1", "n": 2}
    assert headers[TIMESTAMP_HEADER] == str(int(clock.now().timestamp()))
    assert verify("s3cret", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert not verify("wrong", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert not verify("s3cret", headers[TIMESTAMP_HEADER], body + b" ", headers[SIGNATURE_HEADER])
    assert sign("k", "1", b"{}").startswith("sha256=")


def test_without_a_secret_there_is_no_signature(clock: FrozenClock) -> None:
    with receiving() as receiver, httpx.Client() as client:
        WebhookSender(client, clock).send(receiver.url, {"a": 1})
    assert SIGNATURE_HEADER not in receiver.requests[0][0]


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        *[(200, "delivered"), (204, "delivered")],
        *[(429, "retryable"), (500, "retryable"), (503, "retryable")],
        *[(301, "refused"), (400, "refused"), (404, "refused"), (410, "refused")],
    ],
)
def test_one_attempt_per_call_and_what_the_answer_means(clock: FrozenClock, status: int, outcome: str) -> None:
    with receiving([status]) as receiver, httpx.Client(follow_redirects=False) as client:
        result = WebhookSender(client, clock).send(receiver.url, {"a": 1})
    assert len(receiver.requests) == 1  # never retried by the sender: that is the delivery loop's job
    assert result.outcome == outcome
    assert result.error == (None if outcome == "delivered" else f"HTTP {status}")


def test_a_receiver_that_is_not_there_is_worth_retrying(clock: FrozenClock) -> None:
    with httpx.Client() as client:
        result = WebhookSender(client, clock).send("http://127.0.0.1:9/hook", {"a": 1})
    assert result.outcome == "retryable"
    assert result.error
    assert "ConnectError" in result.error


def test_retry_after_is_passed_on(clock: FrozenClock) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "120"})

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        result = WebhookSender(client, clock).send("https://hooks.example/x", {"a": 1})
    assert (result.outcome, result.retry_after_s) == ("retryable", 120.0)


def test_chat_sends_slack_and_mattermost_text(clock: FrozenClock) -> None:
    with receiving() as receiver, httpx.Client() as client:
        result = ChatSender(WebhookSender(client, clock)).send(receiver.url, "Pile-on on thread:x:1")
    assert result.outcome == "delivered"
    headers, body = receiver.requests[0]
    assert json.loads(body) == {"text": "Pile-on on thread:x:1", "username": "Heard"}
    assert SIGNATURE_HEADER not in headers
