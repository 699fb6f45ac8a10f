"""A network's posts end up in the inbox: recorded Reddit listings read by the listen loop, and a signed
Facebook webhook, go through the event log and the pipeline into conversations, threaded by reply."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from heard.app import Runtime, build_runtime
from heard.channels.actions import add_channel
from heard.clock import FrozenClock
from heard.connectors.base import ChannelConfig, Connector
from heard.connectors.facebook.signatures import sign
from heard.connectors.registry import connector_class
from heard.conversations.models import Conversation, PostRecord
from heard.settings import Settings
from heard.web.app import create_app
from heard.workers.listen import Listener
from heard.workers.pipeline import PipelineWorker
from tests.conftest import shared_path
from tests.fakes.recordings import FakeNetwork, cassette

SECRET = "s" * 40


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=db_url, secret_key=SECRET, _env_file=None), clock=clock)
    yield rt
    rt.close()


def test_reddit_listings_become_threaded_conversations(runtime: Runtime) -> None:
    comments = cassette("praw", "TestSubredditStreams.test_comments.json")[1].json()
    network = FakeNetwork()
    network.route(
        "POST", "/api/v1/access_token", {"access_token": "a", "token_type": "bearer", "expires_in": 86400, "scope": "*"}
    )
    network.route("GET", "/r/all/comments", comments)
    network.route("GET", "/r/all/new", {"kind": "Listing", "data": {"children": []}})
    with runtime.sessions.begin() as session:
        add_channel(
            session,
            kind="reddit",
            name="r",
            now=runtime.clock.now(),
            secret_key=SECRET,
            options={
                "client_id": "c",
                "client_secret": "s",
                "username": "u",
                "password": "p",
                "subreddits": "all",
                "mentions": "",
            },
        )

    def factory(config: ChannelConfig) -> Connector:
        return connector_class(config.kind)(config, transport=network.transport, clock=runtime.clock)

    (outcome,) = Listener(runtime, factory=factory).run_once()
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        stored = session.scalar(select(func.count()).select_from(PostRecord).where(PostRecord.network == "reddit"))
        conversations = session.scalar(select(func.count()).select_from(Conversation))
    assert stored == outcome.taken == len(comments["data"]["children"])
    assert conversations
    assert conversations <= stored


def test_a_signed_facebook_webhook_reaches_the_inbox(runtime: Runtime) -> None:
    secret = "app-secret"
    with runtime.sessions.begin() as session:
        add_channel(
            session,
            kind="facebook",
            name="page",
            now=runtime.clock.now(),
            secret_key=SECRET,
            options={"page_id": "111111111111111", "page_token": "t", "app_secret": secret},
        )
    folder = shared_path("fixtures", "more", "facebook", "derived")
    with TestClient(create_app(runtime)) as client:
        for name in ("DERIVED_feed_comment_add_toplevel_modern.json", "DERIVED_feed_comment_add_reply_modern.json"):
            body = (folder / name).read_bytes()
            answer = client.post("/webhooks/page", content=body, headers={"X-Hub-Signature-256": sign(secret, body)})
            assert answer.json()["taken"] == 1
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        rows = session.execute(select(PostRecord.external_id, PostRecord.conversation_id, PostRecord.in_reply_to)).all()
    assert len(rows) == 2
    by_id = {r.external_id: r for r in rows}
    reply = next(r for r in rows if r.in_reply_to in by_id)
    assert reply.conversation_id == by_id[reply.in_reply_to].conversation_id  # threaded into one conversation
