"""Fuzz target for the webhook endpoints (issue 21): properly signed deliveries with hostile bodies, to each
network that pushes (Meta, X, LinkedIn), never get a server error; each body's posts go on the log and what is
not a post becomes a dead letter. Unsigned bodies are refused without being parsed."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from heard.app import Runtime, build_runtime
from heard.channels.actions import add_channel
from heard.clock import FrozenClock
from heard.connectors.facebook.signatures import sign as meta_sign
from heard.connectors.x import webhooks as x_hooks
from heard.settings import Settings
from heard.web.app import create_app
from tests.fuzz.strategies import FUZZ, keys_of, payloads

SECRET = "fuzz-secret-NOT-REAL-0123456789abcdef"


def _linkedin_sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), b"hmacsha256=" + body, hashlib.sha256).hexdigest()


#: channel kind -> (options, signature header, signer, the parser modules whose keys shape the bodies)
NETWORKS: dict[str, tuple[dict[str, str], str, Callable[[str, bytes], str], list[str]]] = {
    "facebook": (
        {"page_id": "111111111111111", "page_token": "t", "app_secret": SECRET, "verify_token": "v"},
        "X-Hub-Signature-256",
        meta_sign,
        keys_of("connectors/facebook/parse.py"),
    ),
    "x": (
        {"bearer_token": "b", "consumer_secret": SECRET},
        "X-Twitter-Webhooks-Signature",
        x_hooks._sign,
        keys_of("connectors/x/parse.py", "connectors/x/connector.py"),
    ),
    "linkedin": (
        {"organization": "urn:li:organization:2414183", "access_token": "t", "client_secret": SECRET},
        "X-LI-Signature",
        _linkedin_sign,
        keys_of("connectors/linkedin/parse.py", "connectors/linkedin/connector.py"),
    ),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Runtime]]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "hooks.db"
    settings = Settings(env="test", database_url=f"sqlite:///{path}", _env_file=None)
    runtime = build_runtime(settings, FrozenClock())
    with runtime.sessions.begin() as session:
        for kind, (options, *_) in NETWORKS.items():
            add_channel(
                session, kind=kind, name=kind, options=options, secret_key=settings.secret_key, now=runtime.clock.now()
            )
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield client, runtime
    runtime.close()


BODIES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"", b"{}", b"[]", b"null", b"[" * 5000 + b"]" * 5000, b'{"entry":' * 3000, b"\xff\xfe"]),
)


@pytest.mark.parametrize("kind", sorted(NETWORKS))
def test_a_signed_hostile_body_never_makes_a_server_error(kind: str, app: tuple[TestClient, Runtime]) -> None:
    client, _ = app
    _, header, signer, keys = NETWORKS[kind]

    @FUZZ
    @given(st.one_of(BODIES, payloads(keys).map(lambda v: json.dumps(v).encode("utf-8", "surrogatepass"))))
    def run(body: bytes) -> None:
        response = client.post(f"/webhooks/{kind}", content=body, headers={header: signer(SECRET, body)})
        assert response.status_code < 500, (response.status_code, body[:200])
        if response.status_code == 200:
            taken: dict[str, Any] = response.json()
            assert set(taken) == {"taken", "set_aside"}

    run()


@pytest.mark.parametrize("kind", sorted(NETWORKS))
def test_an_unsigned_body_is_refused(kind: str, app: tuple[TestClient, Runtime]) -> None:
    client, _ = app

    @FUZZ
    @given(BODIES)
    def run(body: bytes) -> None:
        assert client.post(f"/webhooks/{kind}", content=body).status_code == 403

    run()
