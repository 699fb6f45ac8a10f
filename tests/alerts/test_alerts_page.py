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
    assert "9 people joined a complaint" in listing
    assert f'href="/alerts/{alert_id}"' in listing
    assert "#acmefail" in listing
    detail = client.get(f"/alerts/{alert_id}")
    assert detail.status_code == 200
    assert "me too" in detail.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail.text
    assert "<script>alert(1)" not in detail.text
    assert client.get("/alerts/999").status_code == 404
    assert client.get("/alerts?status=bogus").status_code == 200


def test_alerts_are_ranked_titled_in_words_badged_and_acknowledged_by_name(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    now = clock.now()
    volume = Spike("volume", "topic:billing", now, now, 40.0, 2.2, 0.999, 0.95, evidence={"p": 4.3e-19})
    pileon = Spike(
        "pileon",
        "thread:x:10",
        now - timedelta(minutes=5),
        now - timedelta(minutes=5),
        13.0,
        0.05,
        0.99,
        0.3,
        evidence={"new_authors": 13, "unanswered_s": 360.0, "joined_over_s": 240.0, "urgency": 60, "p": 1e-9},
    )
    with runtime.sessions.begin() as session:
        root = _post("10", "@acme you lost my bags on the flight to Oslo", now - timedelta(minutes=7))
        root.author_handle = "ana"
        session.add(root)
        record_spikes(session, [pileon, volume], now)
    listing = client.get("/alerts").text
    titles = [line.strip() for line in listing.splitlines() if 'class="alert-title"' in line]
    assert "13 people joined @ana&#39;s complaint “you lost my bags" in titles[0]
    assert "in 4 min; not answered for 6 min" in titles[0]
    assert "Posts about billing: 40 where about 2 are usual" in titles[1]
    assert 'class="badge nav-badge" title="open alerts">2<' in listing
    assert "4.3e-19" not in listing
    alert_id = int(listing.split('data-alert-id="')[1].split('"')[0])
    detail = client.get(f"/alerts/{alert_id}").text
    assert "<details" in detail
    assert "acceleration" not in detail.split("<details")[0]
    token = detail.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post(f"/alerts/{alert_id}/status", data={"status": "acknowledged", "csrf_token": token})
    assert done.status_code in (200, 303)
    after = client.get(f"/alerts/{alert_id}").text
    assert "acknowledged by" in after
    assert "lead" in after.split("acknowledged by")[1][:80]
    assert 'title="open alerts">1<' in after


def test_alerts_filter_by_brand_and_the_picker_shows_only_with_several_brands(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    from heard.brands.actions import ensure_brand

    now = clock.now()
    spikes = [
        Spike("volume", "brand:delta", now, now, 40.0, 2.0, 0.99, 0.5, evidence={"brand": "delta"}),
        Spike("volume", "brand:amazonhelp", now, now, 30.0, 2.0, 0.99, 0.4, evidence={"brand": "amazonhelp"}),
    ]
    with runtime.sessions.begin() as session:
        ensure_brand(session, "Delta", now)
        record_spikes(session, spikes, now)
    assert 'class="brand-picker"' not in client.get("/alerts").text  # one brand: no picker
    with runtime.sessions.begin() as session:
        ensure_brand(session, "AmazonHelp", now)
    listing = client.get("/alerts").text
    assert 'class="brand-picker"' in listing
    assert "Posts to @delta" in listing
    assert "Posts to @amazonhelp" in listing
    delta = client.get("/alerts?brand=delta").text
    assert "Posts to @delta" in delta
    assert "Posts to @amazonhelp" not in delta
    # Hashtag proposals are per brand too: each filed under the brand of the posts that raised it.
    with runtime.sessions.begin() as session:
        record_proposals(
            session,
            [
                HashtagProposal("#deltafail", now, 12, 9, 8.0, 0.7, ("x:1",), brand="delta"),
                HashtagProposal("#primeday", now, 20, 15, 6.0, 0.4, ("x:2",), brand="amazonhelp"),
                HashtagProposal("#unfiled", now, 20, 15, 6.0, 0.4, ("x:3",), brand="all"),
            ],
            now,
        )
    everything = client.get("/alerts").text
    assert all(f'data-tag="{tag}"' in everything for tag in ("#deltafail", "#primeday", "#unfiled"))
    delta = client.get("/alerts?brand=delta").text
    assert 'data-tag="#deltafail"' in delta
    assert 'data-tag="#primeday"' not in delta
    assert 'data-tag="#unfiled"' not in delta


def test_the_radar_files_a_hashtag_proposal_under_its_posts_brand() -> None:
    from heard.posts import Post, RawPost
    from heard.radar.radar import Radar

    clock = FrozenClock()
    radar = Radar(clock=clock)
    for i in range(200):
        clock.advance(20)
        raw = RawPost("twitter", f"p{i}", f"a{i}", f"a{i}", "@Delta lost my bag #deltafail", clock.now())
        radar.observe(Post(raw=raw, text=raw.text, hashtags=("deltafail",), extra={"brands": ["delta"]}))
    assert radar.proposals
    assert {p.brand for p in radar.proposals} == {"delta"}
