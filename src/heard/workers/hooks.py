"""The webhook dispatcher: reads the events topic with a consumer group of its own, turns each event into a
pending delivery per subscription (committed before the records are acknowledged, so a crash in between only
re-reads events, and the unique (subscription, event) key keeps them single), then sends what is due. One
attempt per delivery per pass: a receiver that is down waits out its backoff without holding up the others.
Deliveries are leased when claimed, so more than one dispatcher may run."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

import httpx
import structlog

from heard.alerts.notify import WebhookNotifier
from heard.app import Runtime
from heard.events import EVENTS_TOPIC, decode_event
from heard.hooks.actions import LoggedEvent, claim_due, enqueue, record_attempt
from heard.workers.running import poll_until_stopped

log = structlog.get_logger(__name__)
GROUP = "webhooks"


@dataclass
class DispatchTotals:
    queued: int = 0
    delivered: int = 0
    failed_attempts: int = 0


class HookDispatcher:
    def __init__(self, runtime: Runtime, client: httpx.Client | None = None, batch: int = 200) -> None:
        self.runtime = runtime
        self._client = client or httpx.Client(follow_redirects=False)
        self._notifier = WebhookNotifier(self._client, runtime.clock, attempts=1)
        self._batch = batch

    def pass_once(self) -> DispatchTotals:
        totals = DispatchTotals()
        records = self.runtime.log.consume(EVENTS_TOPIC, GROUP, self._batch)
        if records:
            events = []
            for record in records:
                try:
                    name, data = decode_event(record.payload)
                except (ValueError, KeyError, TypeError):
                    log.warning("event record is not an event; skipped for webhooks", offset=record.offset)
                    continue
                events.append(LoggedEvent(record.offset, name, data))
            with self.runtime.sessions.begin() as session:
                totals.queued = enqueue(session, events, self.runtime.clock.now())
            self.runtime.log.ack(EVENTS_TOPIC, GROUP, [r.offset for r in records])
        with self.runtime.sessions.begin() as session:
            claimed = claim_due(session, self.runtime.clock.now(), self._batch)
        # Sent outside any transaction: a slow receiver must not hold the database (SQLite has one writer).
        for item in claimed:
            result = self._notifier.send(item.url, json.loads(item.payload), item.secret)
            ok = result.status == "delivered"
            with self.runtime.sessions.begin() as session:
                record_attempt(session, item.delivery_id, ok, result.error, result.refused, self.runtime.clock.now())
            if ok:
                totals.delivered += 1
            else:
                totals.failed_attempts += 1
        return totals

    def run(self, stop: threading.Event, idle_s: float = 1.0) -> None:
        def step() -> int:
            totals = self.pass_once()
            return totals.queued + totals.delivered + totals.failed_attempts

        poll_until_stopped(stop, step, idle_s, log, "webhook pass failed; trying again")
