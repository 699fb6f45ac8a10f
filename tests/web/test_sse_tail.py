"""The process's one reader of the event log (heard.web.sse.SharedTail): streams are served what it holds, and
read the log themselves when they are behind it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import anyio
import pytest

from heard.clock import FrozenClock
from heard.events import ConversationUpdated
from heard.stream.base import EventLog, Record
from heard.stream.memory import MemoryLog
from heard.web.sse import SharedTail, StreamOptions, event_stream

from .factories import publish
from .test_sse import _run

FAST = StreamOptions(poll_s=0.01, heartbeat_s=5, retry_ms=100, max_age_s=5)


class CountingLog(MemoryLog):
    """A memory log that counts its reads."""

    def __init__(self, clock: FrozenClock) -> None:
        super().__init__(clock)
        self.reads = 0

    def read(self, topic: str, after: int = 0, limit: int = 1000) -> list[Record]:
        self.reads += 1
        return super().read(topic, after=after, limit=limit)


@pytest.fixture
def closing() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def _until(condition: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


def _offsets(records: list[Record] | None) -> list[int]:
    assert records is not None
    return [r.offset for r in records]


def test_the_tail_holds_what_came_after_it_started(clock: FrozenClock, closing: threading.Event) -> None:
    log = MemoryLog(clock)
    before = publish(log, ConversationUpdated(1))[0]
    tail = SharedTail(log, closing, poll_s=0.005)
    assert tail.read(0) is None  # not started: nothing held
    tail.start()
    assert tail.read(before or 0) == []
    assert tail.read((before or 0) - 1) is None  # the record before it started: read the log
    new = [o for o in publish(log, ConversationUpdated(2), ConversationUpdated(3)) if o is not None]
    _until(lambda: tail.read(before or 0) != [])
    assert _offsets(tail.read(before or 0)) == new
    assert _offsets(tail.read(new[0])) == new[1:]
    assert tail.read(new[1]) == []


def test_the_tail_keeps_only_the_newest_records(clock: FrozenClock, closing: threading.Event) -> None:
    log = MemoryLog(clock)
    tail = SharedTail(log, closing, poll_s=0.005, keep=3)
    tail.start()
    offsets = [o for o in publish(log, *(ConversationUpdated(i) for i in range(1, 8))) if o is not None]
    _until(lambda: bool(tail.read(offsets[-1] - 1)))
    assert tail.read(offsets[0]) is None  # dropped: the stream reads the log
    assert _offsets(tail.read(offsets[-3])) == offsets[-2:]


def test_many_streams_share_one_reader(clock: FrozenClock, closing: threading.Event) -> None:
    log = CountingLog(clock)
    tail = SharedTail(log, closing, poll_s=0.01)
    tail.start()
    head = log.head("events")

    async def main() -> list[list[str]]:
        results: list[list[str]] = []

        async def one() -> None:
            got: list[str] = []
            with anyio.fail_after(5):
                async for chunk in event_stream(log, head, closing, None, FAST, tail=tail):
                    got.append(chunk)
                    if len(got) == 2:
                        break
            results.append(got)

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(one)
            await anyio.sleep(0.1)
            publish(log, ConversationUpdated(5))
        return results

    reads_before = log.reads
    results = _run(main)
    assert len(results) == 20
    assert all("event: inbox" in got[1] for got in results)
    # 20 streams polled every 10 ms for over 100 ms; the log was read by the tail alone, about once a poll
    assert log.reads - reads_before < 60


def test_a_stream_behind_the_tail_reads_the_log(clock: FrozenClock, closing: threading.Event) -> None:
    log: EventLog = MemoryLog(clock)
    old = publish(log, ConversationUpdated(9))[0] or 0
    tail = SharedTail(log, closing, poll_s=0.005)
    tail.start()

    async def main() -> list[str]:
        got: list[str] = []
        with anyio.fail_after(5):
            async for chunk in event_stream(log, old - 1, closing, None, FAST, tail=tail):
                got.append(chunk)
                if len(got) == 2:
                    break
        return got

    _retry, message = _run(main)
    assert f"id: {old}" in message
