"""The channels page and the webhook endpoints: challenges answered, signatures enforced, posts onto the log."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from heard.app import Runtime
from heard.channels.actions import add_channel, record_health
from heard.connectors.facebook.signatures import sign
from heard.connectors.linkedin.signatures import challenge_response
from heard.connectors.x.webhooks import crc_response
from heard.events import POSTS_TOPIC
from heard.posts import RawPost
from tests.conftest import shared_path

APP_SECRET = "test_app_secret_NOT_REAL_0123456789abcdef"


def add(runtime: Runtime, kind: str, name: str, **options: str) -> None:
    with runtime.sessions.begin() as session:
        channel = add_channel(
            session,
            kind=kind,
            name=name,
            options=options,
            now=runtime.clock.now(),
            secret_key=runtime.settings.secret_key,
        )
        record_health(session, channel.id, "rate_limited", "GET /api/v1/notifications: rate limited (429)")


def test_channels_page_shows_health_and_never_credentials(client: TestClient, runtime: Runtime) -> None:
    add(runtime, "mastodon", "masto", instance="https://mastodon.example", token="tok-SECRET")
    html = client.get("/channels").text
    assert "masto" in html
    assert "rate limited" in html
    assert "tok-SECRET" not in html
    assert 'href="/channels"' in client.get("/").text


def test_empty_channels_page_says_how_to_add_one(client: TestClient) -> None:
    assert "heard channels add" in client.get("/channels").text


def test_meta_webhook_handshake_and_signed_delivery(client: TestClient, runtime: Runtime) -> None:
    add(
        runtime,
        "facebook",
        "page",
        page_id="111111111111111",
        page_token="t",
        app_secret=APP_SECRET,
        verify_token="my_verify_token_NOT_REAL",
    )
    answer = client.get(
        "/webhooks/page",
        params={"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "my_verify_token_NOT_REAL"},
    )
    assert (answer.status_code, answer.text) == (200, "1158201444")
    wrong = client.get(
        "/webhooks/page", params={"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "wrong"}
    )
    assert wrong.status_code == 403
    body = shared_path(
        "fixtures", "more", "facebook", "derived", "DERIVED_feed_comment_add_reply_modern.json"
    ).read_bytes()
    refused = client.post("/webhooks/page", content=body, headers={"X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert refused.status_code == 403
    taken = client.post("/webhooks/page", content=body, headers={"X-Hub-Signature-256": sign(APP_SECRET, body)})
    assert taken.json() == {"taken": 1, "set_aside": 0}
    again = client.post("/webhooks/page", content=body, headers={"X-Hub-Signature-256": sign(APP_SECRET, body)})
    assert again.status_code == 200
    (record,) = runtime.log.read(POSTS_TOPIC)  # a redelivered webhook adds nothing
    post = RawPost.from_json(record.payload)
    assert (post.network, post.external_id) == ("facebook", "333333333333333_555555555555555")


def test_x_crc_and_linkedin_challenge(client: TestClient, runtime: Runtime) -> None:
    add(runtime, "x", "xacct", bearer_token="b", consumer_secret="x-secret")
    add(runtime, "linkedin", "li", organization="urn:li:organization:1", access_token="t", client_secret="li-secret")
    crc = client.get("/webhooks/xacct", params={"crc_token": "challenge_string"})
    assert crc.json() == crc_response("x-secret", "challenge_string")
    challenge = client.get("/webhooks/li", params={"challengeCode": "890e4665"})
    assert challenge.json() == challenge_response("li-secret", "890e4665")


def test_unknown_or_non_webhook_channels_are_404(client: TestClient, runtime: Runtime) -> None:
    add(runtime, "mastodon", "masto", instance="https://mastodon.example", token="t")
    assert client.get("/webhooks/nobody", params={"crc_token": "x"}).status_code == 404
    assert client.post("/webhooks/masto", content=json.dumps({}).encode()).status_code == 404


def test_the_demo_replay_is_listed_with_its_health(client: TestClient, runtime: Runtime) -> None:
    """The demo replays the twcs sample with no channel row; the page lists it as a replay that is delivering."""
    from heard.commands.demo import sample_path
    from heard.connectors.replay.connector import in_time_order
    from heard.connectors.replay.formats import read_file
    from heard.workers.importer import import_rows
    from heard.workers.pipeline import PipelineWorker

    rows = in_time_order(read_file(sample_path(), "twcs", channel="twcs-sample"))[:50]
    import_rows(runtime, rows, "twcs-sample.csv")
    PipelineWorker(runtime).drain()
    html = client.get("/channels").text
    assert 'data-channel="twcs-sample"' in html
    assert '<span class="health">ok</span>' in html
    assert "heard channels add" not in html
