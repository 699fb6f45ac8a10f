"""The pipeline worker: consume "posts.raw" -> run the stages -> store in one transaction -> publish events
after commit -> ack. At-least-once delivery plus dedupe makes a redelivered batch change nothing.

Failure handling, in order: a payload that does not decode is a dead letter; a post that breaks a stage is a
dead letter (run_stages isolates it); a batch whose store step fails is retried post by post so only the
offending post is set aside; a record redelivered `max_deliveries` times is set aside without another try
(the circuit breaker that keeps a poison message from looping forever).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import partial

import structlog
from sqlalchemy.orm import Session

from heard.app import Runtime
from heard.conversations.stored import StoredPostIndex
from heard.errors import BadInput
from heard.events import JUDGED_TOPIC, POSTS_TOPIC, Event
from heard.ingest.actions import StoreResult, record_dead_letters, store_batch
from heard.pipeline.dedupe import SeenIndex
from heard.pipeline.detect import Detect
from heard.pipeline.stage import Rejection, Stage, StageContext, StageTimings, run_stages
from heard.posts import Post, RawPost
from heard.radar.radar import Radar
from heard.stream.base import OutMessage, Record, publish_events
from heard.workers.radar_keeper import RadarKeeper
from heard.workers.running import poll_until_stopped
from heard.workers.stages import default_stages, record_detections

log = structlog.get_logger(__name__)
GROUP = "pipeline"
#: A batch allocates some hundred objects per post, all alive until the batch is stored. At CPython's default
#: threshold (700) the cyclic collector would run every few posts and rescan them each time, about a tenth of
#: the ingest path's CPU; collecting every 50,000 allocations instead costs nothing measurable and bounds the
#: garbage waiting for collection to a few megabytes.
GC_THRESHOLD = 50_000


def relax_gc() -> None:
    """Collect young garbage less often (process-wide; called by whatever runs the pipeline)."""
    threshold = gc.get_threshold()
    if threshold[0] < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *threshold[1:])


def _as_text(payload: bytes) -> str:
    return payload.decode("utf-8", errors="replace")


class _SessionIndex:
    """Stages are built once; the dedupe index follows whichever session the current batch uses."""

    def __init__(self) -> None:
        self.session: Session | None = None

    def seen(self, keys: Collection[str]) -> set[str]:
        assert self.session is not None
        return StoredPostIndex(self.session).seen(keys)


@dataclass
class WorkerTotals:
    batches: int = 0
    records: int = 0
    stored: int = 0
    dead_letters: int = 0
    timings: StageTimings = field(default_factory=StageTimings)


StagesFactory = Callable[[SeenIndex], list[Stage]]


class PipelineWorker:
    def __init__(
        self,
        runtime: Runtime,
        stages: StagesFactory | None = None,
        batch_size: int | None = None,
        max_deliveries: int = 5,
    ) -> None:
        self.runtime = runtime
        self._index = _SessionIndex()
        # The default stages get the brand's own handles, so grouping and the radar leave them out of comparisons.
        factory = stages or partial(
            default_stages,
            brand_terms=runtime.settings.brand_handles,
            detect=runtime.settings.radar_mode == "inline",
        )
        self._stages = factory(self._index)
        self._batch_size = batch_size or runtime.settings.batch_size
        self._max_deliveries = max_deliveries
        self.totals = WorkerTotals()
        detects = [s for s in self._stages if isinstance(s, Detect)]
        radar = next((s.detector for s in detects if isinstance(s.detector, Radar)), None)
        self._keeper = RadarKeeper(runtime, radar, GROUP)
        # HEARD_RADAR_MODE=separate: the stages end at group and stored posts go to the radar process on the log.
        self._hand_to_radar = runtime.settings.radar_mode == "separate" and not detects

    @property
    def stages(self) -> list[Stage]:
        return list(self._stages)

    def run_once(self) -> int:
        """Process one batch; returns how many records it took (0 when the log had nothing)."""
        self._keeper.load_once()
        records = self.runtime.log.consume(POSTS_TOPIC, GROUP, self._batch_size)
        if not records:
            return 0
        posts, rejected = self._decode(records)
        result, dead = self._process(posts, rejected)
        self._publish([e for r in result for e in r.events()])
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
        started = time.perf_counter()
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
        self.totals.timings.add("decode", time.perf_counter() - started)
        return posts, rejected

    def _process(self, posts: list[Post], rejected: list[Rejection]) -> tuple[list[StoreResult], int]:
        try:
            return [self._store(posts, rejected)], len(rejected)
        except Exception:
            log.warning("batch failed to store; retrying post by post", posts=len(posts))
        results = []
        dead = 0
        for post in posts:
            try:
                results.append(self._store([post], []))
            except Exception as exc:
                reason = f"store failed: {type(exc).__name__}: {exc}"[:2000]
                dead += self._dead([Rejection(post.key, "store", reason, post.raw.to_json().decode())])
        return results, dead + self._dead(rejected)

    def _store(self, posts: list[Post], rejected: list[Rejection]) -> StoreResult:
        now = self.runtime.clock.now()
        with self.runtime.sessions.begin() as session:
            self._index.session = session
            ctx = StageContext(now=now)
            survivors = run_stages(self._stages, posts, ctx, self.totals.timings)
            started = time.perf_counter()
            result = store_batch(session, survivors, now)
            result.touched |= record_detections(self._stages, session, now)
            record_dead_letters(session, [*rejected, *ctx.rejections], f"log:{POSTS_TOPIC}", now)
            self.totals.timings.add("store", time.perf_counter() - started)
            self._index.session = None
            committing = time.perf_counter()
        # The commit links the batch's posts to their incidents (BatchIncidents' before_commit hook) and writes.
        self.totals.timings.add("commit", time.perf_counter() - committing)
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

    def _publish(self, events: list[Event]) -> None:
        if events:
            publish_events(self.runtime.log, events)
