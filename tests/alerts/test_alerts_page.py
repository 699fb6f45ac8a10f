"""The alerts page lists what the radar raised; an alert's page shows the posts behind it, escaped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heard.alerts.actions import record_proposals, record_spikes
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.ingest.models import Post as PostRow
from heard.radar.hashtags import HashtagProposal
from heard.radar.spike import Spike
from heard.settings import Settings
from heard.web.app import create_app
from tests.web.conftest import log_in


@pytest.fixture
def runtime(tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'web.db'}", _env_file=None)
    rt = build_runtime(settings, clock)
    yield rt
    rt.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """An agent's browser: the alerts pages are behind the login like the rest of the inbox."""
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        yield log_in(test_client, runtime, "lead@example.com", "agent")


def test_alerts_need_a_login(runtime: Runtime) -> None:
    with TestClient(create_app(runtime), follow_redirects=False) as anonymous:
        assert anonymous.get("/alerts").status_code in (302, 303, 401)


def _post(external_id: str, text: str, when) -> PostRow:  # type: ignore[no-untyped-def]
    return PostRow(
        network="x",
        external_id=external_id,
        author_id=external_id,
        author_handle=f"h{external_id}",
        text=text,
        created_at=when,
        ingested_at=when,
        hashtags=[],
        mentions=[],
        urls=[],
        intents=[],
        urgency_reasons=[],
    )


def test_alerts_page_and_alert_page(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    now = clock.now()
    spike = Spike(
        "pileon",
        "thread:x:1",
        now,
        now - timedelta(minutes=3),
        9.0,
        0.05,
        0.99,
        0.7,
        post_keys=("x:2", "x:3"),
        evidence={"new_authors": 9},
    )
    with runtime.sessions.begin() as session:
        session.add_all([_post("2", "<script>alert(1)</script> same here", now), _post("3", "me too", now)])
        alert_id = record_spikes(session, [spike], now).opened[0].id
        record_proposals(session, [HashtagProposal("#acmefail", now, 12, 9, 8.0, 0.7, ("x:2",))], now)
    listing = client.get("/alerts").text
    assert "thread:x:1" in listing
    assert f'href="/alerts/{alert_id}"' in listing
    assert "#acmefail" in listing
    detail = client.get(f"/alerts/{alert_id}")
    assert detail.status_code == 200
    assert "me too" in detail.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail.text
    assert "<script>alert(1)" not in detail.text
    assert client.get("/alerts/999").status_code == 404
    assert client.get("/alerts?status=bogus").status_code == 200
