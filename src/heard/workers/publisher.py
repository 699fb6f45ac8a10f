"""The publisher: takes pending replies from the outbox and publishes each through its channel's connector.

Guarantees: a reply is claimed by one publisher before it is sent (a conditional UPDATE, committed before the
network call), so two publishers never send the same one; the connector gets the message id as idempotency key;
notes are never claimed; a transient failure is retried with exponential backoff (or the network's
Retry-After, when longer) up to `max_attempts`; a refusal (too long, private not allowed) fails at once with its
reason; a reply whose review waits for a lead is never claimed. A `conversation.updated` event follows every state
change (registered by the outbox's actions) so an open page shows it live.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy.orm import Session

from heard.app import Runtime
from heard.channels.actions import record_health, store_credentials, stored_options
from heard.channels.routing import Route, outgoing_reply, route_for
from heard.connectors.base import ChannelConfig, Connector, Delivery, PublishRefused
from heard.connectors.failures import ConnectorFailure
from heard.conversations.models import Conversation, Message
from heard.inbox.outbox import claim, due_replies, expire_stale_claims, record_failure, record_sent
from heard.workers.running import poll_until_stopped

log = structlog.get_logger(__name__)

ConnectorFactory = Callable[[ChannelConfig, type[Connector]], Connector]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Attempt n (1-based) that fails transiently waits base_s * 2**(n-1), capped at cap_s."""

    max_attempts: int = 5
    base_s: float = 30.0
    cap_s: float = 3600.0
    #: how long a claim lasts; a reply still "sending" after it is failed (see outbox.expire_stale_claims)
    lease_s: float = 300.0

    def delay_s(self, attempt: int, retry_after_s: float | None = None) -> float:
        backoff = min(self.cap_s, self.base_s * 2.0 ** max(0, attempt - 1))
        return max(backoff, retry_after_s or 0.0)


@dataclass
class PublisherTotals:
    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class _Claimed:
    message_id: int
    attempt: int
    route: Route


class Publisher:
    """One publishing loop; run as many as you like (each reply is sent once)."""

    def __init__(
        self,
        runtime: Runtime,
        policy: RetryPolicy | None = None,
        connectors: ConnectorFactory | None = None,
        batch_size: int = 20,
    ) -> None:
        self.runtime = runtime
        self.policy = policy or RetryPolicy()
        self._make = connectors or (lambda config, cls: cls(config, clock=runtime.clock))
        self._connectors: dict[str, Connector] = {}
        self._stored: dict[int, dict[str, object]] = {}  # renewed credentials already stored, per connector
        self._batch_size = batch_size
        self.totals = PublisherTotals()

    def run_once(self) -> int:
        """Expire dead claims, then try every reply that is due; returns how many it tried."""
        now = self.runtime.clock.now()
        self._commit(lambda s: expire_stale_claims(s, now))
        with self.runtime.sessions() as session:
            due = due_replies(session, now, self._batch_size)
        tried = 0
        for message_id in due:
            claimed = self._claim(message_id)
            if claimed is not None:
                self._deliver(claimed)
                tried += 1
        return tried

    def drain(self, max_rounds: int = 1000) -> PublisherTotals:
        for _ in range(max_rounds):
            if not self.run_once():
                break
        return self.totals

    def run(self, stop: threading.Event, idle_sleep_s: float = 0.5) -> None:
        poll_until_stopped(
            stop, self.run_once, idle_sleep_s, log, "publisher round failed; pending replies stay pending"
        )

    def _claim(self, message_id: int) -> _Claimed | None:
        now = self.runtime.clock.now()
        with self.runtime.sessions.begin() as session:
            if not claim(session, message_id, now, self.policy.lease_s):
                return None
            message = session.get_one(Message, message_id)
            conversation = session.get_one(Conversation, message.conversation_id)
            return _Claimed(message_id, message.delivery_attempts, route_for(session, conversation))

    def _deliver(self, claimed: _Claimed) -> None:
        with self.runtime.sessions() as session:
            reply = outgoing_reply(session, session.get_one(Message, claimed.message_id))
        connector = self._connector(claimed.route)
        try:
            delivery = connector.publish(reply)
        except PublishRefused as exc:
            self._fail(claimed, f"refused: {exc}", retry=False)
            return
        except ConnectorFailure as exc:  # credentials, configuration: a person must act, retrying cannot help
            if exc.health == "reconnect_needed" and claimed.route.channel is not None:
                channel_id, health, detail = claimed.route.channel.id, exc.health, str(exc)
                self._commit(lambda s: record_health(s, channel_id, health, detail))
            self._fail(claimed, f"{type(exc).__name__}: {exc}", retry=False)
            return
        except Exception as exc:  # a network error, a bug in a connector: retried, never fatal to the loop
            log.warning("publish raised", message_id=claimed.message_id, error=type(exc).__name__)
            self._fail(claimed, f"{type(exc).__name__}: {exc}", retry=True)
            return
        finally:
            self._keep_renewed(claimed.route, connector)
        self._record(claimed, delivery)

    def _record(self, claimed: _Claimed, delivery: Delivery) -> None:
        if delivery.state == "sent":
            self._commit(lambda s: record_sent(s, claimed.message_id, delivery.external_id))
            self.totals.sent += 1
            return
        reason = delivery.error or "the network did not take the reply"
        self._fail(claimed, reason, retry=True, retry_after_s=delivery.retry_after_s)

    def _fail(self, claimed: _Claimed, reason: str, *, retry: bool, retry_after_s: float | None = None) -> None:
        retry_at = None
        if retry and claimed.attempt < self.policy.max_attempts:
            delay = self.policy.delay_s(claimed.attempt, retry_after_s)
            retry_at = self.runtime.clock.now() + timedelta(seconds=delay)
            self.totals.retried += 1
        else:
            if retry:
                reason = f"{reason} (gave up after {claimed.attempt} attempts)"
            self.totals.failed += 1
        self._commit(lambda s: record_failure(s, claimed.message_id, reason, retry_at))

    def _keep_renewed(self, route: Route, connector: Connector) -> None:
        """This long-lived connector renewed its token: store it, so the listen loop (and a restart) start from
        it; a rotated refresh token is the only one that still works."""
        if not connector.renewed or route.channel is None or self._stored.get(id(connector)) == connector.renewed:
            return
        channel_id, renewed = route.channel.id, dict(connector.renewed)
        self._commit(lambda s: store_credentials(s, channel_id, renewed, self.runtime.settings.secret_key))
        self._stored[id(connector)] = renewed

    def _connector(self, route: Route) -> Connector:
        key = f"{route.connector.kind}:{route.name}"
        if key not in self._connectors:
            config = route.config(self.runtime.settings.secret_key, self.runtime.settings.outbox_dir)
            connector = self._make(config, route.connector)
            if route.channel is not None:
                channel_id = route.channel.id
                connector.stored_credentials = lambda: self._stored_options(channel_id)
            self._connectors[key] = connector
        return self._connectors[key]

    def _stored_options(self, channel_id: int) -> dict[str, object]:
        with self.runtime.sessions() as session:
            return stored_options(session, channel_id, self.runtime.settings.secret_key)

    def _commit(self, action: Callable[[Session], None]) -> None:
        with self.runtime.sessions.begin() as session:
            action(session)
