"""The event log interface every backend implements, and passes `tests/contract/test_event_log.py` for.

To add a backend, implement `EventLog`:
- `append` stores messages in order and returns each one's offset; a message whose id the topic has already
  seen is not stored again and gets None (dedupe by id, so a producer may retry freely);
- `read` replays a topic from any offset, with no consumer state;
- `consume` hands a consumer group the records it has not acknowledged yet: first those delivered more than
  `ack_wait` seconds ago without an ack (redelivery, with `deliveries` counting up), then new ones in order;
- `ack` marks records done for a group; `seek` restarts a group after an offset (replay).
Offsets grow with every append to a topic; they need not be contiguous.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from heard.events import EVENTS_TOPIC, POSTS_TOPIC, Event
from heard.posts import RawPost


@dataclass(frozen=True, slots=True)
class OutMessage:
    id: str
    payload: bytes
    key: str = ""


@dataclass(frozen=True, slots=True)
class Record:
    topic: str
    offset: int
    id: str
    key: str
    payload: bytes
    deliveries: int = 1


class EventLog(Protocol):
    def append(self, topic: str, messages: Sequence[OutMessage]) -> list[int | None]: ...

    def read(self, topic: str, after: int = 0, limit: int = 100) -> list[Record]: ...

    def consume(self, topic: str, group: str, limit: int = 100) -> list[Record]: ...

    def ack(self, topic: str, group: str, offsets: Iterable[int]) -> None: ...

    def seek(self, topic: str, group: str, after: int) -> None: ...

    def head(self, topic: str) -> int:
        """The newest offset in the topic, 0 when it is empty."""
        ...

    def lag(self, topic: str, group: str) -> int:
        """Records the group has not acknowledged yet (delivered or not)."""
        ...

    def close(self) -> None: ...


#: What an erased record's payload becomes (a privacy erasure, heard.privacy): a record that decodes as an event
#: nobody listens to, and that the pipeline sets aside as a dead letter if it was still waiting to be read.
ERASED_PAYLOAD = b'{"name":"erased","data":{}}'


def payload_holds(payload: bytes, lowered: Sequence[str]) -> bool:
    """Whether a payload holds one of the (lower-case) needles, as written or once its JSON escapes are read."""
    text = payload.decode("utf-8", errors="replace")
    if "\\" in text:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    low = text.lower()
    return any(n in low for n in lowered)


def publish_events(log: EventLog, events: Sequence[Event]) -> None:
    """Domain events onto the events topic, each under a fresh id. Call it after the commit that caused them,
    never before: a page that refreshes on the event must find the change already there."""
    if events:
        log.append(EVENTS_TOPIC, [OutMessage(uuid.uuid4().hex, e.to_json()) for e in events])


def append_posts(log: EventLog, posts: Sequence[RawPost]) -> list[int | None]:
    """Raw posts onto the posts topic under their post key as message id, so a post offered twice (a redelivered
    webhook, a re-read page, a re-import) is stored on the log once; None marks those already there."""
    if not posts:
        return []
    return log.append(POSTS_TOPIC, [OutMessage(p.key, p.to_json(), p.key) for p in posts])
