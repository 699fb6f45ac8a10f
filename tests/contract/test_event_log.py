"""The contract every event log backend passes (memory, SQL on SQLite, SQL on PostgreSQL; NATS later)."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from heard.clock import FrozenClock
from heard.db.engine import make_engine
from heard.db.migrate import upgrade
from heard.stream.base import EventLog, OutMessage, Record
from heard.stream.memory import MemoryLog
from heard.stream.sql_log import SqlLog
from tests.conftest import database_url

ACK_WAIT = 30.0
NATS_URL = os.environ.get("HEARD_TEST_NATS_URL", "nats://127.0.0.1:4222")
NATS_ACK_WAIT = 3.0  # JetStream keeps real time: the contract's 30 s become 3 s there


def nats_reachable() -> bool:
    host, _, port = NATS_URL.rpartition("/")[2].partition(":")
    try:
        socket.create_connection((host, int(port or 4222)), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def advance(request: pytest.FixtureRequest, clock: FrozenClock) -> Callable[[float], None]:
    """Move time for the backend under test: the frozen clock, or real time scaled down for JetStream."""
    if "nats" in request.node.callspec.id:
        return lambda seconds: time.sleep(seconds * NATS_ACK_WAIT / ACK_WAIT)
    return clock.advance


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("nats", marks=pytest.mark.nats),
    ]
)
def log(request: pytest.FixtureRequest, clock: FrozenClock, tmp_path: Path) -> Iterator[EventLog]:
    if request.param == "memory":
        yield MemoryLog(clock, ACK_WAIT)
        return
    if request.param == "nats":
        if not nats_reachable():
            pytest.skip(f"no NATS server at {NATS_URL}")
        from heard.stream.nats import NatsLog

        nats_log = NatsLog(NATS_URL, prefix=f"t{uuid.uuid4().hex[:10]}", ack_wait_s=NATS_ACK_WAIT)
        yield nats_log
        nats_log.delete_streams()
        nats_log.close()
        return
    with database_url(request.param, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        yield SqlLog(engine, clock, ACK_WAIT)
        engine.dispose()


def consume_all(log: EventLog, topic: str, group: str, limit: int = 100) -> list[Record]:
    """Everything the group can have now. A consume may return part of a batch (a broker hands over what it
    has at that instant), so a caller that wants all of them asks again until nothing comes."""
    got: list[Record] = []
    for _ in range(5):
        batch = log.consume(topic, group, limit - len(got))
        if not batch:
            break
        got.extend(batch)
        if len(got) >= limit:
            break
    return got


def msgs(*ids: str) -> list[OutMessage]:
    return [OutMessage(i, f"payload-{i}".encode(), key=f"k{i}") for i in ids]


def test_append_returns_increasing_offsets(log: EventLog) -> None:
    offsets = log.append("t", msgs("a", "b", "c"))
    assert all(o is not None for o in offsets)
    assert offsets == sorted(offsets)  # type: ignore[type-var]
    assert log.head("t") == offsets[-1]


def test_duplicate_ids_are_stored_once(log: EventLog) -> None:
    first = log.append("t", msgs("a", "b"))
    again = log.append("t", msgs("b", "c", "c"))
    assert again[0] is None
    assert again[1] is not None
    assert again[2] is None
    assert [r.id for r in log.read("t")] == ["a", "b", "c"]
    assert first[0] is not None


def test_same_id_on_two_topics_is_two_messages(log: EventLog) -> None:
    log.append("t1", msgs("a"))
    assert log.append("t2", msgs("a"))[0] is not None


def test_consume_in_order_from_the_start(log: EventLog) -> None:
    log.append("t", msgs("a", "b", "c"))
    got = consume_all(log, "t", "g", limit=2)
    assert [(r.id, r.payload, r.key, r.deliveries) for r in got] == [
        ("a", b"payload-a", "ka", 1),
        ("b", b"payload-b", "kb", 1),
    ]
    assert [r.id for r in consume_all(log, "t", "g", limit=10)] == ["c"]
    assert log.consume("t", "g") == []


def test_groups_are_independent(log: EventLog) -> None:
    log.append("t", msgs("a", "b"))
    assert len(consume_all(log, "t", "g1")) == 2
    assert len(consume_all(log, "t", "g2")) == 2


def test_acked_records_are_not_redelivered(log: EventLog, advance: Callable[[float], None]) -> None:
    log.append("t", msgs("a", "b"))
    got = consume_all(log, "t", "g")
    log.ack("t", "g", [r.offset for r in got])
    advance(ACK_WAIT * 2)
    assert log.consume("t", "g") == []
    assert log.lag("t", "g") == 0


def test_unacked_records_are_redelivered_after_ack_wait(log: EventLog, advance: Callable[[float], None]) -> None:
    log.append("t", msgs("a", "b", "c"))
    got = consume_all(log, "t", "g")
    log.ack("t", "g", [got[1].offset])
    advance(ACK_WAIT * 0.4)
    assert log.consume("t", "g") == []  # not yet
    advance(ACK_WAIT)
    again = consume_all(log, "t", "g")
    assert [(r.id, r.deliveries) for r in again] == [("a", 2), ("c", 2)]
    assert log.lag("t", "g") == 2


def test_redelivered_come_before_new(log: EventLog, advance: Callable[[float], None]) -> None:
    log.append("t", msgs("a"))
    log.consume("t", "g")
    log.append("t", msgs("b"))
    advance(ACK_WAIT * 1.5)
    assert [r.id for r in consume_all(log, "t", "g")] == ["a", "b"]


def test_read_replays_from_any_offset_without_consuming(log: EventLog) -> None:
    offsets = log.append("t", msgs("a", "b", "c"))
    assert [r.id for r in log.read("t", after=offsets[0] or 0)] == ["b", "c"]
    assert [r.id for r in log.read("t", after=0, limit=1)] == ["a"]
    assert len(consume_all(log, "t", "g")) == 3  # reading did not move the group


def test_seek_replays_a_group(log: EventLog) -> None:
    offsets = log.append("t", msgs("a", "b", "c"))
    got = consume_all(log, "t", "g")
    log.ack("t", "g", [r.offset for r in got])
    log.seek("t", "g", offsets[0] or 0)
    assert [r.id for r in consume_all(log, "t", "g")] == ["b", "c"]
    log.seek("t", "g", 0)
    assert [r.id for r in consume_all(log, "t", "g")] == ["a", "b", "c"]


def test_lag_counts_undelivered_and_unacked(log: EventLog) -> None:
    log.append("t", msgs("a", "b", "c"))
    assert log.lag("t", "g") == 3
    got = log.consume("t", "g", limit=1)
    assert log.lag("t", "g") == 3
    log.ack("t", "g", [got[0].offset])
    assert log.lag("t", "g") == 2


def test_empty_topic(log: EventLog) -> None:
    assert log.head("nothing") == 0
    assert log.read("nothing") == []
    assert log.consume("nothing", "g") == []
    assert log.append("t", []) == []


def test_binary_payloads_survive(log: EventLog) -> None:
    payload = bytes(range(256)) * 4
    log.append("t", [OutMessage("bin", payload)])
    assert log.read("t")[0].payload == payload
