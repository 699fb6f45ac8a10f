"""Back-fill: a hashtag that just joined the listening rules is searched back in time once, on networks that can
search, against recorded responses of the real APIs; the channel's cursor does not move."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from heard.app import Runtime, build_runtime
from heard.channels.actions import add_channel
from heard.channels.models import Channel
from heard.clock import FrozenClock
from heard.connectors.base import BackfillUnsupported, ChannelConfig, Connector, ListeningRules
from heard.connectors.registry import connector_class
from heard.events import POSTS_TOPIC
from heard.settings import Settings
from heard.workers.listen import Listener
from tests.contract.connector_cases import MastodonCase, XCase
from tests.fakes.recordings import FakeNetwork, cassette

SECRET = "s" * 40
NOW = datetime(2022, 10, 8, 12, 0, tzinfo=UTC)


def _x(network: FakeNetwork, clock: FrozenClock) -> Connector:
    config = ChannelConfig("x-main", "x", options=XCase.options)
    return connector_class("x")(config, transport=network.transport, clock=clock)


def _x_pages(network: FakeNetwork) -> tuple[dict[str, Any], dict[str, Any]]:
    first = cassette("tweepy", "test_client_search_recent_tweets.yaml")[0].json()
    last = copy.deepcopy(cassette("tweepy", "test_client_get_users_mentions.yaml")[0].json())
    last["meta"].pop("next_token", None)
    network.route("GET", "/2/tweets/search/recent", last, when=lambda r: "next_token" in r.url.params)
    network.route("GET", "/2/tweets/search/recent", first)
    return first, last


def test_x_searches_the_tag_back_to_since_page_by_page() -> None:
    network, clock = FakeNetwork(), FrozenClock(NOW)
    first, last = _x_pages(network)
    result = _x(network, clock).backfill(("#UnitedBreaksGuitars",), NOW - timedelta(days=2))
    first_request, second_request = network.sent("GET")
    assert first_request.url.params["query"] == "(#UnitedBreaksGuitars) -is:retweet"
    assert first_request.url.params["start_time"] == "2022-10-06T12:00:00Z"
    assert "since_id" not in first_request.url.params
    assert second_request.url.params["next_token"] == first["meta"]["next_token"]
    assert len(result.posts) == len(first["data"]) + len(last["data"])
    assert result.cursor is None


def test_x_never_asks_past_the_seven_days_recent_search_reaches() -> None:
    network, clock = FakeNetwork(), FrozenClock(NOW)
    _x_pages(network)
    _x(network, clock).backfill(("delays",), NOW - timedelta(days=30))
    start = datetime.strptime(network.sent("GET")[0].url.params["start_time"], "%Y-%m-%dT%H:%M:%SZ")
    assert timedelta(days=6, hours=23) < NOW.replace(tzinfo=None) - start < timedelta(days=7)


def _statuses(count: int, newest: datetime) -> list[dict[str, Any]]:
    """`count` copies of a recorded hashtag-timeline status, a minute apart, newest first."""
    recorded = cassette("mastodon-py", "cassettes", "test_hashtag_tl.yaml")[2].json()[0]
    out = []
    for i in range(count):
        status = copy.deepcopy(recorded)
        status["id"] = str(int(recorded["id"]) - i)
        status["uri"] = status["url"] = f"{recorded['url']}-{i}"
        status["created_at"] = (newest - timedelta(minutes=i)).isoformat().replace("+00:00", "Z")
        out.append(status)
    return out


def test_mastodon_pages_the_tag_timeline_back_until_it_passes_since() -> None:
    network, clock = FakeNetwork(), FrozenClock(NOW)
    pages = _statuses(80, NOW)
    network.handlers.append(
        lambda r: (
            httpx.Response(200, json=pages[40:] if "max_id" in r.url.params else pages[:40])
            if r.url.path == "/api/v1/timelines/tag/hoot"
            else None
        )
    )
    config = ChannelConfig("m", "mastodon", options=MastodonCase.options, rules=ListeningRules(hashtags=("hoot",)))
    connector = connector_class("mastodon")(config, transport=network.transport, clock=clock)
    result = connector.backfill(("#Hoot",), NOW - timedelta(minutes=59, seconds=30))
    assert len(result.posts) == 60  # a minute apart: the last hour, and no older
    # (Mastodon.py also asks for /api/v2/instance, once it can cache the answer)
    first, second = [r for r in network.sent("GET") if "/timelines/" in r.url.path]
    assert "max_id" not in first.url.params
    assert second.url.params["max_id"] == pages[39]["id"]
    assert all(p.created_at >= NOW - timedelta(hours=1) for p in result.posts)


@pytest.fixture
def runtime(db_url: str) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=db_url, secret_key=SECRET, _env_file=None), clock=FrozenClock(NOW))
    yield rt
    rt.close()


def test_a_backfill_puts_posts_on_the_log_and_leaves_the_cursor(runtime: Runtime) -> None:
    network = FakeNetwork()
    first, last = _x_pages(network)
    with runtime.sessions.begin() as session:
        channel = add_channel(
            session, kind="x", name="x-main", options=XCase.options, secret_key=SECRET, now=runtime.clock.now()
        )
        channel.cursor = '{"s": "1"}'

    def factory(config: ChannelConfig) -> Connector:
        return connector_class(config.kind)(config, transport=network.transport, clock=runtime.clock)

    listener = Listener(runtime, factory=factory)
    outcome = listener.backfill("x-main", ("unitedbreaksguitars",), NOW - timedelta(days=1))
    assert outcome.taken == len(first["data"]) + len(last["data"])
    assert len(runtime.log.read(POSTS_TOPIC, 0, 1000)) == outcome.taken
    again = listener.backfill("x-main", ("unitedbreaksguitars",), NOW - timedelta(days=1))
    assert (again.taken, again.duplicates) == (0, outcome.taken)
    with runtime.sessions() as session:
        assert session.scalars(select(Channel.cursor)).one() == '{"s": "1"}'


def test_a_network_that_cannot_search_says_so(runtime: Runtime, tmp_path: Any) -> None:
    with runtime.sessions.begin() as session:
        add_channel(
            session,
            kind="replay",
            name="file",
            options={"path": str(tmp_path / "posts.jsonl")},
            secret_key=SECRET,
            now=runtime.clock.now(),
        )
    with pytest.raises(BackfillUnsupported, match="cannot search"):
        Listener(runtime).backfill("file", ("fail",), NOW - timedelta(days=1))


def test_bluesky_searches_the_tags_since_and_follows_the_cursor() -> None:
    from tests.contract.connector_cases import BlueskyCase, _thread_views

    network, clock = FakeNetwork(), FrozenClock(NOW)
    network.route("POST", "/xrpc/com.atproto.server.createSession", BlueskyCase.session)
    views = _thread_views()
    network.route("GET", "/xrpc/app.bsky.feed.searchPosts", {"posts": []}, when=lambda r: "cursor" in r.url.params)
    network.route("GET", "/xrpc/app.bsky.feed.searchPosts", {"posts": views, "cursor": "25"})
    config = ChannelConfig("b", "bluesky", options=BlueskyCase.options)
    result = connector_class("bluesky")(config, transport=network.transport, clock=clock).backfill(
        ("outage", "#AppDown"), NOW - timedelta(days=3)
    )
    first, second = network.sent("GET")
    assert first.url.params["q"] == "#outage OR #AppDown"
    assert first.url.params["since"] == "2022-10-05T12:00:00Z"
    assert second.url.params["cursor"] == "25"
    assert 0 < len(result.posts) <= len(views)


def test_reddit_searches_the_tag_words_newest_first() -> None:
    from tests.contract.connector_cases import RedditCase, _praw

    network, clock = FakeNetwork(), FrozenClock(datetime(2016, 4, 1, tzinfo=UTC))
    network.route("POST", "/api/v1/access_token", _praw("TestSubredditStreams.test_comments", 0))
    listing = _praw("TestSubreddit.test_search", 1)
    network.route("GET", "/search", listing)
    config = ChannelConfig("r", "reddit", options=RedditCase.options)
    connector = connector_class("reddit")(config, transport=network.transport, clock=clock)
    everything = connector.backfill(("#praw",), datetime(2000, 1, 1, tzinfo=UTC))
    request = network.sent("GET")[0]
    assert (request.url.params["q"], request.url.params["sort"]) == ("praw", "new")
    assert everything.posts
    newest = max(p.created_at for p in everything.posts)
    recent = connector.backfill(("#praw",), newest)
    assert [p.created_at for p in recent.posts] == [newest]
