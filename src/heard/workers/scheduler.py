"""Periodic jobs that keep the store current while `heard serve` runs: incidents re-grouped (ids kept stable),
a pass of alert delivery (new alerts queued for the people their rules name, due deliveries sent or retried:
`workers/alert_delivery.py`), and the SQL event log pruned of old acknowledged records. Each job logs and
survives its own failure."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import structlog

from heard.app import Runtime
from heard.inbox.checkins import record_answers, send_checkins
from heard.incidents.embedders import make_embedder
from heard.incidents.maintenance import regroup_open
from heard.stream.sql_log import SqlLog
from heard.workers.alert_delivery import notify_pending

log = structlog.get_logger(__name__)


@dataclass
class Job:
    name: str
    every_s: float
    run: Callable[[], object]
    due: float = 0.0


class Scheduler:
    def __init__(
        self,
        runtime: Runtime,
        regroup_every_s: float = 600.0,
        notify_every_s: float = 30.0,
        prune_every_s: float = 3600.0,
        checkin_every_s: float = 600.0,
    ) -> None:
        self.runtime = runtime
        embedder = make_embedder(brand_terms=runtime.settings.brand_handles)

        def regroup() -> object:
            with runtime.sessions.begin() as session:
                return regroup_open(session, embedder, runtime.clock.now())

        def notify() -> object:
            return notify_pending(runtime.sessions, runtime.clock, runtime.settings)

        def prune() -> object:
            days = runtime.settings.log_retention_days
            if days <= 0 or not isinstance(runtime.log, SqlLog):
                return {}  # kept forever, or another backend's retention (JetStream's own limits)
            return runtime.log.prune(runtime.clock.now() - timedelta(days=days))

        def checkins() -> object:
            with runtime.sessions.begin() as session:
                return {
                    "answered": record_answers(session, runtime.clock.now()),
                    "asked": send_checkins(session, runtime.clock),
                }

        self.jobs = [
            Job("notify alerts", notify_every_s, notify),
            Job("regroup incidents", regroup_every_s, regroup),
            Job("prune event log", prune_every_s, prune),
            Job("check in on resolved complaints", checkin_every_s, checkins),
        ]

    def run_due(self, now: float) -> list[str]:
        ran = []
        for job in self.jobs:
            if now < job.due:
                continue
            job.due = now + job.every_s
            try:
                job.run()
                ran.append(job.name)
            except Exception:
                log.exception("periodic job failed; it runs again next period", job=job.name)
        return ran

    def run(self, stop: threading.Event, tick_s: float = 5.0) -> None:
        while not stop.is_set():
            self.run_due(time.monotonic())
            stop.wait(tick_s)
