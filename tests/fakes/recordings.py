"""Reads recorded HTTP interactions (vcrpy YAML cassettes, betamax JSON cassettes) and serves them back
through httpx.MockTransport, recording every request the connector made."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.conftest import shared_path


@dataclass(frozen=True)
class Interaction:
    method: str
    uri: str
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _decode(body: bytes, headers: dict[str, str]) -> bytes:
    encoding = headers.get("content-encoding", "").lower()
    if body[:2] == b"\x1f\x8b" or encoding == "gzip":
        try:
            return gzip.decompress(body)
        except OSError:
            return body
    if encoding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return body
    return body


def _flat(headers: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): (v[0] if isinstance(v, list) and v else str(v)) for k, v in (headers or {}).items()}


def load_cassette(path: Path) -> list[Interaction]:
    """Every interaction of a vcrpy (.yaml) or betamax (.json) cassette, bodies decoded to plain bytes."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for item in data.get("interactions", []):
            response = item["response"]
            headers = _flat(response.get("headers", {}))
            body_data = response.get("body", {})
            if "base64_string" in body_data:
                body = base64.b64decode(body_data["base64_string"])
            else:
                body = str(body_data.get("string", "")).encode("utf-8")
            status = response["status"]["code"] if isinstance(response["status"], dict) else int(response["status"])
            out.append(
                Interaction(item["request"]["method"], item["request"]["uri"], status, headers, _decode(body, headers))
            )
        return out
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    out = []
    for item in data.get("interactions", []):
        response = item["response"]
        headers = _flat(response.get("headers", {}))
        body = response.get("body", {}).get("string", b"")
        body = body if isinstance(body, bytes) else str(body).encode("utf-8")
        out.append(
            Interaction(
                item["request"]["method"],
                item["request"]["uri"],
                int(response["status"]["code"]),
                headers,
                _decode(body, headers),
            )
        )
    return out


def cassette(*parts: str) -> list[Interaction]:
    return load_cassette(shared_path("fixtures", *parts))


def shared_json(*parts: str) -> Any:
    return json.loads(shared_path(*parts).read_text(encoding="utf-8"))


Handler = Callable[[httpx.Request], httpx.Response | None]


@dataclass
class FakeNetwork:
    """An httpx transport that answers from handlers in order and keeps every request it saw."""

    handlers: list[Handler] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        for handler in self.handlers:
            response = handler(request)
            if response is not None:
                return response
        return httpx.Response(404, json={"error": f"no recording for {request.method} {request.url}"})

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def route(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        when: Callable[[httpx.Request], bool] | None = None,
    ) -> None:
        def handler(request: httpx.Request) -> httpx.Response | None:
            if request.method != method or not request.url.path.endswith(path):
                return None
            if when is not None and not when(request):
                return None
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            return httpx.Response(
                status, content=content, headers={"content-type": "application/json", **(headers or {})}
            )

        self.handlers.append(handler)

    def always(self, status: int, headers: dict[str, str] | None = None, body: Any = None) -> None:
        content = json.dumps(body or {"error": "recorded failure"}).encode()
        self.handlers.insert(0, lambda request: httpx.Response(status, content=content, headers=headers or {}))

    def sent(self, method: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method]
