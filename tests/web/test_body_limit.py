"""Issue 21, item 2: request bodies are capped while they stream in, before a route reads them. Driven at the
ASGI level, because a test client reads the whole body before the app sees it (which is what is tested)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from heard.app import Runtime
from heard.web.app import create_app

MB = 1024 * 1024


def _post(
    runtime: Runtime, path: str, chunks: int, chunk: int = MB, length: int | None = None, kind: bytes = b"text/plain"
) -> tuple[int, int]:
    """POST `chunks` chunks of `chunk` bytes to `path` on the app; (status, chunks the app pulled)."""
    app = create_app(runtime)
    pulled = 0
    sent: list[dict[str, Any]] = []
    headers = [(b"host", b"testserver"), (b"content-type", kind)]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks:
            await asyncio.sleep(3600)  # pragma: no cover - the client has nothing more to say
        pulled += 1
        return {"type": "http.request", "body": b" " * chunk, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # In a thread of its own: after the browser tests, this thread already runs Playwright's event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(app(scope, receive, send), 30)).result()
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1, starts
    return starts[0]["status"], pulled


def test_a_declared_300_mb_webhook_body_is_refused_before_a_byte_is_read(runtime: Runtime) -> None:
    assert _post(runtime, "/webhooks/any", 300, length=300 * MB) == (413, 0)


def test_a_chunked_300_mb_webhook_body_is_cut_off_at_the_cap(runtime: Runtime) -> None:
    status, pulled = _post(runtime, "/webhooks/any", 300)
    assert status == 413
    assert pulled <= 6  # 5 MB allowed: the sixth megabyte is where it stops


def test_the_api_push_and_forms_are_capped_too(runtime: Runtime) -> None:
    assert _post(runtime, "/api/v1/posts", 300, length=300 * MB) == (413, 0)
    status, pulled = _post(runtime, "/login", 300, kind=b"application/x-www-form-urlencoded")
    assert status == 413
    assert pulled <= 3


def test_a_body_under_the_cap_reaches_the_route(runtime: Runtime) -> None:
    # no channel by that name: the route answered, after reading the whole small body
    assert _post(runtime, "/webhooks/nobody", 1, chunk=1000) == (404, 1)
