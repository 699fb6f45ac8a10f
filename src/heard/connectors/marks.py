"""High-water marks: the cursor shape for networks that can only be asked "what is newest".

A mark is the newest creation time seen plus the ids seen at exactly that time. An item is new when it is
younger than the mark, or as old and not among those ids; so a restart neither skips an item that shares a
second with the last one read (no gap) nor reads that last one again (no duplicate).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_MAX_IDS = 20


@dataclass(frozen=True, slots=True)
class Mark:
    time: float = 0.0
    ids: tuple[str, ...] = ()

    def is_new(self, time: float, item_id: str) -> bool:
        return time > self.time or (time == self.time and item_id not in self.ids)

    def advance(self, items: Iterable[tuple[float, str]]) -> Mark:
        best_time, ids = self.time, list(self.ids)
        for time, item_id in items:
            if time > best_time:
                best_time, ids = time, [item_id]
            elif time == best_time and item_id not in ids:
                ids.append(item_id)
        return Mark(best_time, tuple(ids[-_MAX_IDS:]))

    def to_json(self) -> list[Any]:
        return [self.time, list(self.ids)]

    @classmethod
    def from_json(cls, value: Any) -> Mark:
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int | float):
            return cls(float(value[0]), tuple(str(i) for i in value[1] if isinstance(i, str | int)))
        return cls()


def load_cursor(cursor: str | None) -> dict[str, Any]:
    """A compound cursor (one entry per feed the connector reads); a broken cursor starts afresh."""
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def dump_cursor(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=True)
