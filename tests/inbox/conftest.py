"""Fixtures for the outbox, publisher and SLA tests: a runtime on each backend with a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.settings import Settings


@pytest.fixture
def runtime(db_url: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    settings = Settings(
        env="test", database_url=db_url, event_log="memory", outbox_dir=tmp_path / "outbox", _env_file=None
    )
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.close()
