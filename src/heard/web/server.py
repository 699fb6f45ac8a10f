"""Running the app under uvicorn so that shutdown is prompt.

uvicorn waits for open responses before it shuts down, and an SSE stream never finishes on its own. This
server sets the app's `closing` flag first thing in its shutdown, so every stream ends within one poll and the
browsers reconnect (to another process, or to this one when it is back)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI


class Server(uvicorn.Server):
    """uvicorn.Server that ends the app's SSE streams when shutdown begins (signal or `should_exit`)."""

    def __init__(self, config: uvicorn.Config, closing: threading.Event) -> None:
        super().__init__(config)
        self.closing = closing

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.closing.set()
        await super().shutdown(sockets)


def make_server(app: FastAPI, host: str, port: int, log_level: str = "info") -> Server:
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level.lower(), timeout_graceful_shutdown=5)
    closing: threading.Event = app.state.closing
    return Server(config, closing)


def serve(app: FastAPI, host: str, port: int, log_level: str = "info") -> None:
    """What `heard serve` calls instead of uvicorn.run(app, ...)."""
    make_server(app, host, port, log_level).run()


def app_from_settings() -> FastAPI:
    """The app of one of several web processes (`heard serve --workers N`): each builds its own runtime from the
    environment; the parent migrated the database before starting them. SSE streams reach every process's
    browsers because each stream tails the shared event log, not a process's memory."""
    from heard.app import build_runtime
    from heard.settings import Settings
    from heard.web.app import create_app

    return create_app(build_runtime(Settings(), migrate=False))


def serve_processes(workers: int, host: str, port: int, log_level: str = "info") -> None:
    """Serve with `workers` uvicorn worker processes sharing one socket. uvicorn's supervisor runs them, so the
    SSE streams end through the app's lifespan at shutdown (after at most the graceful timeout), not at once."""
    uvicorn.run(
        "heard.web.server:app_from_settings",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level.lower(),
        timeout_graceful_shutdown=5,
    )


def answers(url: str, timeout_s: float, pause_s: float = 0.1) -> bool:
    """Whether the server at `url` answers its health check within `timeout_s`: one just started may not have
    bound its port yet, so refused connections are waited out."""
    import httpx  # only the callers that wait for a server pay for it, not `heard serve`'s start

    health = f"{url.rstrip('/')}/healthz"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(health, timeout=1.0).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(pause_s)
    return False
