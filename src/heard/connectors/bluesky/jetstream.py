"""Reads a slice of Bluesky's Jetstream: connect with a cursor (microseconds), take events for a short
window, and hand back the posts that concern the brand plus a cursor to resume from.

Jetstream's `time_us` is only roughly ordered (the recorded firehose runs up to ~11 ms backwards), so a
resume rewinds `REWIND_US` before the newest time seen, and the cursor remembers the posts it kept inside that
window: a restart misses nothing that arrived late and returns nothing twice. Needs the `websockets` package
(`pip install 'heard[bluesky]'`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from heard.connectors.bluesky.parse import POST, jetstream_post, matches
from heard.connectors.extras import require
from heard.connectors.failures import Unavailable
from heard.errors import BadInput
from heard.posts import RawPost

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
REWIND_US = 3_000_000


@dataclass
class Slice:
    posts: list[RawPost] = field(default_factory=list)
    rejected: list[BadInput] = field(default_factory=list)
    cursor: int = 0
    events: int = 0
    #: keys of posts kept within REWIND_US of the newest time, with their times
    recent: dict[str, int] = field(default_factory=dict)

    def dump(self) -> str:
        keep = {k: t for k, t in self.recent.items() if t >= self.cursor - REWIND_US}
        return json.dumps({"t": self.cursor, "recent": keep}, separators=(",", ":"))

    @classmethod
    def load(cls, cursor: str | None) -> Slice:
        if cursor and cursor.isdigit():
            return cls(cursor=int(cursor))
        try:
            data = json.loads(cursor or "{}")
            recent = {str(k): int(v) for k, v in (data.get("recent") or {}).items()}
            return cls(cursor=int(data.get("t") or 0), recent=recent)
        except (ValueError, TypeError, AttributeError):
            return cls()


def subscribe_url(base: str, cursor: int) -> str:
    params: dict[str, Any] = {"wantedCollections": POST}
    if cursor:
        params["cursor"] = cursor
    return f"{base}?{urlencode(params)}"


def read_slice(
    base: str,
    cursor: str | None,
    window_s: float,
    max_events: int,
    keep: Callable[[RawPost, dict[str, Any]], bool],
    to_post: Callable[[Any], RawPost | None],
) -> Slice:
    client = require("websockets.sync.client", "bluesky")
    out = Slice.load(cursor)
    start = max(0, out.cursor - REWIND_US) if out.cursor else 0
    try:
        with client.connect(subscribe_url(base, start), open_timeout=10, max_size=2**22) as socket:
            deadline = time.monotonic() + window_s
            while out.events < max_events:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    message = socket.recv(timeout=remaining)
                except TimeoutError:
                    break
                _take(message, out, keep, to_post)
    except (OSError, require("websockets.exceptions", "bluesky").WebSocketException) as exc:
        if out.events == 0:
            raise Unavailable(f"Jetstream {base} failed: {type(exc).__name__}", 30.0) from exc
    return out


def _take(
    message: str | bytes,
    out: Slice,
    keep: Callable[[RawPost, dict[str, Any]], bool],
    to_post: Callable[[Any], RawPost | None],
) -> None:
    out.events += 1
    try:
        event = json.loads(message)
    except ValueError:
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
        out.rejected.append(BadInput("Jetstream frame is not JSON", text[:2000]))
        return
    stamp = event.get("time_us") if isinstance(event, dict) else None
    stamp = stamp if isinstance(stamp, int) else out.cursor
    out.cursor = max(out.cursor, stamp)
    try:
        post = to_post(event)
    except BadInput as exc:
        out.rejected.append(exc)
        return
    if post is None or post.key in out.recent or not keep(post, event["commit"]["record"]):
        return  # not a post, already kept before the rewind, or not about the brand
    out.recent[post.key] = stamp
    out.posts.append(post)


__all__ = ["DEFAULT_URL", "Slice", "jetstream_post", "matches", "read_slice", "subscribe_url"]
