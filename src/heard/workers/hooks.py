"""The webhook dispatcher: reads the events topic with a consumer group of its own, turns each event into a
pending delivery per subscription (committed before the records are acknowledged, so a crash in between only
re-reads events, and the unique (subscription, event) key keeps them single), then sends what is due. One
attempt per delivery per pass: a receiver that is down waits out its backoff without holding up the others.
Each delivery is claimed in a short transaction (a conditional UPDATE) before it is sent, so more than one
dispatcher may run; the sending happens outside any transaction, through `heard.notify`."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

import httpx
import structlog

from heard.app import Runtime
from heard.events import EVENTS_TOPIC, decode_event
from heard.hooks.actions import Claimed, LoggedEvent, claim, due_deliveries, enqueue, record_outcome
from heard.notify.result import RetryPolicy
from heard.notify.webhook import WebhookSender
from heard.workers.running import poll_until_stopped

log = structlog.get_logger(__name__)
GROUP = "webhooks"
#: 15 s, 30 s, 1 min ... capped at 4 h, 12 attempts in all: about a day of trying. A 4xx other than 429 is final.
HOOK_RETRY = RetryPolicy(max_attempts=12, first_s=15.0, cap_s=4 * 3600.0, lease_s=120.0)


@dataclass
class DispatchTotals:
    queued: int = 0
    delivered: int = 0
    failed_attempts: int = 0


class HookDispatcher:
    def __init__(
        self, runtime: Runtime, client: httpx.Client | None = None, batch: int = 200, policy: RetryPolicy = HOOK_RETRY
    ) -> None:
        self.runtime = runtime
        self._client = client or httpx.Client(follow_redirects=False)
        self._sender = WebhookSender(self._client, runtime.clock)
        self._batch = batch
        self._policy = policy

    def pass_once(self) -> DispatchTotals:
        totals = DispatchTotals(queued=self.queue_events())
        with self.runtime.sessions() as session:
            due = due_deliveries(session, self.runtime.clock.now(), self._batch)
        for delivery_id in due:
            now = self.runtime.clock.now()
            with self.runtime.sessions.begin() as session:
                item = claim(
                    session, delivery_id, now, self._policy.lease(now), secret_key=self.runtime.settings.secret_key
                )
            if item is None:  # another dispatcher has it
                continue
            if self._attempt(item):
                totals.delivered += 1
            else:
                totals.failed_attempts += 1
        return totals

    def queue_events(self) -> int:
        """New events on the topic become pending deliveries (committed, then acknowledged); how many."""
        records = self.runtime.log.consume(EVENTS_TOPIC, GROUP, self._batch)
        if not records:
            return 0
        events = []
        for record in records:
            try:
                name, data = decode_event(record.payload)
            except (ValueError, KeyError, TypeError):
                log.warning("event record is not an event; skipped for webhooks", offset=record.offset)
                continue
            events.append(LoggedEvent(record.offset, name, data))
        with self.runtime.sessions.begin() as session:
            queued = enqueue(session, events, self.runtime.clock.now())
        self.runtime.log.ack(EVENTS_TOPIC, GROUP, [r.offset for r in records])
        return queued

    def _attempt(self, item: Claimed) -> bool:
        # Sent outside any transaction: a slow receiver must not hold the database (SQLite has one writer).
        result = self._sender.send(item.url, json.loads(item.payload), item.secret)
        step = self._policy.next_step(result, item.attempt, self.runtime.clock.now())
        with self.runtime.sessions.begin() as session:
            record_outcome(session, item.delivery_id, step.status, step.error, step.retry_at, self.runtime.clock.now())
        return step.status == "delivered"

    def run(self, stop: threading.Event, idle_s: float = 1.0) -> None:
        def step() -> int:
            totals = self.pass_once()
            return totals.queued + totals.delivered + totals.failed_attempts

        poll_until_stopped(stop, step, idle_s, log, "webhook pass failed; trying again")
