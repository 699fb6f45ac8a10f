"""Reads a slice of Bluesky's Jetstream: connect with a cursor (microseconds), take events for a short
window, and hand back the posts that concern the brand plus a cursor to resume from.

Most of the firehose is about someone else, so each frame first meets a `Prefilter` on its raw bytes (the
brand's DIDs, handles, keywords and hashtags, searched in the ASCII-lowercased frame): only frames that may
concern the brand are decoded (orjson when installed) and built into posts, then matched exactly. Frames can
come zstd-compressed (`compress=true`, Jetstream v1's custom dictionary, shipped in `data/`, MIT). A stored
cursor older than Jetstream's 36-hour replay window is reported as a gap: Jetstream silently starts at the
oldest event it still has.

Jetstream's `time_us` is only roughly ordered (the recorded firehose runs up to ~11 ms backwards), so a
resume rewinds `REWIND_US` before the newest time seen, and the cursor remembers the posts it kept inside that
window: a restart misses nothing that arrived late and returns nothing twice. Needs the `websockets` package
(`pip install 'heard[bluesky]'`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from heard.connectors.bluesky.parse import POST, jetstream_post, matches
from heard.connectors.extras import require
from heard.connectors.failures import Unavailable
from heard.errors import BadInput
from heard.posts import RawPost

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
REWIND_US = 3_000_000
#: how far back Jetstream replays from a cursor; an older cursor is clamped to the oldest event it has
REPLAY_WINDOW_US = 36 * 3600 * 1_000_000
_TIME_US = b'"time_us":'


class Prefilter:
    """Does a raw Jetstream frame possibly concern the brand? A byte search for each needle (the brand's DIDs,
    handles, keywords and hashtags) in the frame lowercased (ASCII): a post that mentions, answers or quotes
    the brand carries its DID, one that names a keyword or tag carries the words. No false negatives for ASCII
    needles; a non-ASCII keyword is searched as written, lowercased, uppercased and capitalised. No needles:
    every frame passes."""

    def __init__(self, dids: Iterable[str], handles: Iterable[str], keywords: Iterable[str], tags: Iterable[str]):
        words = [d.strip() for d in dids] + [h.strip().lstrip("@") for h in handles]
        words += [k.strip() for k in keywords] + [t.strip().lstrip("#") for t in tags]
        needles: set[bytes] = set()
        for word in filter(None, words):
            for form in {word, word.lower(), word.upper(), word.capitalize()}:
                for text in (form, json.dumps(form)[1:-1]):  # as written, and as JSON escapes it
                    needles.add(text.encode("utf-8").lower())
        # a needle inside another is redundant; fewer needles, fewer scans
        self.needles = tuple(sorted(n for n in needles if not any(o != n and o in n for o in needles)))

    def __call__(self, raw: bytes) -> bool:
        if not self.needles:
            return True
        lowered = raw.lower()
        return any(needle in lowered for needle in self.needles)


def time_us(raw: bytes) -> int | None:
    """The event's `time_us` read from the raw frame, without decoding it."""
    at = raw.find(_TIME_US)
    if at < 0:
        return None
    start = at + len(_TIME_US)
    while start < len(raw) and raw[start] == 32:  # a space after the colon (json.dumps writes one)
        start += 1
    end = start
    while end < len(raw) and 48 <= raw[end] <= 57:
        end += 1
    return int(raw[start:end]) if end > start else None


@cache
def _loads() -> Callable[[bytes], Any]:
    """orjson's decoder when installed (the bluesky extra), else the standard library's."""
    try:
        import orjson
    except ImportError:
        return json.loads
    return orjson.loads


@cache
def decompressor() -> Any:
    """A zstd decompressor with Jetstream v1's dictionary (`compress=true` frames)."""
    zstandard = require("zstandard", "bluesky")
    data = resources.files("heard.connectors.bluesky").joinpath("data", "jetstream_v1.zdict").read_bytes()
    return zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(data))


def replay_gap(cursor_us: int, now: datetime) -> str | None:
    """A notice when a stored cursor is older than Jetstream replays: those posts cannot come back."""
    floor = int(now.timestamp() * 1_000_000) - REPLAY_WINDOW_US
    if not cursor_us or cursor_us >= floor:
        return None
    since = datetime.fromtimestamp(cursor_us / 1_000_000, tz=UTC)
    until = datetime.fromtimestamp(floor / 1_000_000, tz=UTC)
    return (
        f"Jetstream replays 36 hours: posts from {since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC cannot be "
        "read from the firehose (back-fill them with search)"
    )


@dataclass
class Slice:
    posts: list[RawPost] = field(default_factory=list)
    rejected: list[BadInput] = field(default_factory=list)
    cursor: int = 0
    events: int = 0
    #: keys of posts kept within REWIND_US of the newest time, with their times
    recent: dict[str, int] = field(default_factory=dict)
    #: frames the prefilter let through to decoding
    decoded: int = 0
    notices: list[str] = field(default_factory=list)

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


def subscribe_url(base: str, cursor: int, compress: bool = False) -> str:
    params: dict[str, Any] = {"wantedCollections": POST}
    if cursor:
        params["cursor"] = cursor
    if compress:
        params["compress"] = "true"
    return f"{base}?{urlencode(params)}"


@dataclass
class _Held:
    """A Jetstream connection kept open between two windows of one channel, and where its last window ended."""

    socket: Any
    cursor: int
    url: str


_HELD: dict[str, _Held] = {}
_HELD_LOCK = threading.Lock()


def _take_held(key: str | None, url: str, cursor: int) -> Any:
    """The connection the channel's last window left open, when it ended where this window starts (the cursor
    was stored) and asks for the same stream; else None (and a stale one is closed)."""
    if key is None:
        return None
    with _HELD_LOCK:
        held = _HELD.pop(key, None)
    if held is None:
        return None
    if held.cursor == cursor and held.url == url:
        return held.socket
    held.socket.close()
    return None


def release(key: str) -> None:
    """Close a channel's held connection (the channel stopped or was removed)."""
    with _HELD_LOCK:
        held = _HELD.pop(key, None)
    if held is not None:
        held.socket.close()


def read_slice(
    base: str,
    cursor: str | None,
    window_s: float,
    max_events: int,
    keep: Callable[[RawPost, dict[str, Any]], bool],
    to_post: Callable[[Any], RawPost | None],
    prefilter: Callable[[bytes], bool] | None = None,
    compress: bool = False,
    now: datetime | None = None,
    hold: str | None = None,
) -> Slice:
    """One window of the channel's stream. With `hold` (a key per channel) the connection stays open when the
    window ends and the next window continues on it, when it starts from the cursor this one ended at: a
    channel read window after window stays connected, with no replay from a rewound cursor."""
    client = require("websockets.sync.client", "bluesky")
    errors = require("websockets.exceptions", "bluesky")
    out = Slice.load(cursor)
    gap = replay_gap(out.cursor, now or datetime.now(UTC))
    if gap:
        out.notices.append(gap)
    start = max(0, out.cursor - REWIND_US) if out.cursor else 0
    take = Taker(out, keep, to_post, prefilter or (lambda raw: True), compress)
    url = subscribe_url(base, 0, compress)
    socket = _take_held(hold, url, out.cursor)
    kept = False
    try:
        if socket is None:
            # entered by hand: the connection may outlive this call (held for the next window); closed below or
            # by the next window that cannot use it
            socket = client.connect(
                subscribe_url(base, start, compress), open_timeout=10, max_size=2**22, compression=None
            ).__enter__()
        recv = socket.recv
        deadline = time.monotonic() + window_s
        while out.events < max_events:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                message = recv(timeout=remaining, decode=False)
            except TimeoutError:
                break
            take(message)
        kept = hold is not None
    except (OSError, errors.WebSocketException) as exc:
        # a drop after some frames: the next window reconnects from the cursor
        if out.events == 0:
            raise Unavailable(f"Jetstream {base} failed: {type(exc).__name__}", 30.0) from exc
    finally:
        take.finish()
        if kept and hold is not None and socket is not None:
            with _HELD_LOCK:
                _HELD[hold] = _Held(socket, out.cursor, url)
        elif socket is not None:
            socket.close()
    return out


class Taker:
    """Takes frames into a Slice: decompress when asked, prefilter on the raw bytes, decode and build a post
    only for frames that pass, and keep the ones `keep` says concern the brand."""

    def __init__(
        self,
        out: Slice,
        keep: Callable[[RawPost, dict[str, Any]], bool],
        to_post: Callable[[Any], RawPost | None],
        prefilter: Callable[[bytes], bool],
        compress: bool = False,
    ) -> None:
        self.out = out
        self.keep = keep
        self.to_post = to_post
        self.prefilter = prefilter
        self.decompress = decompressor().decompress if compress else None
        self.loads = _loads()
        #: the newest time_us among frames the prefilter passed over (decoded ones move the cursor themselves)
        self.newest = 0

    def __call__(self, message: str | bytes) -> None:
        raw = message.encode("utf-8") if isinstance(message, str) else message
        if self.decompress is not None:
            try:
                raw = self.decompress(raw)
            except Exception:  # zstandard.ZstdError: a frame that is not ours
                self.out.events += 1
                self.out.rejected.append(BadInput("Jetstream frame does not decompress", repr(raw[:200])))
                return
        self.out.events += 1
        if not self.prefilter(raw):
            # time_us is near the front and 16 digits until 2286: a bounded find and a slice, not a parse
            at = raw.find(_TIME_US, 0, 200)
            try:
                stamp = int(raw[at + 10 : at + 26]) if at >= 0 else 0
            except ValueError:
                stamp = time_us(raw) or 0
            if stamp > self.newest:
                self.newest = stamp
            return
        self.out.decoded += 1
        _take(raw, self.out, self.keep, self.to_post, self.loads)

    def finish(self) -> None:
        """The cursor moves past every frame read, including those the prefilter never decoded."""
        self.out.cursor = max(self.out.cursor, self.newest)


def _take(
    message: bytes,
    out: Slice,
    keep: Callable[[RawPost, dict[str, Any]], bool],
    to_post: Callable[[Any], RawPost | None],
    loads: Callable[[bytes], Any] = json.loads,
) -> None:
    try:
        event = loads(message)
    except ValueError:
        text = message.decode("utf-8", "replace")
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


__all__ = ["DEFAULT_URL", "Prefilter", "Slice", "Taker", "jetstream_post", "matches", "read_slice", "subscribe_url"]
