"""Test connectors (real Connector subclasses registered like plugins) and small readers for the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from heard.app import Runtime
from heard.channels.models import Channel, Inbox
from heard.connectors.base import Connector, Delivery, OutgoingReply, ReadResult
from heard.connectors.registry import register
from heard.events import EVENTS_TOPIC, decode_event


@register
class FlakyConnector(Connector):
    """Fails the first `options["failures"]` publishes of each reply with a transient error, then sends."""

    kind = "test-flaky"
    max_chars = 280
    capabilities = frozenset({"read", "publish"})
    calls: ClassVar[list[str]] = []

    def read(self, cursor: str | None) -> ReadResult:
        return ReadResult([], cursor)

    def _publish(self, reply: OutgoingReply) -> Delivery:
        FlakyConnector.calls.append(reply.idempotency_key)
        failures = int(self.channel.options.get("failures", 0))
        if FlakyConnector.calls.count(reply.idempotency_key) <= failures:
            after = self.channel.options.get("retry_after_s")
            return Delivery("failed", error="503 service unavailable", retry_after_s=after)
        return Delivery("sent", external_id=f"flaky-{reply.idempotency_key}")


def flaky_inbox(runtime: Runtime, failures: int, retry_after_s: float | None = None) -> int:
    """An inbox answering through the flaky connector; returns its id. Forgets earlier tests' calls (each test's
    database numbers its messages from 1 again)."""
    FlakyConnector.calls.clear()
    with runtime.sessions.begin() as session:
        channel = Channel(
            kind="test-flaky",
            name=f"flaky-{failures}",
            handle="brand",
            config={"options": {"failures": failures, "retry_after_s": retry_after_s}},
            created_at=runtime.clock.now(),
        )
        session.add(channel)
        session.flush()
        inbox = Inbox(name=f"flaky-{failures}", channel_id=channel.id)
        session.add(inbox)
        session.flush()
        return inbox.id


def replay_outbox(runtime: Runtime) -> list[dict[str, object]]:
    path = Path(runtime.settings.outbox_dir) / "replies.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def updated_conversations(runtime: Runtime) -> list[int]:
    """The conversation ids of every conversation.updated event on the log, in order."""
    found = []
    for record in runtime.log.read(EVENTS_TOPIC, 0, 10_000):
        name, data = decode_event(record.payload)
        if name == "conversation.updated":
            found.append(int(data["conversation_id"]))
    return found
