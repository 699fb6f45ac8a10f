"""A local Jetstream: a WebSocket server on 127.0.0.1 that replays recorded events the way Jetstream does,
so the Bluesky connector's real client code runs over a real socket.

Like Jetstream it honours `wantedCollections` and `cursor` (events from that time on, inclusive, which is
why clients must skip what they already have), then keeps the connection open and idle.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from websockets.sync.server import ServerConnection, serve


@dataclass
class FakeJetstream:
    events: list[dict[str, Any]]
    connections: list[str] = field(default_factory=list)
    drop_after: int | None = None  # the first connection closes after this many events (an outage mid-stream)

    def handler(self, socket: ServerConnection) -> None:
        path = socket.request.path if socket.request else "/"
        self.connections.append(path)
        query = parse_qs(urlparse(path).query)
        wanted = set(query.get("wantedCollections", []))
        cursor = int(query.get("cursor", ["0"])[0])
        compress = query.get("compress") == ["true"]
        sent = 0
        for event in self.events:
            if event.get("time_us", 0) < cursor:
                continue
            collection = (event.get("commit") or {}).get("collection")
            if wanted and collection and collection not in wanted:
                continue
            frame = json.dumps(event, separators=(",", ":"))
            socket.send(_compress(frame) if compress else frame)
            sent += 1
            if self.drop_after is not None and len(self.connections) == 1 and sent >= self.drop_after:
                return
        socket.send("{not json")  # a broken frame, as a hostile or buggy relay might send
        try:
            socket.recv(timeout=5)  # idle like a quiet firehose until the client leaves
        except Exception:  # a quiet timeout, or the client hung up: both are the normal end
            return


@contextmanager
def running(fake: FakeJetstream) -> Iterator[str]:
    """Serve on a free port; yields the subscribe URL."""
    with serve(fake.handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.socket.getsockname()[:2]
        try:
            yield f"ws://{host}:{port}/subscribe"
        finally:
            server.shutdown()
            thread.join(timeout=5)


def _compress(frame: str) -> bytes:
    """A binary frame as Jetstream sends one with compress=true: zstd with its v1 dictionary."""
    from importlib import resources

    import zstandard

    data = resources.files("heard.connectors.bluesky").joinpath("data", "jetstream_v1.zdict").read_bytes()
    return zstandard.ZstdCompressor(dict_data=zstandard.ZstdCompressionDict(data)).compress(frame.encode())
