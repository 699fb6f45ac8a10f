"""The scheduler runs each periodic job when it is due, and a failing job does not stop the others."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from heard.alerts.actions import create_rule, record_spikes
from heard.alerts.models import AlertDelivery
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.radar.spike import Spike
from heard.settings import Settings
from heard.workers.scheduler import Job, Scheduler
from tests.fakes.webhook_receiver import receiving


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 'heard.db'}", _env_file=None))
    yield rt
    rt.close()


def test_jobs_run_when_due_on_a_real_store(runtime: Runtime) -> None:
    scheduler = Scheduler(runtime, regroup_every_s=600, notify_every_s=30)
    every = ["notify alerts", "regroup incidents", "prune event log", "check in on resolved complaints"]
    assert scheduler.run_due(1000.0) == every  # empty store: all succeed
    assert scheduler.run_due(1010.0) == []
    assert scheduler.run_due(1031.0) == ["notify alerts"]
    assert scheduler.run_due(1601.0) == ["notify alerts", "regroup incidents", "check in on resolved complaints"]
    assert scheduler.run_due(4601.0) == every


def test_a_failing_job_does_not_stop_the_others(runtime: Runtime) -> None:
    scheduler = Scheduler(runtime)

    def broken() -> object:
        raise RuntimeError("boom")

    scheduler.jobs.insert(0, Job("broken", 10, broken))
    every = ["notify alerts", "regroup incidents", "prune event log", "check in on resolved complaints"]
    assert scheduler.run_due(0.0) == every


def test_the_notify_job_delivers_alerts_and_retries_them_on_its_next_round(tmp_path: Path) -> None:
    clock = FrozenClock()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'heard.db'}", _env_file=None)
    with build_runtime(settings, clock) as runtime, receiving([503]) as receiver:
        with runtime.sessions.begin() as session:
            create_rule(session, "all", clock.now(), targets=[{"kind": "webhook", "url": receiver.url}])
            spike = Spike("volume", "brand:acme", clock.now(), clock.now(), 40.0, 4.0, 0.999, 0.6, False, ("x:1",))
            record_spikes(session, [spike], clock.now())
        scheduler = Scheduler(runtime, notify_every_s=30)
        scheduler.run_due(0.0)
        clock.advance(30)
        scheduler.run_due(30.0)
        with runtime.sessions() as session:
            [delivery] = session.scalars(select(AlertDelivery)).all()
    assert len(receiver.requests) == 2
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
