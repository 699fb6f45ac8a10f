"""Live updates: a Server-Sent Events stream that tails the "events" topic of the event log.

Workers append domain events to the log after each commit, so this works across processes. The stream polls
for what is new (from the process's `SharedTail`, or the log itself in a thread when it is behind the tail),
folds everything new into one message per poll, and uses the
log offset of the last record as the SSE id: a browser that reconnects sends it back as Last-Event-ID and
misses nothing. Messages are refresh signals ("the inbox changed", "this conversation changed"), so folding a
burst of thousands of events into one keeps a replay from flooding the browser with requests.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import anyio
import structlog
from anyio import to_thread

from heard.events import EVENTS_TOPIC, decode_event
from heard.stream.base import EventLog, Record

READ_PAGE = 1000
_log = structlog.get_logger(__name__)
#: At most this many pages are read per poll; a client far behind catches up over several polls.
MAX_PAGES_PER_POLL = 20


@dataclass(frozen=True, slots=True)
class StreamOptions:
    poll_s: float = 0.5
    heartbeat_s: float = 15.0
    retry_ms: int = 2000
    #: A stream ends after this long and the browser reconnects with Last-Event-ID: a server run without
    #: heard.web.server still gets its connections back eventually, and proxies never see an endless response.
    max_age_s: float = 600.0
    #: How often a conversation stream looks for colleagues on the same conversation, and refreshes its own
    #: presence (which counts for heard.inbox.presence.VIEWING_FOR seconds).
    presence_check_s: float = 1.0
    presence_beat_s: float = 5.0


class PresenceFeed(Protocol):
    """Presence of the agent behind one conversation stream (see heard.web.presence)."""

    def beat(self) -> None: ...

    def snapshot(self) -> str:
        """The collision warning as one line of HTML (empty element when nobody else is there)."""
        ...

    def leave(self) -> None: ...


class _PresenceWatcher:
    def __init__(self, feed: PresenceFeed, options: StreamOptions) -> None:
        self.feed = feed
        self.options = options
        self.since_beat = self.since_check = float("inf")
        self.shown: str | None = None

    async def tick(self, elapsed: float) -> str | None:
        """An SSE message when the warning changed. Presence messages carry no id: they are not log records."""
        self.since_beat += elapsed
        self.since_check += elapsed
        if self.since_beat >= self.options.presence_beat_s:
            self.since_beat = 0.0
            await to_thread.run_sync(self.feed.beat)
        if self.since_check < self.options.presence_check_s:
            return None
        self.since_check = 0.0
        html = (await to_thread.run_sync(self.feed.snapshot)).replace("\r", " ").replace("\n", " ")
        if html == self.shown:
            return None
        self.shown = html
        return f"event: presence\ndata: {html}\n\n"


@dataclass(frozen=True, slots=True)
class Batch:
    offset: int
    names: Counter[str]
    conversations: frozenset[int]


#: Conversations one `inbox` message names at most (about 6 KB of ids).
MAX_NAMED = 1000


def summarise(records: Sequence[Record]) -> Batch:
    names: Counter[str] = Counter()
    conversations: set[int] = set()
    for record in records:
        try:
            name, data = decode_event(record.payload)
        except (ValueError, KeyError, TypeError):
            names["unreadable"] += 1
            continue
        names[name] += 1
        conversations.update(_conversation_ids(data))
    return Batch(records[-1].offset, names, frozenset(conversations))


def _conversation_ids(data: dict[str, object]) -> list[int]:
    """Events name one conversation (`conversation_id`) or a batch of them (`conversation_ids`)."""
    found = [data.get("conversation_id")]
    many = data.get("conversation_ids")
    if isinstance(many, list):
        found.extend(many)
    return [c for c in found if isinstance(c, int) and not isinstance(c, bool)]


class SharedTail:
    """One reader of the "events" topic for every stream of this process. It reads the log every `poll_s` in a
    thread of its own and keeps the newest `keep` records; a stream asks it for what is newer than its offset
    instead of reading the log itself, so a hundred open pages cost one log read a poll, not a hundred. A stream
    behind what it holds (a browser resuming from long ago, or from before this process started reading) gets
    None and reads the log as before. Started on the first stream; ends when `closing` is set."""

    def __init__(self, log: EventLog, closing: threading.Event, poll_s: float = 0.5, keep: int = 10_000) -> None:
        self.log = log
        self.closing = closing
        self.poll_s = poll_s
        self.keep = keep
        self._lock = threading.Lock()
        self._records: list[Record] = []
        #: Every record after this offset is held (None until the reader has started).
        self._held_after: int | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._held_after = self.log.head(EVENTS_TOPIC)
            self._thread = threading.Thread(target=self._run, name="heard-sse-tail", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        last = self._held_after or 0
        while not self.closing.is_set():
            try:
                records = read_new(self.log, last)
            except Exception:
                _log.warning("sse.tail_read_failed", after=last, exc_info=True)
                self.closing.wait(self.poll_s)
                continue
            if records:
                last = records[-1].offset
                with self._lock:
                    self._records.extend(records)
                    if len(self._records) > 2 * self.keep:
                        self._records = self._records[-self.keep :]
                        self._held_after = self._records[0].offset - 1
            if len(records) < READ_PAGE * MAX_PAGES_PER_POLL:
                self.closing.wait(self.poll_s)

    def read(self, after: int) -> list[Record] | None:
        """The held records newer than `after` (at most what one poll of a stream would read), or None when
        records after `after` may be missing here."""
        with self._lock:
            if self._held_after is None or after < self._held_after:
                return None
            start = bisect.bisect_right(self._records, after, key=lambda r: r.offset)
            return self._records[start : start + READ_PAGE * MAX_PAGES_PER_POLL]


def read_new(log: EventLog, after: int) -> list[Record]:
    out: list[Record] = []
    for _ in range(MAX_PAGES_PER_POLL):
        page = log.read(EVENTS_TOPIC, after=after, limit=READ_PAGE)
        out.extend(page)
        if len(page) < READ_PAGE:
            break
        after = page[-1].offset
    return out


def format_message(batch: Batch, conversation: int | None) -> str:
    """`inbox` for the queue (every page shows one: the workspace counts it as "N new" and swaps nothing), then,
    on a page with a conversation selected, `conversation` when that one changed."""
    named = sorted(batch.conversations)
    # The workspace asks which of these its view holds ("N new"), so a busy batch names the newest conversations
    # (the highest ids) first; `more` says how many older ones it left out.
    data: dict[str, object] = {"events": dict(batch.names), "conversations": named[-MAX_NAMED:]}
    if len(named) > MAX_NAMED:
        data["more"] = len(named) - MAX_NAMED
    out = f"id: {batch.offset}\nevent: inbox\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
    if conversation is not None and conversation in batch.conversations:
        out += f"id: {batch.offset}\nevent: conversation\ndata: {json.dumps({'conversation': conversation})}\n\n"
    return out


async def event_stream(
    log: EventLog,
    after: int,
    closing: threading.Event,
    conversation: int | None = None,
    options: StreamOptions | None = None,
    presence: PresenceFeed | None = None,
    tail: SharedTail | None = None,
) -> AsyncIterator[str]:
    """Runs until the client goes away (Starlette cancels it) or the server shuts down (`closing` is set). With
    `tail`, new records come from the process's shared reader while it holds them."""
    options = options or StreamOptions()
    watcher = _PresenceWatcher(presence, options) if presence is not None else None
    yield f"retry: {options.retry_ms}\n\n"
    idle = age = 0.0
    try:
        while not closing.is_set() and age < options.max_age_s:
            held = tail.read(after) if tail is not None else None
            records = held if held is not None else await to_thread.run_sync(read_new, log, after)
            if records:
                batch = summarise(records)
                after = batch.offset
                idle = 0.0
                yield format_message(batch, conversation)
            elif idle >= options.heartbeat_s:
                idle = 0.0
                yield ": keep-alive\n\n"
            if watcher is not None and (warning := await watcher.tick(options.poll_s)) is not None:
                yield warning
            await anyio.sleep(options.poll_s)
            idle += options.poll_s
            age += options.poll_s
    finally:
        if presence is not None:
            with anyio.CancelScope(shield=True):
                await to_thread.run_sync(presence.leave)


def start_offset(last_event_id: str | None, after: int | None, head: int) -> int:
    """Where a stream starts: the browser's Last-Event-ID when it reconnects, else the offset the page was
    rendered at, else now. Bad values fall back rather than fail: the worst case is one extra refresh."""
    for candidate in (last_event_id, after):
        if candidate is None:
            continue
        try:
            value = int(candidate)
        except (TypeError, ValueError):
            continue
        if 0 <= value <= head:
            return value
    return head
