"""Issue 21, items 1, 3 and 8: hostile posts on the way in are refused with a reason, never stored to break a
page, never double-counted, and never take a valid post down with them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from heard.accounts.agents import add_agent
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.conversations.models import Conversation, PostRecord
from heard.errors import BadInput
from heard.events import POSTS_TOPIC
from heard.ingest.models import DeadLetter
from heard.posts import RawPost
from heard.settings import Settings
from heard.stream.base import OutMessage
from heard.web.app import create_app
from heard.workers.pipeline import PipelineWorker

GOOD = {"network": "mastodon", "author_id": "9", "author_handle": "ana", "created_at": "2026-01-05T10:00:00Z"}


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(env="test", database_url=db_url, _env_file=None), clock=clock)
    yield rt
    rt.close()


def _push(runtime: Runtime, *posts: dict[str, object]) -> None:
    runtime.log.append(POSTS_TOPIC, [OutMessage(str(p["external_id"]), json.dumps(p).encode()) for p in posts])


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", 1e12])
def test_a_time_outside_the_sane_range_is_refused(when: object) -> None:
    with pytest.raises(BadInput, match=r"outside|out of range"):
        RawPost.from_json(json.dumps({**GOOD, "external_id": "1", "text": "hi", "created_at": when}))


def test_a_post_from_year_9999_is_a_dead_letter_and_every_page_still_answers(runtime: Runtime) -> None:
    _push(
        runtime,
        {**GOOD, "external_id": "far", "text": "from the far future", "created_at": "9999-12-31T23:59:59Z"},
        {**GOOD, "external_id": "edge", "text": "at the last moment taken", "created_at": "2099-12-31T23:59:59Z"},
    )
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        assert session.execute(select(PostRecord.external_id)).scalars().all() == ["edge"]
        reasons = session.execute(select(DeadLetter.reason)).scalars().all()
        conversation = session.execute(select(Conversation.id)).scalar_one()
    assert len(reasons) == 1
    assert "outside" in reasons[0]
    with TestClient(create_app(runtime), follow_redirects=False) as client:
        with runtime.sessions.begin() as session:
            add_agent(session, "a@example.com", "agent", runtime.clock.now(), "correct horse battery staple")
        token = client.get("/login").text.split('name="csrf-token" content="')[1].split('"')[0]
        client.post(
            "/login", data={"email": "a@example.com", "password": "correct horse battery staple", "csrf_token": token}
        )
        for url in ("/", f"/conversations/{conversation}", "/?q=moment", f"/conversations/{conversation}/sla"):
            response = client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            assert response.status_code != 500


@pytest.mark.parametrize("network", ["a:b", "x y", "", "é", "-x"])
def test_a_network_name_that_could_make_keys_collide_is_refused(network: str) -> None:
    with pytest.raises(BadInput):
        RawPost.from_json(json.dumps({**GOOD, "network": network, "external_id": "c", "text": "hi"}))


def test_two_posts_that_would_share_a_key_are_never_one(runtime: Runtime) -> None:
    # "a:b" + "c" and "a" + "b:c" both read "a:b:c": the first is refused, so the second is never dropped as its copy
    _push(
        runtime,
        {**GOOD, "network": "a:b", "external_id": "c", "text": "one"},
        {**GOOD, "network": "a", "external_id": "b:c", "text": "two"},
    )
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        assert session.execute(select(PostRecord.text)).scalars().all() == ["two"]
        assert session.execute(select(func.count()).select_from(DeadLetter)).scalar_one() == 1


def test_absurd_reach_is_held_at_the_edge_not_fatal_to_the_batch(runtime: Runtime) -> None:
    _push(
        runtime,
        {**GOOD, "external_id": "1", "text": "valid", "author_followers": 12},
        {**GOOD, "external_id": "2", "author_id": "10", "text": "huge", "author_followers": 10**15},
    )
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        stored = dict(session.execute(select(PostRecord.external_id, PostRecord.author_followers)).all())  # type: ignore[arg-type]
        assert session.execute(select(func.count()).select_from(DeadLetter)).scalar_one() == 0
    assert stored == {"1": 12, "2": 2**31 - 1}


def test_years_at_the_edges_are_taken() -> None:
    for when in ("1990-01-01T00:00:00Z", "2099-12-31T23:59:59Z"):
        post = RawPost.from_json(json.dumps({**GOOD, "external_id": "1", "text": "hi", "created_at": when}))
        assert datetime(1990, 1, 1, tzinfo=UTC) <= post.created_at
