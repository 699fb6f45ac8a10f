"""The alerts page lists what the radar raised; an alert's page shows the posts behind it, escaped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from heard.alerts.actions import record_proposals, record_spikes
from heard.app import Runtime
from heard.clock import FrozenClock
from heard.conversations.models import PostRecord
from heard.radar.hashtags import HashtagProposal
from heard.radar.spike import Spike
from tests.web.conftest import anonymous, log_in, runtime

__all__ = ["anonymous", "runtime"]  # the web tests' fixtures: a runtime on a SQLite file, a logged-out browser


@pytest.fixture
def client(anonymous: TestClient, runtime: Runtime) -> TestClient:
    """An agent's browser: the alerts pages are behind the login like the rest of the inbox."""
    return log_in(anonymous, runtime, "lead@example.com", "agent")


def test_alerts_need_a_login(anonymous: TestClient) -> None:
    assert anonymous.get("/alerts").status_code in (302, 303, 401)


def _post(external_id: str, text: str, when) -> PostRecord:  # type: ignore[no-untyped-def]
    return PostRecord(
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
