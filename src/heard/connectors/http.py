"""One HTTP client shape for every connector: an injectable httpx transport (tests feed recorded responses
through `httpx.MockTransport`, production uses the real network), and one mapping from status codes to the
failures in `heard.connectors.failures`. Request and response bodies are never logged; headers never leave.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from heard.clock import Clock, SystemClock
from heard.connectors.failures import ApiRejected, AuthFailed, ConnectorFailure, RateLimited, Unavailable
from heard.connectors.ratelimits import wait_seconds

USER_AGENT = "heard/0.1 (+https://github.com/heard-social/heard)"
OUTAGE_WAIT_S = 30.0
#: headers saying how many calls are left (X, Reddit, Mastodon, Bluesky)
_REMAINING_HEADERS = ("x-rate-limit-remaining", "x-ratelimit-remaining", "ratelimit-remaining")


class Api:
    """A base URL, default headers and an httpx client; `call` returns the response or raises a failure."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        timeout_s: float = 20.0,
        classify: Callable[[httpx.Response], Exception | None] | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        #: a network's own reading of an error response (YouTube's quota 403), tried before the status code
        self.classify = classify
        self.budget = Budget(self.clock)
        self.client = httpx.Client(
            base_url=base_url,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            transport=transport,
            timeout=timeout_s,
        )

    def call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"{method} {_path(url)} timed out", OUTAGE_WAIT_S) from exc
        except httpx.TransportError as exc:
            raise Unavailable(f"{method} {_path(url)} failed: {type(exc).__name__}", OUTAGE_WAIT_S) from exc
        if response.status_code >= 400 and self.classify is not None:
            failure = self.classify(response)
            if failure is not None:
                raise failure
        check(response, self.clock)
        self._note_budget(response)
        return response

    def _note_budget(self, response: httpx.Response) -> None:
        self.budget.note(response.headers)

    def cooldown_s(self) -> float:
        """Seconds until the network's rate-limit window resets, when the last call spent it; else 0."""
        return self.budget.cooldown_s()

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.call(method, url, **kwargs)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise Unavailable(
                f"{method} {_path(url)} answered {response.status_code} with a body that is not JSON", OUTAGE_WAIT_S
            ) from exc

    def close(self) -> None:
        self.client.close()


class Budget:
    """When a network says no calls are left in this window, remember until when, so the next read waits for
    the reset instead of walking into a 429. Fed the headers of every answer, whichever client got it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.cooldown_until = 0.0
        #: the last answer's headers, for clients whose rate-limit error does not carry them (Mastodon.py)
        self.last_headers: dict[str, str] = {}

    def note(self, headers: Mapping[str, str]) -> None:
        lowered = {k.lower(): v for k, v in headers.items()}
        self.last_headers = lowered
        for name in _REMAINING_HEADERS:
            value = lowered.get(name)
            if value is None:
                continue
            try:
                left = float(value)
            except ValueError:
                return
            if left < 1:
                self.cooldown_until = self.clock.monotonic() + wait_seconds(lowered, self.clock.now())
            return

    def cooldown_s(self) -> float:
        return max(0.0, self.cooldown_until - self.clock.monotonic())


def check(response: httpx.Response, clock: Clock) -> None:
    """Raise the failure a status code means; 2xx and 3xx pass."""
    status = response.status_code
    if status < 400:
        return
    where = f"{response.request.method} {response.request.url.path}"
    raise failure_for(status, response.headers, where, _snippet(response), clock)


def failure_for(status: int, headers: Mapping[str, str], where: str, detail: str, clock: Clock) -> ConnectorFailure:
    """The failure an HTTP error status means, whichever client (httpx or a network's own) saw it."""
    if status == 429:
        return RateLimited(f"{where}: rate limited (429) {detail}", wait_seconds(headers, clock.now()))
    if status >= 500:
        return Unavailable(
            f"{where}: the network answered {status} {detail}", wait_seconds(headers, clock.now(), OUTAGE_WAIT_S)
        )
    if status in (401, 403):
        return AuthFailed(f"{where}: {status} {detail}")
    return ApiRejected(f"{where}: {status} {detail}")


def _snippet(response: httpx.Response) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, httpx.ResponseNotRead):
        return ""
    return text[:300].replace("\n", " ")


def _path(url: str) -> str:
    return httpx.URL(url).path or url
