"""Request bodies capped while they stream in, before any route reads them.

A route that calls `await request.body()` first and checks the length after has already held the whole body:
an anonymous 300 MB POST to /webhooks/... cost about 600 MB of memory before its 413. This middleware answers
413 from the Content-Length header without reading a byte, and for a body sent without one (chunked), counts
the bytes as they arrive and stops at the cap: the route sees the client as gone, and the client gets 413.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Most forms are a few kilobytes; an article in the editor is the largest thing a person types.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
#: Pushes from networks and tools carry batches of posts.
LIMITS: tuple[tuple[str, int], ...] = (("/webhooks/", 5 * 1024 * 1024), ("/api/v1/posts", 5_000_000))
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Pure ASGI middleware (not BaseHTTPMiddleware, which would buffer the SSE stream)."""

    def __init__(
        self, app: ASGIApp, limits: Sequence[tuple[str, int]] = LIMITS, default: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.app = app
        self.limits = tuple(limits)
        self.default = default

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self.limits if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _BODYLESS:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        as_json = scope["path"].startswith("/api/")
        if declared is not None and declared > limit:
            await _too_large(send, limit, as_json)
            return
        received = 0
        refused = False
        started = False

        async def capped_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await _too_large(send, limit, as_json)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 went out; whatever the route makes of a vanished client is not sent
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, guarded_send)
        except Exception:
            if not refused:
                raise  # a route's own failure; only the one this middleware caused is swallowed


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, limit: int, as_json: bool) -> None:
    """413, as JSON {"detail": ...} for the API (what its schema promises) and as text elsewhere."""
    reason = f"Request body too large: at most {limit} bytes."
    body = json.dumps({"detail": reason}).encode() if as_json else reason.encode()
    kind = b"application/json" if as_json else b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": [*headers, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
