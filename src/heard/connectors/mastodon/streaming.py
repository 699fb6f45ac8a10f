"""Mastodon's streaming API read as long as the caller asks, and no longer; held open between windows.

Each stream (the `user` stream, `user:notification`, one per hashtag) is read on a thread of its own into one
queue, so hashtag streams are read while the user stream stays open. The caller waits on the queue with its own
deadline: a quiet stream whose server sends only its 15-second `:thump` heartbeats (each one a line, which kept
a plain read timeout from ever firing) still ends the read on time. Readers left blocked in a read see the stop
flag at their next line and exit; their read timeout (above the heartbeat interval) ends a dead connection.
Between two windows of a channel the streams stay open (`hold`/`take_held`): frames that arrive meanwhile wait
in the queue for the next window.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse, urlunparse

import httpx

from heard.clock import Clock
from heard.connectors.failures import ConnectorFailure, Unavailable
from heard.connectors.http import check
from heard.connectors.mastodon.parse import Frame, sse_frames

#: longer than the server's heartbeat interval (15 s), so only a dead connection times out
READ_TIMEOUT_S = 40.0


def streaming_base(instance: str, info: Any) -> str:
    """The streaming host an instance names (`urls.streaming_api` in v1, `configuration.urls.streaming` in v2),
    as an http(s) URL; the instance itself when it names none."""
    url = None
    if isinstance(info, dict):
        urls = info.get("urls")
        if isinstance(urls, dict) and urls.get("streaming_api"):
            url = str(urls["streaming_api"])
        config = info.get("configuration")
        streaming = (config.get("urls") or {}).get("streaming") if isinstance(config, dict) else None
        if url is None and streaming:
            url = str(streaming)
    if not url:
        return instance.rstrip("/")
    parsed = urlparse(url)
    scheme = {"wss": "https", "ws": "http"}.get(parsed.scheme, parsed.scheme)
    return urlunparse(parsed._replace(scheme=scheme)).rstrip("/")


@dataclass
class Streams:
    """Several SSE streams of one account, read at once until `deadline` (time.monotonic())."""

    base: str
    token: str
    clock: Clock
    transport: httpx.BaseTransport | None = None
    _queue: queue.Queue[tuple[str, Any]] = field(default_factory=queue.Queue)
    _stop: threading.Event = field(default_factory=threading.Event)
    _open: int = 0
    paths: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def frames(self, paths: list[tuple[str, dict[str, str]]], deadline: float) -> Iterator[tuple[str, Frame]]:
        """(stream path, frame) as they arrive on any stream, until the deadline or every stream has ended,
        then the streams are closed. A stream refused outright (401, 404) raises its failure."""
        self.start(paths)
        try:
            yield from self.until(deadline)
        finally:
            self.close()

    def start(self, paths: list[tuple[str, dict[str, str]]]) -> None:
        self.paths = [(p, dict(q)) for p, q in paths]
        self._client = httpx.Client(
            base_url=self.base,
            headers={"Authorization": f"Bearer {self.token}"},
            transport=self.transport,
            timeout=httpx.Timeout(10.0, read=READ_TIMEOUT_S),
        )
        readers = [threading.Thread(target=self._pump, args=(self._client, p, q), daemon=True) for p, q in paths]
        self._open = len(readers)
        for reader in readers:
            reader.start()

    def until(self, deadline: float) -> Iterator[tuple[str, Frame]]:
        """Frames until the deadline (or every stream ended); the streams stay open for the next window."""
        while self._open:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                kind, item = self._queue.get(timeout=remaining)
            except queue.Empty:
                return
            if kind == "frame":
                yield item
            elif kind == "failed":
                raise item
            else:
                self._open -= 1

    @property
    def alive(self) -> bool:
        return self._open > 0 and not self._stop.is_set()

    def close(self) -> None:
        self._stop.set()
        client = getattr(self, "_client", None)
        if client is not None:
            threading.Thread(target=client.close, daemon=True).start()  # a reader may still hold a connection

    def _pump(self, client: httpx.Client, path: str, params: dict[str, str]) -> None:
        try:
            with client.stream("GET", path, params=params) as response:
                if response.status_code >= 400:
                    response.read()
                    check(response, self.clock)
                for line_frame in sse_frames(self._lines(response)):
                    self._queue.put(("frame", (path, line_frame)))
        except ConnectorFailure as exc:
            self._queue.put(("failed", exc))
        except (httpx.TransportError, httpx.StreamError, RuntimeError):
            pass  # dropped, timed out or closed: the next catch-up poll covers what it missed
        finally:
            self._queue.put(("ended", path))

    def _lines(self, response: httpx.Response) -> Iterator[str]:
        """Every line, heartbeats included, until the caller has stopped listening."""
        for line in response.iter_lines():
            if self._stop.is_set():
                return
            yield line


_HELD: dict[str, Streams] = {}
_HELD_LOCK = threading.Lock()


def take_held(key: str, base: str, token: str, paths: list[tuple[str, dict[str, str]]]) -> Streams | None:
    """The streams a channel's last window left open, when they are the same streams on the same host with the
    same token and still alive; else None (a stale set is closed)."""
    with _HELD_LOCK:
        held = _HELD.pop(key, None)
    if held is None:
        return None
    if held.alive and (held.base, held.token, held.paths) == (base, token, [(p, dict(q)) for p, q in paths]):
        return held
    held.close()
    return None


def hold(key: str, streams: Streams) -> None:
    with _HELD_LOCK:
        old = _HELD.pop(key, None)
        _HELD[key] = streams
    if old is not None and old is not streams:
        old.close()


def stream_failure(exc: Exception) -> ConnectorFailure:
    return Unavailable(f"Mastodon streaming failed: {type(exc).__name__}", 30.0)


Take = Callable[[str, Frame], None]
