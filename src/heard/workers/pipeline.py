"""The pipeline worker: consume "posts.raw" -> run the stages -> store in one transaction -> events published
after commit -> ack. At-least-once delivery plus dedupe makes a redelivered batch change nothing.

Inside the batch transaction: the stages (with ports bound to it), the store step, the incident link step
(`heard.incidents.batch.link_batch`), the detections and the dead letters; each registers its events on the
transaction, which the runtime's after-commit hook publishes.

Failure handling, in order: a payload that does not decode is a dead letter; a post that breaks a stage is a
dead letter (run_stages isolates it); a batch whose store step fails is retried post by post so only the
offending post is set aside; a record redelivered `max_deliveries` times is set aside without another try
(the circuit breaker that keeps a poison message from looping forever).

The radar counts in memory, and a rolled-back transaction does not take a count back. So detect runs after
the store step (a batch that fails to store was never counted), and a post counted in an attempt that failed
later (at commit) is not counted again when it is retried on its own: each post is counted once.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog
from sqlalchemy.exc import IntegrityError, OperationalError

from heard.app import Runtime
from heard.errors import BadInput, Conflict
from heard.events import JUDGED_TOPIC, POSTS_TOPIC
from heard.inbox.routing import route
from heard.incidents.answered import refile_answered
from heard.incidents.batch import link_batch
from heard.incidents.embedders import RememberingEmbedder, make_embedder
from heard.ingest.actions import StoreResult, lock_threads, record_dead_letters, store_batch
from heard.pipeline.detect import Detect
from heard.pipeline.stage import Rejection, Stage, StageContext, StageTimings, run_stages
from heard.posts import Post, RawPost
from heard.radar.radar import Radar
from heard.rules.engine import run_rules
from heard.stream.base import OutMessage, Record
from heard.workers.radar_keeper import RadarKeeper
from heard.workers.running import poll_until_stopped
from heard.workers.stages import default_stages, record_detections, store_ports, stored_brands
from heard.workers.waits import Waits

log = structlog.get_logger(__name__)
GROUP = "pipeline"
#: A batch allocates some hundred objects per post, all alive until the batch is stored. At CPython's default
#: threshold (700) the cyclic collector would run every few posts and rescan them each time, about a tenth of
#: the ingest path's CPU; collecting every 50,000 allocations instead costs nothing measurable and bounds the
#: garbage waiting for collection to a few megabytes.
GC_THRESHOLD = 50_000
#: How often a batch is stored again after colliding with another worker's before it is taken apart.
COLLISION_TRIES = 4


def relax_gc() -> None:
    """Collect young garbage less often (process-wide; called by whatever runs the pipeline)."""
    threshold = gc.get_threshold()
    if threshold[0] < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *threshold[1:])


def _as_text(payload: bytes) -> str:
    return payload.decode("utf-8", errors="replace")


@dataclass
class WorkerTotals:
    batches: int = 0
    records: int = 0
    stored: int = 0
    dead_letters: int = 0
    collisions: int = 0
    timings: StageTimings = field(default_factory=StageTimings)


class PipelineWorker:
    def __init__(
        self,
        runtime: Runtime,
        stages: list[Stage] | None = None,
        batch_size: int | None = None,
        max_deliveries: int = 5,
        waits: Waits | None = None,
    ) -> None:
        self.runtime = runtime
        self.waits = waits
        # The brand's own handles are left out of text comparisons, by grouping and by the radar.
        brand_terms = runtime.settings.brand_handles
        # Grouping embeds a batch's complaints, describing incidents embeds their recent posts: mostly the same.
        self._embedder = RememberingEmbedder(make_embedder(brand_terms=brand_terms))
        self._stages = stages or default_stages(
            self._embedder,
            brand_terms,
            detect=runtime.settings.radar_mode == "inline",
            clock=runtime.clock,
            brands=stored_brands(runtime.sessions),
        )
        self._batch_size = batch_size or runtime.settings.batch_size
        self._max_deliveries = max_deliveries
        self.totals = WorkerTotals()
        detects = [s for s in self._stages if isinstance(s, Detect)]
        radar = next((s.detector for s in detects if isinstance(s.detector, Radar)), None)
        self._keeper = RadarKeeper(runtime, radar, GROUP)
        # HEARD_RADAR_MODE=separate: the stages end at group and stored posts go to the radar process on the log.
        self._hand_to_radar = runtime.settings.radar_mode == "separate" and not detects
        self._before_detect = [s for s in self._stages if not isinstance(s, Detect)]
        self._detects: list[Stage] = list(detects)
        #: Keys of the current batch the radar has counted (cleared once the batch is done).
        self._counted: set[str] = set()

    @property
    def stages(self) -> list[Stage]:
        return list(self._stages)

    def run_once(self) -> int:
        """Process one batch; returns how many records it took (0 when the log had nothing)."""
        self._keeper.load_once()
        with self.totals.timings.timed("consume"):
            records = self.runtime.log.consume(POSTS_TOPIC, GROUP, self._batch_size)
        if not records:
            return 0
        posts, rejected = self._decode(records)
        try:
            result, dead = self._process(posts, rejected)
        finally:
            self._counted.clear()
        with self.totals.timings.timed("ack"):
            self.runtime.log.ack(POSTS_TOPIC, GROUP, [r.offset for r in records])
        self.totals.batches += 1
        self.totals.records += len(records)
        self.totals.stored += sum(len(r.post_ids) for r in result)
        self.totals.dead_letters += dead
        self._keeper.save_when_due()
        return len(records)

    def drain(self) -> WorkerTotals:
        relax_gc()
        while self.run_once():
            pass
        self.save_radar()
        return self.totals

    def run(self, stop: threading.Event, idle_sleep_s: float = 0.2) -> None:
        relax_gc()
        poll_until_stopped(stop, self.run_once, idle_sleep_s, log, "pipeline batch failed; records will be redelivered")
        self.save_radar()

    def load_radar(self) -> int:
        """Load the radar state the last worker saved (once, before the first batch); the series restored."""
        return self._keeper.load()

    def save_radar(self) -> int:
        """Save the radar's state now; the series saved (0 without a radar or with saving turned off)."""
        return self._keeper.save()

    def _decode(self, records: Sequence[Record]) -> tuple[list[Post], list[Rejection]]:
        started, cpu_started = time.perf_counter(), time.process_time()
        posts: list[Post] = []
        rejected: list[Rejection] = []
        for record in records:
            if record.deliveries > self._max_deliveries:
                reason = f"gave up after {record.deliveries} deliveries"
                rejected.append(Rejection(record.id, "decode", reason, _as_text(record.payload)))
                continue
            try:
                raw = RawPost.from_json(record.payload)
            except BadInput as exc:
                rejected.append(Rejection(record.id, "decode", exc.reason, _as_text(record.payload)))
                continue
            posts.append(Post(raw=raw, text=raw.text))
        self.totals.timings.add("decode", time.perf_counter() - started, time.process_time() - cpu_started)
        return posts, rejected

    def _process(self, posts: list[Post], rejected: list[Rejection]) -> tuple[list[StoreResult], int]:
        try:
            return [self._store_again_on_collision(posts, rejected)], len(rejected)
        except Exception:
            log.warning("batch failed to store; retrying post by post", posts=len(posts))
        results = []
        dead = 0
        for post in posts:
            try:
                # A fresh Post each time: the failed attempt's stages annotated the object it had.
                results.append(self._store_again_on_collision([Post(raw=post.raw, text=post.raw.text)], []))
            except Exception as exc:
                reason = f"store failed: {type(exc).__name__}: {exc}"[:2000]
                dead += self._dead([Rejection(post.key, "store", reason, post.raw.to_json().decode())])
        return results, dead + self._dead(rejected)

    def _store_again_on_collision(self, posts: list[Post], rejected: list[Rejection]) -> StoreResult:
        """Store, and store again when the batch collided with another worker's (a deadlock, a row another
        transaction inserted or merged away meanwhile): the second try reads what the other committed. Only
        then is the batch taken apart post by post, which sets the offending post aside."""
        for attempt in range(1, COLLISION_TRIES + 1):
            try:
                return self._store(posts, rejected)
            except (OperationalError, IntegrityError, Conflict) as exc:
                if attempt == COLLISION_TRIES:
                    raise
                self.totals.collisions += 1
                log.info("batch collided with another worker; storing it again", error=type(exc).__name__)
        raise AssertionError("unreachable")

    def _store(self, posts: list[Post], rejected: list[Rejection]) -> StoreResult:
        now = self.runtime.clock.now()
        with self.runtime.sessions.begin() as session:
            with self.totals.timings.timed("lock threads"):
                lock_threads(session, posts)
            ctx = StageContext(now=now, ports=store_ports(session, self._embedder))
            survivors = run_stages(self._before_detect, posts, ctx, self.totals.timings)
            with self.totals.timings.timed("store"):
                result = store_batch(session, survivors, now)
                # A brand's answer files the thread it answers under that brand, in this transaction.
                refile_answered(session, survivors, result.post_ids)
            with self.totals.timings.timed("link"):
                link_batch(session, survivors, self._embedder, now)
            uncounted = [p for p in survivors if p.key not in self._counted]
            run_stages(self._detects, uncounted, ctx, self.totals.timings)
            self._counted.update(p.key for p in uncounted)
            with self.totals.timings.timed("rules + route"):
                # Tags and rules see each stored post with its judgements and incident (docs/rules.md).
                run_rules(session, result.post_ids.values(), now)
                route(session, result.touched, now)  # a rule may have given a conversation to a routing team
            with self.totals.timings.timed("record"):
                record_detections(self._stages, session, now)
                record_dead_letters(session, [*rejected, *ctx.rejections], f"log:{POSTS_TOPIC}", now)
            committing, cpu_committing = time.perf_counter(), time.process_time()
            mark = self.waits.mark() if self.waits else None
        # The commit writes the batch, then the after-commit hook publishes the events its steps registered.
        self.totals.timings.add("commit", time.perf_counter() - committing, time.process_time() - cpu_committing)
        if self.waits and mark:
            self.waits.committed(mark)
        self.totals.dead_letters += len(ctx.rejections)
        self._hand_to_radar_process(survivors)
        return result

    def _hand_to_radar_process(self, posts: list[Post]) -> None:
        """After the commit, put the stored posts on the topic the radar process reads (separate mode only)."""
        if not self._hand_to_radar or not posts:
            return
        try:
            self.runtime.log.append(JUDGED_TOPIC, [OutMessage(p.key, p.to_judged_json(), p.key) for p in posts])
        except Exception:
            # The posts are stored and their records will be acked: a retry would find them already stored and
            # hand nothing over, so the radar misses them either way. Say so rather than fail the batch.
            log.exception("stored posts not handed to the radar", posts=len(posts))

    def _dead(self, rejections: list[Rejection]) -> int:
        if not rejections:
            return 0
        now = self.runtime.clock.now()
        with self.runtime.sessions.begin() as session:
            return record_dead_letters(session, rejections, f"log:{POSTS_TOPIC}", now)
