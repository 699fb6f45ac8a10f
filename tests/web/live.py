"""The app served by a real uvicorn on a free localhost port, in a thread: what the browser tests drive."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from heard.web.server import Server, answers, make_server


@dataclass
class LiveServer:
    url: str
    server: Server
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> float:
        """Ask the server to shut down; returns how long it took."""
        started = time.monotonic()
        self.server.should_exit = True
        self.thread.join(timeout)
        return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    port = free_port()
    server = make_server(app, "127.0.0.1", port, log_level="warning")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    live = LiveServer(f"http://127.0.0.1:{port}", server, thread)
    if not answers(live.url, 15, pause_s=0.05):
        raise RuntimeError("the test server did not start")
    try:
        yield live
    finally:
        live.stop()


def logged_in_client(url: str, email: str, password: str) -> httpx.Client:
    """An httpx client holding a session cookie for `email`, logged in through the login form."""
    import re

    client = httpx.Client(base_url=url, timeout=10)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1)})
    assert response.status_code == 303, response.text
    return client
