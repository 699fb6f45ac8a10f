from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio
import httpx
import pytest

from heard.accounts.agents import add_agent
from heard.app import Runtime
from heard.clock import FrozenClock
from heard.events import ConversationUpdated, PostsStored
from heard.stream.memory import MemoryLog
from heard.web.app import create_app
from heard.web.sse import StreamOptions, event_stream, start_offset

from .conftest import PASSWORD
from .factories import publish
from .live import live_server, logged_in_client

T = TypeVar("T")
FAST = StreamOptions(poll_s=0.01, heartbeat_s=0.05, retry_ms=100, max_age_s=5)


async def _take(stream: AsyncIterator[str], count: int, timeout: float = 5) -> list[str]:
    out: list[str] = []
    with anyio.fail_after(timeout):
        async for chunk in stream:
            out.append(chunk)
            if len(out) == count:
                break
    return out


def _run(main: Callable[[], Awaitable[T]]) -> T:
    """anyio.run in a thread of its own: sync Playwright leaves an event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, main).result(timeout=30)


def _fields(chunk: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in chunk.strip().splitlines() if not line.startswith(":"))


def test_stream_folds_new_events_into_one_message_with_the_last_offset(clock: FrozenClock) -> None:
    log = MemoryLog(clock)
    publish(log, PostsStored(1, 1, (7,)), ConversationUpdated(7))
    offsets = publish(log, PostsStored(1, 1, (8, 9)), ConversationUpdated(8))

    async def main() -> list[str]:
        return await _take(event_stream(log, offsets[0] - 1, threading.Event(), None, FAST), 2)

    retry, message = _run(main)
    assert retry == "retry: 100\n\n"
    fields = _fields(message)
    assert fields["id"] == str(offsets[-1])
    assert fields["event"] == "inbox"
    data = json.loads(fields["data"])
    assert data == {"events": {"conversation.updated": 1, "posts.stored": 1}, "conversations": [8, 9]}


def test_conversation_stream_fires_only_for_its_conversation_but_counts_the_inbox(clock: FrozenClock) -> None:
    """The workspace shows the queue beside the conversation: every change is an `inbox` message (counted as
    "N new"), and only the selected conversation's changes add a `conversation` message."""
    log = MemoryLog(clock)
    closing = threading.Event()

    async def main() -> list[str]:
        stream = event_stream(log, 0, closing, 8, FAST)
        first = await _take(stream, 1)
        publish(log, ConversationUpdated(7))
        other = await _take(stream, 1)
        publish(log, ConversationUpdated(8))
        mine = await _take(stream, 1)
        return first + other + mine

    _, other, mine = _run(main)
    assert other.startswith("id: ")
    assert "event: inbox" in other
    assert "event: conversation" not in other
    inbox, conversation = mine.split("\n\n")[:2]
    assert _fields(inbox + "\n\n")["event"] == "inbox"
    assert _fields(conversation + "\n\n")["event"] == "conversation"
    assert int(_fields(conversation + "\n\n")["id"]) > int(_fields(other)["id"])


def test_stream_sends_heartbeats_and_ends_when_the_server_closes(clock: FrozenClock) -> None:
    log = MemoryLog(clock)
    closing = threading.Event()

    async def main() -> list[str]:
        chunks = []
        with anyio.fail_after(5):
            async for chunk in event_stream(log, 0, closing, None, FAST):
                chunks.append(chunk)
                if chunk.startswith(":"):
                    closing.set()
        return chunks

    chunks = _run(main)
    assert chunks[-1] == ": keep-alive\n\n"


def test_unreadable_events_do_not_break_the_stream(clock: FrozenClock) -> None:
    from heard.stream.base import OutMessage

    log = MemoryLog(clock)
    log.append("events", [OutMessage("junk", b"\xff not json")])

    async def main() -> list[str]:
        return await _take(event_stream(log, 0, threading.Event(), None, FAST), 2)

    _, message = _run(main)
    assert json.loads(_fields(message)["data"])["events"] == {"unreadable": 1}


@pytest.mark.parametrize(
    ("last_event_id", "after", "head", "expected"),
    [
        ("5", 3, 10, 5),
        (None, 3, 10, 3),
        (None, None, 10, 10),
        ("junk", 4, 10, 4),
        ("99", None, 10, 10),
        ("-1", None, 10, 10),
    ],
)
def test_start_offset(last_event_id: str | None, after: int | None, head: int, expected: int) -> None:
    assert start_offset(last_event_id, after, head) == expected


def test_http_stream_resumes_from_last_event_id_and_shutdown_is_prompt(runtime: Runtime) -> None:
    offsets = publish(runtime.log, ConversationUpdated(1), ConversationUpdated(2), ConversationUpdated(3))
    app = create_app(runtime)
    app.state.stream_options = FAST
    with runtime.sessions.begin() as session:
        add_agent(session, "sse@example.com", "viewer", runtime.clock.now(), PASSWORD)
    with live_server(app) as live:
        client = logged_in_client(live.url, "sse@example.com", PASSWORD)
        assert httpx.get(f"{live.url}/events").status_code == 401
        headers = {"Last-Event-ID": str(offsets[0])}
        with client.stream("GET", "/events", headers=headers) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            assert "default-src 'self'" in response.headers["content-security-policy"]
            chunks = response.iter_text()
            body = ""
            while "event: inbox" not in body:
                body += next(chunks)
            assert f"id: {offsets[-1]}" in body
            assert json.loads(body.split("data: ")[1].split("\n")[0])["conversations"] == [2, 3]
            started = time.monotonic()
            took = live.stop()
        assert not live.thread.is_alive()
        assert took < 3, f"shutdown waited {took:.1f}s for the open stream"
        assert time.monotonic() - started < 5
        client.close()


def test_a_busy_batch_names_the_newest_conversations_and_counts_the_rest() -> None:
    """The workspace asks which named conversations its view holds: the newest must never be the ones cut."""
    from heard.web.sse import MAX_NAMED, Batch, format_message

    batch = Batch(7, Counter({"PostsStored": 1}), frozenset(range(1, MAX_NAMED + 51)))
    data = json.loads(format_message(batch, None).split("data: ")[1].split("\n")[0])
    assert data["conversations"][-1] == MAX_NAMED + 50
    assert len(data["conversations"]) == MAX_NAMED
    assert data["more"] == 50
    small = json.loads(format_message(Batch(8, Counter(), frozenset({3, 2})), None).split("data: ")[1].split("\n")[0])
    assert small == {"events": {}, "conversations": [2, 3]}
