"""Heard's one injectable transport (an httpx transport) handed to the maintained clients in the shape each
takes: a `requests.Session` for Mastodon.py, tweepy and PRAW, an `httplib2.Http` look-alike for
google-api-python-client (and google-auth's token refresh through it). atproto takes the httpx transport itself.

With `transport=None` the clients keep their own HTTP stack (the real network). With a transport (tests: an
`httpx.MockTransport` serving recorded traffic) every request each client makes, token renewals included, goes
through it, so the contract suite sees exactly what the client would send.

Every network's answers still become Heard's failures in one place: `heard.connectors.http.failure_for`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from heard.connectors.http import Budget


def requests_session(transport: httpx.BaseTransport | None, budget: Budget | None = None) -> Any:
    """A requests.Session whose every request goes through `transport` (None: a plain session); `budget`
    notes the rate-limit headers of every answer."""
    import requests

    session = requests.Session()
    if budget is not None:
        session.hooks["response"].append(lambda response, *args, **kwargs: budget.note(response.headers))
    if transport is not None:
        adapter = _TransportAdapter(transport)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return session


def _adapter_base() -> type:
    from requests.adapters import BaseAdapter

    return BaseAdapter


class _TransportAdapter(_adapter_base()):  # type: ignore[misc]
    """A requests transport adapter that sends through an httpx transport."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        super().__init__()
        self.transport = transport

    def send(self, request: Any, stream: bool = False, timeout: Any = None, **_: Any) -> Any:
        import requests
        from requests.structures import CaseInsensitiveDict

        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        outgoing = httpx.Request(request.method, request.url, headers=dict(request.headers), content=body or b"")
        try:
            answer = self.transport.handle_request(outgoing)
            content = answer.read()
        except httpx.TimeoutException as exc:
            raise requests.exceptions.Timeout(str(exc), request=request) from exc
        except httpx.TransportError as exc:
            raise requests.exceptions.ConnectionError(str(exc), request=request) from exc
        response = requests.Response()
        response.status_code = answer.status_code
        # httpx already decoded the body; drop the encoding header so requests does not decode it again
        response.headers = CaseInsensitiveDict(
            {k: v for k, v in answer.headers.items() if k.lower() not in {"content-encoding", "content-length"}}
        )
        response._content = content
        response.encoding = answer.encoding
        response.url = request.url
        response.request = request
        response.reason = answer.reason_phrase
        response.connection = self
        return response

    def close(self) -> None:
        return None


class Httplib2Bridge:
    """The part of `httplib2.Http` google-api-python-client and google-auth-httplib2 call: `request(...)`
    returning `(response, content)`."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.transport = transport
        self.timeout = None
        self.redirect_codes: frozenset[int] = frozenset()

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[Any, bytes]:
        import httplib2  # type: ignore[import-untyped]

        if isinstance(body, str):
            body = body.encode("utf-8")
        outgoing = httpx.Request(method, uri, headers=dict(headers or {}), content=body or b"")
        try:
            answer = self.transport.handle_request(outgoing)
            content = answer.read()
        except httpx.TransportError as exc:
            raise httplib2.HttpLib2Error(f"{method} {uri} failed: {type(exc).__name__}") from exc
        info = {k.lower(): v for k, v in answer.headers.items() if k.lower() != "content-encoding"}
        info["status"] = str(answer.status_code)
        return httplib2.Response(info), content

    def close(self) -> None:
        return None
