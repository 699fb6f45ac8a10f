"""A restarted pipeline worker loads the radar state the last one saved, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from heard.alerts.models import RadarSnapshot
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.posts import RawPost
from heard.settings import Settings
from heard.stream.base import append_posts
from heard.workers.pipeline import PipelineWorker


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=db_url, radar_snapshot_s=60, _env_file=None), clock=clock)
    yield rt
    rt.close()


def _posts(start: int, count: int, clock: FrozenClock) -> list[RawPost]:
    out = []
    for n in range(start, start + count):
        clock.advance(20)
        out.append(RawPost("x", f"p{n}", f"a{n}", f"a{n}", f"@acme my order {n} is late #late", clock.now()))
    return out


def test_a_restarted_worker_picks_up_the_radar_where_the_last_left_it(runtime: Runtime, clock: FrozenClock) -> None:
    first = PipelineWorker(runtime)
    append_posts(runtime.log, _posts(0, 30, clock))
    first.run_once()  # the first batch sets the save clock; nothing is due yet
    with runtime.sessions() as session:
        assert session.scalar(select(RadarSnapshot)) is None
    clock.advance(61)
    append_posts(runtime.log, _posts(100, 5, clock))
    first.run_once()  # a minute later the periodic save is due
    with runtime.sessions() as session:
        saved = session.scalars(select(RadarSnapshot)).one()
        assert saved.name == "pipeline"
        assert saved.series >= 2  # the brand (its channel) and the hashtag at least
        assert clock.now() - saved.saved_at < timedelta(seconds=1)

    second = PipelineWorker(runtime)
    assert second.load_radar() == saved.series
    assert second.save_radar() == saved.series


def test_an_unreadable_snapshot_leaves_a_fresh_radar_and_the_pipeline_running(
    runtime: Runtime, clock: FrozenClock
) -> None:
    with runtime.sessions.begin() as session:
        session.add(RadarSnapshot(name="pipeline", saved_at=clock.now(), series=3, body=b"garbage"))
    worker = PipelineWorker(runtime)
    append_posts(runtime.log, _posts(0, 10, clock))
    worker.drain()
    assert worker.totals.stored == 10
    with runtime.sessions() as session:
        assert session.scalars(select(RadarSnapshot)).one().body != b"garbage", "drain saved a fresh state"


def test_saving_can_be_turned_off(db_url: str, clock: FrozenClock) -> None:
    rt = build_runtime(Settings(database_url=db_url, radar_snapshot_s=0, _env_file=None), clock=clock)
    try:
        append_posts(rt.log, _posts(0, 10, clock))
        PipelineWorker(rt).drain()
        with rt.sessions() as session:
            assert session.scalar(select(RadarSnapshot)) is None
    finally:
        rt.close()
