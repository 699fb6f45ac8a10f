"""An in-memory event log: the reference behaviour, for tests and throwaway runs."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from heard.clock import Clock, SystemClock
from heard.stream.base import ERASED_PAYLOAD, OutMessage, Record, payload_holds


@dataclass
class _Group:
    fetched_upto: int = 0
    pending: dict[int, tuple[float, int]] = field(default_factory=dict)  # offset -> (delivered_at, deliveries)


class MemoryLog:
    def __init__(self, clock: Clock | None = None, ack_wait_s: float = 30.0) -> None:
        self._clock = clock or SystemClock()
        self._ack_wait = ack_wait_s
        self._lock = threading.Lock()
        self._records: dict[str, list[Record]] = {}
        self._ids: dict[str, set[str]] = {}
        self._groups: dict[tuple[str, str], _Group] = {}
        self._next = 1

    def append(self, topic: str, messages: Sequence[OutMessage]) -> list[int | None]:
        with self._lock:
            records = self._records.setdefault(topic, [])
            ids = self._ids.setdefault(topic, set())
            out: list[int | None] = []
            for message in messages:
                if message.id in ids:
                    out.append(None)
                    continue
                ids.add(message.id)
                records.append(Record(topic, self._next, message.id, message.key, message.payload))
                out.append(self._next)
                self._next += 1
            return out

    def read(self, topic: str, after: int = 0, limit: int = 100) -> list[Record]:
        with self._lock:
            return [r for r in self._records.get(topic, []) if r.offset > after][:limit]

    def consume(self, topic: str, group: str, limit: int = 100) -> list[Record]:
        with self._lock:
            state = self._groups.setdefault((topic, group), _Group())
            now = self._clock.monotonic()
            by_offset = {r.offset: r for r in self._records.get(topic, [])}
            out: list[Record] = []
            for offset in sorted(state.pending):
                delivered_at, deliveries = state.pending[offset]
                if len(out) >= limit:
                    break
                if now - delivered_at >= self._ack_wait:
                    state.pending[offset] = (now, deliveries + 1)
                    out.append(replace(by_offset[offset], deliveries=deliveries + 1))
            for record in self._records.get(topic, []):
                if len(out) >= limit:
                    break
                if record.offset > state.fetched_upto:
                    state.pending[record.offset] = (now, 1)
                    state.fetched_upto = record.offset
                    out.append(record)
            return out

    def ack(self, topic: str, group: str, offsets: Iterable[int]) -> None:
        with self._lock:
            state = self._groups.setdefault((topic, group), _Group())
            for offset in offsets:
                state.pending.pop(offset, None)

    def seek(self, topic: str, group: str, after: int) -> None:
        with self._lock:
            self._groups[(topic, group)] = _Group(fetched_upto=after)

    def head(self, topic: str) -> int:
        with self._lock:
            records = self._records.get(topic, [])
            return records[-1].offset if records else 0

    def lag(self, topic: str, group: str) -> int:
        with self._lock:
            state = self._groups.get((topic, group), _Group())
            new = sum(1 for r in self._records.get(topic, []) if r.offset > state.fetched_upto)
            return new + len(state.pending)

    def erase_matching(self, needles: Sequence[str]) -> int:
        """As `SqlLog.erase_matching`: records holding a needle keep their offset and id, not their payload."""
        lowered = [n.lower() for n in needles if n]
        changed = 0
        with self._lock:
            for records in self._records.values():
                for index, record in enumerate(records):
                    if lowered and record.payload != ERASED_PAYLOAD and payload_holds(record.payload, lowered):
                        records[index] = replace(record, payload=ERASED_PAYLOAD)
                        changed += 1
        return changed

    def close(self) -> None:
        return None
