"""`heard radar`: the one pile-on radar of an installation whose pipeline runs in many worker processes.

Pipeline workers share the posts between them, so a radar inside each would see only its share of every
series: a pile-on split four ways reaches the fifth post a detector needs four times later, and each worker's
snapshot would overwrite the others'. With `HEARD_RADAR_MODE=separate` the workers end their stages at group
and put each stored post, with its judgements, on the "posts.judged" topic after the commit; this worker reads
all of it in one consumer group, runs the same detect stage the inline mode runs, and stores the alerts and
hashtag proposals. Run exactly one (a second would split the topic again).

Delivery is at least once: a batch whose alerts fail to store (the database is away) is not acked and comes
back, and its posts are counted a second time, which can only make a spike look larger, never hide one. A judged
post that does not decode is a dead letter. After a crash the radar resumes from its last snapshot (at most
`HEARD_RADAR_SNAPSHOT_S` old), as the inline radar does.
"""

from __future__ import annotations

import threading

import structlog

from heard.app import Runtime
from heard.errors import BadInput
from heard.events import JUDGED_TOPIC, ConversationUpdated
from heard.ingest.actions import record_dead_letters
from heard.pipeline.detect import Detect
from heard.pipeline.stage import Rejection, StageContext, StageTimings, run_stages
from heard.posts import Post
from heard.radar.radar import Radar
from heard.stream.base import publish_events
from heard.workers.radar_keeper import RadarKeeper
from heard.workers.stages import record_detections

log = structlog.get_logger(__name__)
GROUP = "radar"


class RadarWorker:
    def __init__(self, runtime: Runtime, radar: Radar | None = None, batch_size: int | None = None) -> None:
        self.runtime = runtime
        self.radar = radar if radar is not None else Radar(runtime.settings.brand_handles)
        self._detect = Detect(self.radar)
        self._keeper = RadarKeeper(runtime, self.radar, GROUP)
        self._batch_size = batch_size or runtime.settings.batch_size
        self.timings = StageTimings()
        self.observed = 0
        self.alerts = 0

    def run_once(self) -> int:
        """Watch one batch of stored posts; returns how many records it took (0 when there were none)."""
        self._keeper.load_once()
        records = self.runtime.log.consume(JUDGED_TOPIC, GROUP, self._batch_size)
        if not records:
            return 0
        posts: list[Post] = []
        rejected: list[Rejection] = []
        for record in records:
            try:
                posts.append(Post.from_judged_json(record.payload))
            except BadInput as exc:
                rejected.append(Rejection(record.id, "decode", exc.reason, exc.raw))
        now = self.runtime.clock.now()
        ctx = StageContext(now=now)
        run_stages([self._detect], posts, ctx, self.timings)
        with self.runtime.sessions.begin() as session:
            spikes = len(self._detect.pending)
            touched = record_detections([self._detect], session, now)
            record_dead_letters(session, [*rejected, *ctx.rejections], f"log:{JUDGED_TOPIC}", now)
        publish_events(self.runtime.log, [ConversationUpdated(conversation_id=c) for c in sorted(touched)])
        self.runtime.log.ack(JUDGED_TOPIC, GROUP, [r.offset for r in records])
        self.observed += len(posts)
        self.alerts += spikes
        self._keeper.save_when_due()
        return len(records)

    def drain(self) -> int:
        """Watch everything waiting, save the state; the records taken."""
        taken = 0
        while n := self.run_once():
            taken += n
        self._keeper.save()
        return taken

    def run(self, stop: threading.Event, idle_sleep_s: float = 0.2) -> None:
        while not stop.is_set():
            try:
                taken = self.run_once()
            except Exception:
                log.exception("radar batch failed; records will be redelivered")
                taken = 0
            if not taken:
                stop.wait(idle_sleep_s)
        self._keeper.save()
