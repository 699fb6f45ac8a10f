"""The live `heard demo` (not --once): the sample's first load and its replay at 60x raise nothing on their own,
and the staged pile-on, a minute in, is the first alert on /alerts with at most two others open beside it.

The demo's own replay path runs here on a clock that moves when the replay waits, so three minutes of demo take
seconds: the pipeline works the log every ten demo seconds, as the demo's worker would, and the staged replies
go out one every six seconds from the first minute on, between the sample's posts, as they do in `heard demo`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from heard.alerts.models import Alert
from heard.alerts.wording import ranked
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.commands.demo import replay_sample, sample_brands, sample_path
from heard.connectors.replay.connector import in_time_order
from heard.connectors.replay.formats import read_file
from heard.posts import RawPost
from heard.settings import Settings
from heard.stream.base import append_posts
from heard.workers.pipeline import PipelineWorker
from heard.workers.staged_pileon import pick_complaint, pileon_replies

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


class DemoClock(FrozenClock):
    """Moves when the replay waits; on the way, works the log as the demo's worker does and sends the staged
    replies when they are due. Stops the replay (raises) at `until`."""

    def __init__(self, until: timedelta) -> None:
        super().__init__(START)
        self.until = START + until
        self.runtime: Runtime | None = None
        self.worker: PipelineWorker | None = None
        self.staged: list[RawPost] | None = None
        self.open_at: dict[int, list[Alert]] = {}
        self._next_work = 10.0

    def sleep(self, seconds: float) -> None:
        assert self.runtime is not None
        assert self.worker is not None
        target = self.now() + timedelta(seconds=seconds)
        while self.now() < target:
            step = min(1.0, (target - self.now()).total_seconds())
            self.advance(step)
            self._tick()
        if self.now() >= self.until:
            raise TimeoutError

    def _tick(self) -> None:
        assert self.runtime is not None
        assert self.worker is not None
        elapsed = (self.now() - START).total_seconds()
        if self.staged is None and elapsed >= 60:
            self.worker.drain()
            root = pick_complaint(self.runtime)
            assert root is not None
            self.staged = pileon_replies(root, self.now())
        if self.staged:
            due = [r for r in self.staged if r.created_at <= self.now()]
            if due:
                append_posts(self.runtime.log, [replace(r, created_at=self.now()) for r in due])
                self.staged = [r for r in self.staged if r not in due]
        if elapsed >= self._next_work:
            self.worker.drain()
            self._next_work += 10
            for checkpoint in (10, 60, 180):
                if elapsed >= checkpoint and checkpoint not in self.open_at:
                    with self.runtime.sessions() as session:
                        opened = session.scalars(select(Alert).where(Alert.status == "open")).all()
                        self.open_at[checkpoint] = ranked(opened)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Runtime, DemoClock]]:
    clock = DemoClock(until=timedelta(minutes=3, seconds=10))
    runtime = build_runtime(Settings(database_url=f"sqlite:///{tmp_path}/demo.db", _env_file=None), clock=clock)
    clock.runtime, clock.worker = runtime, PipelineWorker(runtime)
    yield runtime, clock
    runtime.close()


def test_the_live_demo_raises_the_staged_pileon_first_and_little_else(demo: tuple[Runtime, DemoClock]) -> None:
    runtime, clock = demo
    rows = in_time_order(read_file(sample_path(), "twcs", channel="twcs-sample"))
    sample_brands(runtime, rows)
    with pytest.raises(TimeoutError):
        replay_sample(runtime, rows, speed=60.0, preload=3000)
    assert clock.worker is not None
    clock.worker.drain()

    seen = {at: [(a.kind, a.series_key) for a in alerts] for at, alerts in clock.open_at.items()}
    assert set(seen) == {10, 60, 180}, seen
    # Ten seconds and a minute in: the first load and the replay are routine, nothing is open.
    assert seen[10] == [], seen
    assert len(seen[60]) <= 2, seen
    # Three minutes in: the pile-on on the staged thread is first, and at most two others are open.
    kinds = seen[180]
    assert kinds, seen
    assert kinds[0][0] == "pileon", seen
    assert sum(1 for kind, _ in kinds if kind == "pileon") == 1, seen
    assert len(kinds) - 1 <= 2, seen
    with runtime.sessions() as session:
        pileon = session.scalars(select(Alert).where(Alert.kind == "pileon")).one()
        assert pileon.evidence["new_authors"] == 12
