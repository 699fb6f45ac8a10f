"""Reads a slice of Bluesky's Jetstream: connect with `cursor` (microseconds), take events for a short
window, and hand back the posts that concern the brand plus the time of the last event seen. Jetstream
replays from the cursor on reconnect, so a restart loses nothing; events at or before the cursor are skipped,
so nothing is read twice. Needs the `websockets` package (`pip install 'heard[bluesky]'`).
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


@dataclass
class Slice:
    posts: list[RawPost] = field(default_factory=list)
    rejected: list[BadInput] = field(default_factory=list)
    cursor: int = 0
    events: int = 0


def subscribe_url(base: str, cursor: int) -> str:
    params: dict[str, Any] = {"wantedCollections": POST}
    if cursor:
        params["cursor"] = cursor
    return f"{base}?{urlencode(params)}"


def read_slice(
    base: str,
    cursor: int,
    window_s: float,
    max_events: int,
    keep: Callable[[RawPost, dict[str, Any]], bool],
    to_post: Callable[[Any], RawPost | None],
) -> Slice:
    client = require("websockets.sync.client", "bluesky")
    out = Slice(cursor=cursor)
    try:
        with client.connect(subscribe_url(base, cursor), open_timeout=10, max_size=2**22) as socket:
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
    if isinstance(stamp, int):
        if stamp <= out.cursor:
            return  # replayed on reconnect: already read
        out.cursor = stamp
    try:
        post = to_post(event)
    except BadInput as exc:
        out.rejected.append(exc)
        return
    if post is not None and keep(post, event["commit"]["record"]):
        out.posts.append(post)


__all__ = ["DEFAULT_URL", "Slice", "jetstream_post", "matches", "read_slice", "subscribe_url"]
