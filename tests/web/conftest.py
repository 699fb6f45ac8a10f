from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.settings import Settings
from heard.web.app import create_app


@pytest.fixture
def runtime(tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'web.db'}", _env_file=None)
    rt = build_runtime(settings, clock)
    yield rt
    rt.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as test_client:
        yield test_client
