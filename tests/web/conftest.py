from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heard.accounts.agents import add_agent
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.settings import Settings
from heard.web.app import create_app

PASSWORD = "correct horse battery staple"


@pytest.fixture
def runtime(tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'web.db'}", _env_file=None)
    rt = build_runtime(settings, clock)
    yield rt
    rt.close()


@pytest.fixture
def anonymous(runtime: Runtime) -> Iterator[TestClient]:
    """A browser that has not logged in."""
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "no csrf-token meta tag"
    return found.group(1)


def log_in(client: TestClient, runtime: Runtime, email: str, role: str) -> TestClient:
    with runtime.sessions.begin() as session:
        add_agent(session, email, role, runtime.clock.now(), PASSWORD)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def client(anonymous: TestClient, runtime: Runtime) -> TestClient:
    """A browser logged in as an agent."""
    return log_in(anonymous, runtime, "agent@example.com", "agent")
