"""A webhook receiver on 127.0.0.1 that records each request and answers with the statuses it is given, then
200: a real HTTP server, so the code under test speaks real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver(ThreadingHTTPServer):
    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[tuple[dict[str, str], bytes]] = []
        #: Called as each request arrives (before it is answered); what it returns is kept in `observed`.
        self.on_request: Callable[[], object] | None = None
        self.observed: list[object] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.requests.append((dict(self.headers.items()), body))
        if self.server.on_request is not None:
            self.server.observed.append(self.server.on_request())
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@contextmanager
def receiving(statuses: list[int] | None = None) -> Iterator[Receiver]:
    server = Receiver(list(statuses or []))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
