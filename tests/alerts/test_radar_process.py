"""HEARD_RADAR_MODE=separate: pipeline workers share the posts and hand what they stored to one radar process,
which sees every post of every series, raises the pile-on once and tops the inbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from heard.alerts.models import Alert, RadarSnapshot
from heard.app import Runtime, build_runtime
from heard.cli import build
from heard.clock import FrozenClock
from heard.commands.demo import sample_path
from heard.conversations.models import PostRecord
from heard.events import JUDGED_TOPIC, POSTS_TOPIC
from heard.inbox.queries import InboxFilter, list_conversations
from heard.ingest.models import DeadLetter
from heard.pipeline.detect import Detect
from heard.posts import RawPost
from heard.settings import Settings
from heard.stream.base import OutMessage
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker
from heard.workers.radar import RadarWorker
from heard.workers.staged_pileon import pileon_replies


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    settings = Settings(database_url=db_url, batch_size=200, radar_mode="separate", _env_file=None)
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.close()


def _share(workers: list[PipelineWorker]) -> int:
    """Let the workers take batches in turn until the log is empty, as competing processes would."""
    taken = 0
    while True:
        round_taken = sum(w.run_once() for w in workers)
        taken += round_taken
        if not round_taken:
            return taken


def test_two_workers_and_one_radar_raise_the_pileon_once(runtime: Runtime) -> None:
    _two_workers_and_one_radar(runtime)


@pytest.mark.nats
def test_the_same_over_nats_jetstream(tmp_path: Path) -> None:
    """The cluster's configuration: the workers and the radar meet on JetStream."""
    from tests.contract.test_event_log import NATS_URL, nats_reachable

    if not nats_reachable():
        pytest.skip(f"no NATS server at {NATS_URL}")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'heard.db'}",
        event_log="nats",
        nats_url=NATS_URL,
        nats_prefix=f"r{uuid.uuid4().hex[:10]}",
        batch_size=200,
        radar_mode="separate",
        _env_file=None,
    )
    rt = build_runtime(settings)
    try:
        _two_workers_and_one_radar(rt)
    finally:
        rt.log.delete_streams()  # type: ignore[attr-defined]
        rt.close()


def _two_workers_and_one_radar(runtime: Runtime) -> None:
    import_file(runtime, sample_path(), "twcs", limit=800)
    workers = [PipelineWorker(runtime), PipelineWorker(runtime)]
    assert not any(isinstance(s, Detect) for s in workers[0].stages), "separate mode: no radar in the workers"
    _share(workers)
    assert all(w.totals.batches > 0 for w in workers), "both workers took a share"
    with runtime.sessions() as session:
        stored = session.scalar(select(func.count()).select_from(PostRecord))
        complaint = session.scalars(
            select(PostRecord).where(PostRecord.is_brand.is_(False), PostRecord.in_reply_to.is_(None)).limit(1)
        ).one()
        latest = session.scalar(select(func.max(PostRecord.created_at)))
        assert session.scalar(select(func.count()).select_from(Alert)) == 0
    assert latest is not None
    assert runtime.log.lag(JUDGED_TOPIC, "radar") == stored, "every stored post was handed to the radar"

    radar = RadarWorker(runtime)
    radar.drain()
    assert radar.observed == stored
    with runtime.sessions() as session:
        alerts_before = session.scalar(select(func.count()).select_from(Alert)) or 0
        assert session.get(RadarSnapshot, "radar") is not None, "the radar process saves its own state"

    start = latest + timedelta(minutes=1)
    if isinstance(runtime.clock, FrozenClock):
        runtime.clock.set(start)  # the sample's own time: the pile-on is news, the sample history
    else:
        start = runtime.clock.now()
    pile = pileon_replies(complaint, start)[:6]
    _pile_onto_both(runtime, workers, pile)
    radar.drain()
    with runtime.sessions() as session:
        new = session.scalars(select(Alert).order_by(Alert.id).offset(alerts_before)).all()
        thread = f"thread:{complaint.network}:{complaint.external_id}"
        assert [a.series_key for a in new if a.kind == "pileon"] == [thread], "one pile-on alert, on that thread"
        alert = next(a for a in new if a.kind == "pileon")
        assert alert.conversation_id == complaint.conversation_id
        top = list_conversations(session, InboxFilter(status="open")).conversations[0]
        assert top.id == complaint.conversation_id


def _pile_onto_both(runtime: Runtime, workers: list[PipelineWorker], pile: list[RawPost]) -> None:
    """The pile-on arrives in pairs taken by the two workers in turn: of four replies each stores two, fewer
    than the three new people a thread needs."""
    for i in range(0, len(pile), 2):
        runtime.log.append(POSTS_TOPIC, [OutMessage(p.key, p.to_json(), p.key) for p in pile[i : i + 2]])
        workers[(i // 2) % 2].run_once()


@pytest.mark.parametrize("n_workers", [1, 2])
def test_inline_radars_split_over_workers_miss_a_pileon_one_catches(
    tmp_path: Path, clock: FrozenClock, n_workers: int
) -> None:
    """Why the separate mode exists: a pile-on one inline radar catches, split over two, raises nothing."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/inline.db", batch_size=200, _env_file=None)
    rt = build_runtime(settings, clock=clock)
    try:
        root = RawPost("x", "root", "c1", "cat", "@acme my order never came and nobody answers", clock.now())
        rt.log.append(POSTS_TOPIC, [OutMessage(root.key, root.to_json(), root.key)])
        workers = [PipelineWorker(rt) for _ in range(n_workers)]
        _share(workers)
        start = clock.now() + timedelta(minutes=1)
        pile = [
            RawPost(
                "x", f"pile-{i}", f"s{i}", f"s{i}", "same here", start + timedelta(seconds=6 * i), in_reply_to="root"
            )
            for i in range(4)
        ]
        _pile_onto_both(rt, [workers[0], workers[-1]], pile)
        with rt.sessions() as session:
            kinds = session.scalars(select(Alert.kind)).all()
        assert ("pileon" in kinds) is (n_workers == 1)
    finally:
        rt.close()


def test_a_judged_post_that_does_not_decode_is_a_dead_letter(runtime: Runtime, clock: FrozenClock) -> None:
    good = RawPost("x", "1", "a1", "ann", "@acme my parcel is late", clock.now())
    runtime.log.append(POSTS_TOPIC, [OutMessage(good.key, good.to_json(), good.key)])
    PipelineWorker(runtime).drain()
    runtime.log.append(JUDGED_TOPIC, [OutMessage("bad", b'{"raw": 3}', "bad"), OutMessage("worse", b"\xff", "")])
    radar = RadarWorker(runtime)
    assert radar.drain() == 3
    assert radar.observed == 1
    assert runtime.log.lag(JUDGED_TOPIC, "radar") == 0
    with runtime.sessions() as session:
        dead = session.scalars(select(DeadLetter).where(DeadLetter.source == f"log:{JUDGED_TOPIC}")).all()
        assert len(dead) == 2


def test_the_radar_command_refuses_inline_mode(db_url: str) -> None:
    result = CliRunner().invoke(build(), ["radar"], env={"HEARD_DATABASE_URL": db_url, "HEARD_RADAR_MODE": "inline"})
    assert result.exit_code != 0
    assert "separate" in result.output


def test_one_radar_watches_at_a_time_and_another_takes_over(runtime: Runtime, clock: FrozenClock) -> None:
    def post(n: int) -> RawPost:
        clock.advance(5)
        return RawPost("x", f"p{n}", f"a{n}", f"a{n}", f"@acme parcel {n} is late", clock.now())

    worker = PipelineWorker(runtime)
    runtime.log.append(POSTS_TOPIC, [OutMessage(p.key, p.to_json(), p.key) for p in map(post, range(3))])
    worker.drain()
    first, second = RadarWorker(runtime, holder="first"), RadarWorker(runtime, holder="second")
    assert first.run_once() == 3
    runtime.log.append(POSTS_TOPIC, [OutMessage(p.key, p.to_json(), p.key) for p in map(post, range(3, 5))])
    worker.drain()
    assert second.run_once() == 0, "the first radar holds the lease"
    assert runtime.log.lag(JUDGED_TOPIC, "radar") == 2

    clock.advance(31)  # the first radar died: its lease runs out, and the second takes over from its state
    assert second.run_once() == 2
    assert first.run_once() == 0, "a radar that lost its lease waits"
    second.stop()  # a clean stop gives the lease up: the waiting radar's next try (a third of a lease) takes it
    clock.advance(11)
    assert first.holds_lease()
    with runtime.sessions() as session:
        assert session.get(RadarSnapshot, "radar") is not None
