"""The listen loop: for each channel, read from its stored cursor, put the posts on the "posts.raw" topic
(message id = the post's key, so a read repeated after a crash adds nothing), record payloads that could not
become posts as dead letters, then store the new cursor and the channel's health.

The cursor moves only after the posts are on the log, so a restart never leaves a gap; the log's dedupe by
message id means it never stores a post twice. A rate limit waits for the network's reset time; an outage or
any other failure backs off exponentially (capped), and the channel's health says why it is waiting.

Streaming channels (Jetstream, Mastodon streaming) never wait for the interval: each read is a window on the
stream whose posts reach the log and whose cursor is stored when it ends, and the next window starts at once,
resuming from that cursor; a dropped stream reconnects with the same exponential backoff. So a reply waits at
most one window (window_s) to be read, and a restart loses nothing.
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy import select

from heard.app import Runtime
from heard.channels.actions import (
    ChannelProblem,
    channel_config,
    record_health,
    store_credentials,
    stored_options,
    take_backfills,
)
from heard.channels.models import Channel
from heard.connectors.base import BackfillUnsupported, ChannelConfig, Connector, ReadResult
from heard.connectors.failures import ConnectorFailure, ReconnectNeeded, Transient
from heard.connectors.registry import connector_class
from heard.errors import MissingExtra
from heard.ingest.actions import record_dead_letters
from heard.pipeline.stage import Rejection
from heard.stream.base import append_posts

log = structlog.get_logger(__name__)

ConnectorFactory = Callable[[ChannelConfig], Connector]
BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 900.0


def backoff_s(failures: int, jitter: float = 0.0) -> float:
    """5 s, 10 s, 20 s ... up to 15 minutes; `jitter` (0..1) spreads retries of many channels apart."""
    return float(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, failures - 1)) * (1 + jitter * 0.2))


@dataclass
class ChannelOutcome:
    name: str
    health: str
    taken: int = 0
    duplicates: int = 0
    set_aside: int = 0
    detail: str | None = None
    wait_s: float = 0.0
    #: a streaming channel: read again at once (it reconnects and resumes from its cursor)
    continuous: bool = False


@dataclass
class _Waiting:
    failures: int = 0
    due_at: float = 0.0


@dataclass
class Listener:
    """Reads every channel that is due; `factory` builds a connector (tests inject transports through it)."""

    runtime: Runtime
    factory: ConnectorFactory | None = None
    interval_s: float = 60.0
    kinds: frozenset[str] | None = None
    _waiting: dict[int, _Waiting] = field(default_factory=dict)

    def _build(self, config: ChannelConfig) -> Connector:
        if self.factory is not None:
            return self.factory(config)
        return connector_class(config.kind)(config, clock=self.runtime.clock)

    def due(self, busy: Collection[int] = ()) -> list[tuple[int, str, str | None]]:
        """(id, name, stored cursor) of the channels whose wait is over, leaving out those being read."""
        with self.runtime.sessions() as session:
            rows = session.scalars(select(Channel).order_by(Channel.id))
            channels = [(c.id, c.name, c.cursor) for c in rows if self.kinds is None or c.kind in self.kinds]
        now = self.runtime.clock.monotonic()
        return [c for c in channels if c[0] not in busy and self._waiting.get(c[0], _Waiting()).due_at <= now]

    def run_once(self) -> list[ChannelOutcome]:
        """Read every due channel, one after another."""
        return [self.read_channel(cid, name, cursor) for cid, name, cursor in self.due()]

    def read_channel(self, channel_id: int, name: str, cursor: str | None) -> ChannelOutcome:
        waiting = self._waiting.setdefault(channel_id, _Waiting())
        try:
            outcome = self._read(channel_id, name, cursor)
        except Transient as exc:
            waiting.failures += 1
            wait = max(exc.retry_after_s, backoff_s(waiting.failures) if exc.health == "down" else 0.0)
            outcome = ChannelOutcome(name, exc.health, detail=str(exc), wait_s=wait)
        except ReconnectNeeded as exc:
            # the network refused to renew: only a person can fix it, so try again rarely (a reconnect from the
            # channels page stores new credentials, which the next read picks up)
            waiting.failures += 1
            outcome = ChannelOutcome(name, exc.health, detail=str(exc), wait_s=BACKOFF_CAP_S)
        except (ConnectorFailure, MissingExtra) as exc:
            waiting.failures += 1
            health = getattr(exc, "health", "misconfigured")
            outcome = ChannelOutcome(name, health, detail=str(exc), wait_s=backoff_s(waiting.failures + 3))
        except Exception as exc:  # a bug or a surprise must not stop the other channels
            waiting.failures += 1
            # no log.exception: a rendered traceback shows frame locals, and those can hold decrypted credentials
            frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            where = f"{frame.filename}:{frame.lineno}" if frame else "?"
            log.error("listen.read_failed", channel=name, error=type(exc).__name__, where=where)
            outcome = ChannelOutcome(
                name,
                "error",
                detail=f"{type(exc).__name__}: {exc}"[:500],
                wait_s=backoff_s(waiting.failures, random.random()),
            )
        else:
            waiting.failures = 0
            if not outcome.continuous:
                outcome.wait_s = max(self.interval_s, outcome.wait_s)  # the budget's reset, when the read spent it
        waiting.due_at = self.runtime.clock.monotonic() + outcome.wait_s
        if outcome.health != "ok":
            with self.runtime.sessions.begin() as session:
                record_health(session, channel_id, outcome.health, outcome.detail)
            log.warning("listen.channel_waiting", channel=name, health=outcome.health, wait_s=outcome.wait_s)
        return outcome

    def _read(self, channel_id: int, name: str, cursor: str | None) -> ChannelOutcome:
        with self.runtime.sessions() as session:
            channel = session.get(Channel, channel_id)
            assert channel is not None
            config = channel_config(channel, self.runtime.settings.secret_key, self.runtime.settings.brand_handles)
            asked_backfill = bool((channel.config or {}).get("backfill"))
        connector = self._build(config)
        connector.stored_credentials = lambda: self._stored_options(channel_id)
        try:
            result = connector.read(cursor)
            if asked_backfill:
                self._requested_backfills(channel_id, connector, name)
            cooldown = connector.cooldown_s()
            continuous = connector.continuous()
        finally:
            connector.close()
            self._keep_renewed(channel_id, connector)
        taken = self._put_on_log(result, name, "listen")
        detail = f"read {len(result.posts)} posts ({taken} new) at {self.runtime.clock.now():%Y-%m-%d %H:%M:%S}Z"
        if result.notices:
            detail = "; ".join([detail, *result.notices])
            log.warning("listen.notice", channel=name, notices=result.notices)
        with self.runtime.sessions.begin() as session:
            record_health(session, channel_id, "ok", detail, result.cursor, move_cursor=True)
        outcome = ChannelOutcome(name, "ok", taken, len(result.posts) - taken, len(result.rejected), detail)
        outcome.wait_s = cooldown
        outcome.continuous = continuous
        return outcome

    def _stored_options(self, channel_id: int) -> dict[str, object]:
        with self.runtime.sessions() as session:
            return stored_options(session, channel_id, self.runtime.settings.secret_key)

    def _keep_renewed(self, channel_id: int, connector: Connector) -> None:
        """Store credentials the read renewed, whether or not the read then succeeded."""
        if connector.renewed:
            with self.runtime.sessions.begin() as session:
                store_credentials(session, channel_id, connector.renewed, self.runtime.settings.secret_key)

    def _put_on_log(self, result: ReadResult, name: str, stage: str) -> int:
        """Append a read's posts to the log and keep its unreadable payloads as dead letters; how many posts
        were new to the log."""
        offsets = append_posts(self.runtime.log, result.posts)
        if result.rejected:
            with self.runtime.sessions.begin() as session:
                rejections = [Rejection("", stage, r.reason, r.raw) for r in result.rejected]
                record_dead_letters(session, rejections, f"channel:{name}", self.runtime.clock.now())
        return sum(1 for o in offsets if o is not None)

    def backfill(self, name: str, hashtags: tuple[str, ...], since: datetime) -> ChannelOutcome:
        """Search the channel's network for `hashtags` back to `since` and put what it finds on the log, once
        (a hashtag just joined the listening rules: its recent past matters as much as what comes next). The
        channel's cursor and health stay as they are. BackfillUnsupported for networks that cannot search."""
        with self.runtime.sessions() as session:
            channel = session.scalars(select(Channel).where(Channel.name == name)).first()
            if channel is None:
                raise ChannelProblem(f"no channel named {name!r} (see `heard channels list`)")
            config = channel_config(channel, self.runtime.settings.secret_key, self.runtime.settings.brand_handles)
        connector = self._build(config)
        try:
            return self._backfill(connector, name, hashtags, since)
        finally:
            connector.close()

    def _backfill(self, connector: Connector, name: str, hashtags: tuple[str, ...], since: datetime) -> ChannelOutcome:
        if "search" not in connector.capabilities:
            raise BackfillUnsupported(f"{connector.kind} cannot search past posts by hashtag; only new ones are read")
        result = connector.backfill(hashtags, since)
        taken = self._put_on_log(result, name, "backfill")
        detail = f"back-filled {', '.join('#' + t.lstrip('#') for t in hashtags)} since {since:%Y-%m-%d %H:%M}Z"
        return ChannelOutcome(name, "ok", taken, len(result.posts) - taken, len(result.rejected), detail)

    def _requested_backfills(self, channel_id: int, connector: Connector, name: str) -> None:
        """Back-fills asked for from the web app run with the channel's next read; one that cannot run is
        logged and dropped (the hashtag is in the rules either way)."""
        with self.runtime.sessions.begin() as session:
            pending = take_backfills(session, channel_id)
        for hashtags, since in pending:
            try:
                outcome = self._backfill(connector, name, hashtags, since)
            except (BackfillUnsupported, ConnectorFailure) as exc:
                log.warning("listen.backfill_skipped", channel=name, hashtags=hashtags, reason=str(exc))
                continue
            log.info("listen.backfilled", channel=name, hashtags=hashtags, taken=outcome.taken)

    def next_due_in(self) -> float:
        now = self.runtime.clock.monotonic()
        dues = [w.due_at - now for w in self._waiting.values()]
        return max(0.0, min(dues)) if dues else 0.0

    def run(
        self,
        stop: Callable[[], bool],
        on_round: Callable[[list[ChannelOutcome]], None] | None = None,
        workers: int = 8,
    ) -> None:
        """Read channels as they fall due until `stop()` says so. Each read runs on a thread of its own, so a
        streaming window or a slow network on one channel never holds up the others."""
        reading: dict[int, Future[ChannelOutcome]] = {}
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="listen") as pool:
            while not stop():
                for cid, name, cursor in self.due(busy=reading):
                    reading[cid] = pool.submit(self.read_channel, cid, name, cursor)
                finished = [cid for cid, future in reading.items() if future.done()]
                outcomes = [reading.pop(cid).result() for cid in finished]
                if on_round and outcomes:
                    on_round(outcomes)
                # a streaming channel is due again at once: 0 means "now", not "nothing waiting"
                # (50 ms at least: a removed channel's stale wait must not spin the loop)
                idle = max(0.05, min(self.next_due_in() if self._waiting else self.interval_s, 5.0))
                self.runtime.clock.sleep(0.1 if reading else idle)
