"""A local Mastodon streaming server: HTTP on 127.0.0.1 answering GET /api/v1/streaming/<stream> with
recorded server-sent events (heartbeats included), so the Mastodon connector reads over a real socket."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse


@dataclass
class FakeStreaming:
    streams: dict[str, str]  # path -> SSE text
    token: str = "token"
    rest: dict[str, object] = field(default_factory=dict)  # path -> JSON body, for the catch-up polls
    requests: list[str] = field(default_factory=list)
    #: keep each stream open after its frames, sending a `:thump` heartbeat every `heartbeat_s` for `hold_s`
    #: seconds (a quiet account: Mastodon sends one every 15 s)
    heartbeat_s: float | None = None
    hold_s: float = 30.0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    self._send(401, b'{"error":"The access token is invalid"}', "application/json")
                    return
                path = urlparse(self.path).path
                if path in fake.rest:
                    self._send(200, json.dumps(fake.rest[path]).encode(), "application/json")
                    return
                body = fake.streams.get(path)
                if body is None:
                    self._send(404, b'{"error":"Unknown stream type"}', "application/json")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for chunk in (":)\n", body, ":thump\n"):  # heartbeats around the recorded frames
                    self._chunk(chunk)
                if fake.heartbeat_s is not None:
                    until = time.monotonic() + fake.hold_s
                    try:
                        while time.monotonic() < until:
                            time.sleep(fake.heartbeat_s)
                            self._chunk(":thump\n")
                    except OSError:
                        return  # the reader hung up
                self.wfile.write(b"0\r\n\r\n")

            def _chunk(self, chunk: str) -> None:
                data = chunk.encode("utf-8")
                if not data:
                    return  # an empty chunk would end the chunked body
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


@contextmanager
def running(fake: FakeStreaming) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
