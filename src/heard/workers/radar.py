"""`heard radar`: the one pile-on radar of an installation whose pipeline runs in many worker processes.

Pipeline workers share the posts between them, so a radar inside each would see only its share of every
series: a pile-on split four ways reaches the fifth post a detector needs four times later, and each worker's
snapshot would overwrite the others'. With `HEARD_RADAR_MODE=separate` the workers end their stages at group
and put each stored post, with its judgements, on the "posts.judged" topic after the commit; this worker reads
all of it in one consumer group, runs the same detect stage the inline mode runs, and stores the alerts and
hashtag proposals. Only one watches at a time: each holds a lease in the database (`radar_leases`, renewed while
it works); another `heard radar` waits, and takes over, from the last saved state, when the lease runs out or is
given up on a clean stop.

Delivery is at least once: a batch whose alerts fail to store (the database is away) is not acked and comes
back, and its posts are counted a second time, which can only make a spike look larger, never hide one. A judged
post that does not decode is a dead letter. After a crash the radar resumes from its last snapshot (at most
`HEARD_RADAR_SNAPSHOT_S` old), as the inline radar does.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import datetime, timedelta

import structlog
from sqlalchemy.exc import IntegrityError

from heard.alerts.radar_memory import hold_lease, release_lease
from heard.app import Runtime
from heard.errors import BadInput
from heard.events import JUDGED_TOPIC
from heard.ingest.actions import record_dead_letters
from heard.pipeline.detect import Detect
from heard.pipeline.stage import Rejection, StageContext, StageTimings, run_stages
from heard.posts import Post
from heard.radar.radar import Radar
from heard.workers.radar_keeper import RadarKeeper
from heard.workers.running import poll_until_stopped
from heard.workers.stages import record_detections

log = structlog.get_logger(__name__)
GROUP = "radar"
#: How long a radar's lease lasts without renewal: how long a standby waits after a radar dies.
LEASE_S = 30.0


class RadarWorker:
    def __init__(
        self,
        runtime: Runtime,
        radar: Radar | None = None,
        batch_size: int | None = None,
        holder: str | None = None,
        lease_s: float = LEASE_S,
    ) -> None:
        self.runtime = runtime
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lease_s = lease_s
        self._lease_until: datetime | None = None
        self._next_try: datetime | None = None
        self.radar = radar if radar is not None else Radar(runtime.settings.brand_handles, clock=runtime.clock)
        self._detect = Detect(self.radar)
        self._keeper = RadarKeeper(runtime, self.radar, GROUP)
        self._batch_size = batch_size or runtime.settings.batch_size
        self.timings = StageTimings()
        self.observed = 0
        self.alerts = 0

    def run_once(self) -> int:
        """Watch one batch of stored posts; returns how many records it took (0 when there were none, or while
        another radar holds the lease)."""
        if not self.holds_lease():
            return 0
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
            record_detections([self._detect], session, now)
            record_dead_letters(session, [*rejected, *ctx.rejections], f"log:{JUDGED_TOPIC}", now)
        self.runtime.log.ack(JUDGED_TOPIC, GROUP, [r.offset for r in records])
        self.observed += len(posts)
        self.alerts += spikes
        self._keeper.save_when_due()
        return len(records)

    def holds_lease(self) -> bool:
        """Whether this radar may watch now: renews its lease when half of it has run, and tries to take it
        (at most every third of a lease while another holds it)."""
        now = self.runtime.clock.now()
        half = timedelta(seconds=self._lease_s / 2)
        if self._lease_until is not None and now < self._lease_until - half:
            return True
        if self._lease_until is None and self._next_try is not None and now < self._next_try:
            return False
        try:
            with self.runtime.sessions.begin() as session:
                held = hold_lease(session, GROUP, self.holder, now, self._lease_s)
        except IntegrityError:  # another radar created the lease first
            held = False
        if held and self._lease_until is None:
            # Taking over: whoever watched before saved its state; carry on from there.
            self._keeper.load()
            log.info("radar lease taken", holder=self.holder)
        self._lease_until = now + timedelta(seconds=self._lease_s) if held else None
        self._next_try = None if held else now + timedelta(seconds=self._lease_s / 3)
        return held

    def stop(self) -> None:
        """Save the state and give the lease up, so a waiting radar takes over at once."""
        if self._lease_until is None:
            return
        self._keeper.save()
        with self.runtime.sessions.begin() as session:
            release_lease(session, GROUP, self.holder, self.runtime.clock.now())
        self._lease_until = None

    def drain(self) -> int:
        """Watch everything waiting, save the state and give the lease up; the records taken."""
        taken = 0
        while n := self.run_once():
            taken += n
        self.stop()
        return taken

    def run(self, stop: threading.Event, idle_sleep_s: float = 0.2) -> None:
        poll_until_stopped(stop, self.run_once, idle_sleep_s, log, "radar batch failed; records will be redelivered")
        self.stop()
