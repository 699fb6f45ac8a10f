"""Issue 21, item 10: tokens end with the password; caching and HSTS headers; the OpenAPI schema documents the
bearer token, the push body and the errors; serving on all interfaces with the development secret warns."""

from __future__ import annotations

from fastapi.testclient import TestClient

from heard.accounts.agents import find_agent, set_password
from heard.app import Runtime
from heard.settings import DEV_SECRET, Settings
from heard.web.app import create_app
from heard.web.headers import exposure_warning
from tests.web.test_api import _token


def test_a_password_change_ends_the_agents_api_tokens(anonymous: TestClient, runtime: Runtime) -> None:
    headers = _token(runtime, "lead@example.com", "admin")
    assert anonymous.get("/api/v1/alerts", headers=headers).status_code == 200
    with runtime.sessions.begin() as session:
        agent = find_agent(session, "lead@example.com")
        assert agent is not None
        set_password(session, agent, "a brand new password", runtime.clock.now())
    assert anonymous.get("/api/v1/alerts", headers=headers).status_code == 401


def test_pages_and_api_answers_are_not_stored_by_caches(client: TestClient, runtime: Runtime) -> None:
    assert client.get("/").headers["cache-control"] == "no-store"
    assert client.get("/api/v1/alerts", headers=_token(runtime, "b@example.com", "agent")).headers["cache-control"] == (
        "no-store"
    )
    assert "no-store" not in client.get("/static/heard.css").headers.get("cache-control", "")


def test_hsts_over_https_and_in_production_only(runtime: Runtime) -> None:
    with TestClient(create_app(runtime), base_url="https://testserver") as secure:
        assert secure.get("/login").headers["strict-transport-security"].startswith("max-age=")
    with TestClient(create_app(runtime)) as plain:
        assert "strict-transport-security" not in plain.get("/login").headers


def test_the_schema_documents_the_bearer_token_the_push_body_and_the_errors(anonymous: TestClient) -> None:
    document = anonymous.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from `heard token create` (heard_...).",
    }
    assert document["security"] == [{"bearer": []}]
    push = document["paths"]["/api/v1/posts"]["post"]
    assert "application/x-ndjson" in push["requestBody"]["content"]
    for operations in document["paths"].values():
        for operation in operations.values():
            assert {"401", "403", "429"} <= set(operation["responses"])


def test_serving_on_all_interfaces_with_the_development_secret_warns() -> None:
    def settings(**kw: object) -> Settings:
        return Settings(env="development", _env_file=None, **kw)  # type: ignore[arg-type]

    assert exposure_warning(settings(host="0.0.0.0", secret_key=DEV_SECRET)) is not None
    assert exposure_warning(settings(host="127.0.0.1", secret_key=DEV_SECRET)) is None
    assert exposure_warning(settings(host="0.0.0.0", secret_key="x" * 40)) is None


def test_a_push_with_wrong_types_keeps_every_valid_post(anonymous: TestClient, runtime: Runtime) -> None:
    """Item 3: the lines with wrong types are dead letters; the valid posts around them are all stored."""
    from pathlib import Path

    from sqlalchemy import func, select

    from heard.conversations.models import PostRecord
    from heard.ingest.models import DeadLetter
    from heard.workers.pipeline import PipelineWorker

    body = (Path(__file__).parents[1] / "ingest" / "malformed" / "wrong_types.jsonl").read_bytes()
    headers = {**_token(runtime, "pusher@example.com", "admin"), "Content-Type": "application/x-ndjson"}
    pushed = anonymous.post("/api/v1/posts", content=body, headers=headers)
    assert pushed.status_code == 202
    assert (pushed.json()["taken"], pushed.json()["set_aside"]) == (2, 5)
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        stored = set(session.execute(select(PostRecord.external_id)).scalars())
        dead = session.execute(select(func.count()).select_from(DeadLetter)).scalar_one()
    assert stored == {"1", "7"}
    assert dead == 5
