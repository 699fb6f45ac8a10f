"""The radar's memory as bytes, so a restarted worker picks up where it left off instead of warming up again.

A radar learns each series' rate and seasonality over hours and days; in memory only, every restart (a deploy,
a crash) would leave brands, hashtags and incidents blind for their hour of warm-up and forget the daily cycle.
`dump` writes the series (all but threads quiet for an hour, which are judged against a prior anyway), the
recent thread roots and the hashtag statistics as compressed JSON; `restore` loads them into a fresh radar.
It is the radar package's own persistence, so it reads the radar's private fields.

The encoding walks the detectors' slots generically, so it follows their fields as they change; what it cannot
follow it refuses: a snapshot whose classes had other fields, or whose arrays have other lengths (a changed
number of seasonal bins), is reported as incompatible and the radar starts fresh rather than misreading it.
"""

from __future__ import annotations

import json
import math
import zlib
from array import array
from collections import OrderedDict, deque
from datetime import datetime, timedelta
from typing import Any

from heard.radar.burst import BurstCounter
from heard.radar.hashtags import _TagStats
from heard.radar.pileon import ThreadPileOn
from heard.radar.radar import COUNT_CONFIG, Radar, _OpenSpike, _Series
from heard.radar.series import SeriesDetector

FORMAT = 1
#: Threads quiet for longer than this are left out: a thread is judged against a prior, not its own history.
THREAD_KEEP = timedelta(hours=1)
#: The most recent post -> thread-root links kept (the live map holds up to 200,000).
ROOTS_KEPT = 50_000

_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (BurstCounter, SeriesDetector, ThreadPileOn, _Series, _OpenSpike, _TagStats)
}


class IncompatibleSnapshot(ValueError):
    """The snapshot was written by a radar with other fields; it cannot be read safely."""


def _fresh(cls: type) -> Any:
    """An instance with every field at its constructor's value: the template a snapshot is checked against."""
    if cls is SeriesDetector:
        return SeriesDetector(COUNT_CONFIG)
    if cls is ThreadPileOn:
        return ThreadPileOn("")
    if cls is _OpenSpike:
        epoch = datetime.fromtimestamp(0)
        return _OpenSpike(epoch, epoch, 0.0)
    if cls is _TagStats:
        epoch = datetime.fromtimestamp(0)
        return _TagStats(epoch, epoch)
    return cls()


def _slots(cls: type) -> list[str]:
    return sorted(s for s in getattr(cls, "__slots__", ()) if s != "_cfg")


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"f": repr(value)}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, array):
        return {"a": value.typecode, "v": [_encode(v) for v in value]}
    if isinstance(value, deque):
        return {"q": [_encode(v) for v in value], "max": value.maxlen}
    if isinstance(value, set):
        return {"set": sorted(value)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    name = type(value).__name__
    if name in _CLASSES:
        return {"o": name, "s": {slot: _encode(getattr(value, slot)) for slot in _slots(type(value))}}
    raise TypeError(f"the radar snapshot cannot encode {name}")


def _decode(data: Any) -> Any:
    if isinstance(data, list):
        return [_decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "f" in data:
        return float(data["f"])
    if "t" in data:
        return datetime.fromisoformat(data["t"])
    if "a" in data:
        return array(data["a"], [_decode(v) for v in data["v"]])
    if "q" in data:
        return deque((_decode(v) for v in data["q"]), maxlen=data["max"])
    if "set" in data:
        return set(data["set"])
    cls = _CLASSES.get(data.get("o", ""))
    if cls is None:
        raise IncompatibleSnapshot(f"unknown object {data.get('o')!r}")
    obj = _fresh(cls)
    for slot, raw in data["s"].items():
        value = _decode(raw)
        template = getattr(obj, slot)
        # A list the constructor fills (seasonal bins) has a fixed length; an empty one (examples) grows freely.
        if isinstance(template, list | array) and template and len(template) != len(value):
            raise IncompatibleSnapshot(f"{cls.__name__}.{slot} has {len(value)} values, this version {len(template)}")
        setattr(obj, slot, value)
    return obj


def _layout() -> dict[str, list[str]]:
    return {name: _slots(cls) for name, cls in _CLASSES.items()}


def dump(radar: Radar, now: datetime) -> tuple[bytes, int]:
    """The radar's learnt state, compressed, and the number of series in it; threads quiet since
    `now - THREAD_KEEP` are left out."""
    keep_after = now - THREAD_KEEP
    series = []
    for key, state in radar._series.items():
        if state.pileon is not None and (state.burst._last is None or state.burst._last < keep_after):
            continue
        series.append([key, _encode(state)])
    roots = list(radar._roots._roots.items())[-ROOTS_KEPT:]
    tags = [[tag, _encode(stats)] for tag, stats in radar.hashtags._tags.items()]
    body = {
        "format": FORMAT,
        "layout": _layout(),
        "saved_at": now.isoformat(),
        "series": series,
        "roots": roots,
        "tags": tags,
        "joins": [[brand, _encode(counter)] for brand, counter in radar._joins.items()],
        "authors": list(radar._roots._authors.items())[-ROOTS_KEPT:],
    }
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode(), 6), len(series)


def restore(radar: Radar, blob: bytes) -> int:
    """Load a snapshot into `radar` (normally fresh); returns the number of series restored. Raises
    `IncompatibleSnapshot` (leaving the radar untouched) when it was written by a radar with other fields."""
    try:
        body = json.loads(zlib.decompress(blob))
    except (zlib.error, ValueError) as exc:
        raise IncompatibleSnapshot(f"unreadable snapshot: {exc}") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT or body.get("layout") != _layout():
        raise IncompatibleSnapshot("written by a radar with other fields")
    series: OrderedDict[str, _Series] = OrderedDict((key, _decode(state)) for key, state in body["series"])
    tags = {tag: _decode(stats) for tag, stats in body["tags"]}
    for state in series.values():
        if not isinstance(state, _Series):
            raise IncompatibleSnapshot("a series entry is not a series")
    for key, state in series.items():
        radar._series[key] = state
        radar._series.move_to_end(key)
    for post_key, root in body["roots"]:
        radar._roots._remember(post_key, root)
    for brand, counter in body.get("joins", []):
        joins = _decode(counter)
        if isinstance(joins, BurstCounter):
            radar._joins[brand] = joins
    for post_key, author in body.get("authors", []):
        radar._roots._authors[post_key] = author
    for tag, stats in tags.items():
        if tag not in radar.hashtags.known:
            radar.hashtags._tags[tag] = stats
    return len(series)
