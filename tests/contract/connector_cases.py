"""One case per network for the connector contract suite: how to serve that network's recordings, and what
the request it publishes must look like. Recordings come from ../shared/fixtures (skipped when absent)."""

from __future__ import annotations

import glob
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx

from conftest import SHARED
from fakes.recordings import FakeNetwork, Interaction, cassette, load_cassette, shared_json, shared_path
from heard.connectors.base import ChannelConfig, ListeningRules, OutgoingReply
from heard.errors import BadInput
from heard.posts import RawPost

Rows = list[RawPost | BadInput]


def never_brand(handle: str) -> bool:
    return False


def collect(parse: Any, *args: Any) -> Rows:
    try:
        return [parse(*args)]
    except BadInput as exc:
        return [exc]


class Case:
    kind: ClassVar[str]
    options: ClassVar[dict[str, Any]]
    rules: ClassVar[ListeningRules] = ListeningRules()
    handle: ClassVar[str | None] = None
    brand_handles: ClassVar[tuple[str, ...]] = ()
    start_cursor: ClassVar[str | None] = None
    min_posts: ClassVar[int] = 1
    min_parsed: ClassVar[int] = 1
    has_brand_post: ClassVar[bool] = False
    reply: ClassVar[OutgoingReply]
    published_id: ClassVar[str]
    limit_wait_s: ClassVar[float] = 900.0

    def channel(self) -> ChannelConfig:
        return ChannelConfig(
            name=f"{self.kind}-test",
            kind=self.kind,
            handle=self.handle,
            brand_handles=self.brand_handles,
            rules=self.rules,
            options=self.options,
        )

    def serve_read(self, network: FakeNetwork) -> None:
        raise NotImplementedError

    def resumed(self, request: httpx.Request) -> bool:
        raise NotImplementedError

    def payloads(self) -> Iterator[tuple[str, Rows]]:
        raise NotImplementedError

    def serve_publish(self, network: FakeNetwork) -> None:
        raise NotImplementedError

    def check_publish(self, requests: list[httpx.Request]) -> None:
        raise NotImplementedError

    def limit_headers(self, now: datetime) -> dict[str, str]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.kind


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


# --------------------------------------------------------------------------------------------- Mastodon
def _mastodon_newer(items: Any, request: httpx.Request) -> Any:
    min_id = request.url.params.get("min_id")
    if min_id is None:
        return items
    return [i for i in items if int(i["id"]) > int(min_id)]


class MastodonCase(Case):
    kind = "mastodon"
    options: ClassVar[dict[str, Any]] = {"instance": "http://localhost:3000", "token": "mastodon-token-SECRET"}
    rules = ListeningRules(hashtags=("hoot",))
    brand_handles = ("mastodonpy_test_2",)
    has_brand_post = True
    min_posts = 2
    min_parsed = 100
    reply = OutgoingReply("reply-1", "Sorry about that, we're on it.", "117020583245459824", recipient_handle="admin")
    published_id = "117020583258292382"
    limit_wait_s = 300.0

    def serve_read(self, network: FakeNetwork) -> None:
        mentions = cassette("mastodon-py", "cassettes", "test_notifications_mentions_only.yaml")[1].json()
        tagged = cassette("mastodon-py", "cassettes", "test_hashtag_tl.yaml")[2].json()
        network.handlers.append(
            lambda r: (
                httpx.Response(200, json=_mastodon_newer(mentions, r))
                if r.url.path == "/api/v1/notifications"
                else None
            )
        )
        network.handlers.append(
            lambda r: (
                httpx.Response(200, json=_mastodon_newer(tagged, r))
                if r.url.path == "/api/v1/timelines/tag/hoot"
                else None
            )
        )

    def resumed(self, request: httpx.Request) -> bool:
        return "min_id" in request.url.params

    def payloads(self) -> Iterator[tuple[str, Rows]]:
        from heard.connectors.mastodon.parse import frame_status, notification_status, sse_frames, status_to_post

        def rows(status: Any) -> Rows:
            return collect(status_to_post, status, never_brand) if status is not None else []

        shared_path("fixtures", "mastodon-py")
        for path in sorted(glob.glob(str(SHARED / "fixtures/mastodon-py/*/*.yaml"))):
            for item in load_cassette(Path(path)):
                yield from self._interaction_rows(path, item, rows, notification_status)
        for path in sorted(glob.glob(str(SHARED / "fixtures/more/mastodon/*/*.sse"))):
            text = Path(path).read_text(encoding="utf-8")
            for frame in sse_frames(iter(text.splitlines())):
                try:
                    yield path, rows(frame_status(frame))
                except BadInput as exc:
                    yield path, [exc]

    @staticmethod
    def _interaction_rows(
        path: str, item: Interaction, rows: Any, notification_status: Any
    ) -> Iterator[tuple[str, Rows]]:
        uri = item.uri.split("?")[0]
        if uri.endswith(("/history", "/source")):
            return  # edit history entries are not posts
        if item.status != 200 or not ("/statuses" in uri or "/timelines/" in uri or "/notifications" in uri):
            return
        try:
            body = item.json()
        except ValueError:
            return
        for entry in body if isinstance(body, list) else [body]:
            if not isinstance(entry, dict):
                continue
            if "/notifications" in uri:
                if "type" in entry:
                    yield path, rows(notification_status(entry))
            elif "account" in entry and "content" in entry:
                yield path, rows(entry)

    def serve_publish(self, network: FakeNetwork) -> None:
        recorded = cassette("mastodon-py", "cassettes", "test_status_reply.yaml")[2].json()
        network.route("POST", "/api/v1/statuses", recorded)

    def check_publish(self, requests: list[httpx.Request]) -> None:
        (request,) = requests
        assert str(request.url) == "http://localhost:3000/api/v1/statuses"
        assert request.headers["Idempotency-Key"] == "reply-1"
        assert request.headers["Authorization"] == "Bearer mastodon-token-SECRET"
        assert body_of(request) == {
            "status": "@admin Sorry about that, we're on it.",
            "visibility": "public",
            "in_reply_to_id": "117020583245459824",
        }

    def limit_headers(self, now: datetime) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": (now + timedelta(seconds=300)).isoformat().replace("+00:00", "Z"),
        }


# --------------------------------------------------------------------------------------------- X
def _tweepy_bodies(pattern: str) -> Iterator[tuple[str, Any]]:
    shared_path("fixtures", "tweepy")
    for path in sorted(glob.glob(str(SHARED / "fixtures/tweepy" / pattern))):
        for item in load_cassette(Path(path)):
            try:
                yield path, item.json()
            except ValueError:
                continue


class XCase(Case):
    kind = "x"
    options: ClassVar[dict[str, Any]] = {
        "bearer_token": "x-bearer-SECRET",
        "user_token": "x-user-SECRET",
        "user_id": "783214",
        "consumer_secret": "x_consumer_secret_NOT_REAL_0123456789",
    }
    rules = ListeningRules(keywords=("Tweepy",))
    handle = "heardbrand"
    min_posts = 20
    min_parsed = 500
    reply = OutgoingReply("reply-1", "Sorry about that, we're on it.", "1293593516040269825")
    published_id = "1456012973835788293"

    def serve_read(self, network: FakeNetwork) -> None:
        search = cassette("tweepy", "test_client_search_recent_tweets.yaml")[0].json()
        mentions = cassette("tweepy", "test_client_get_users_mentions.yaml")[0].json()
        empty = {"meta": {"result_count": 0}}
        for path, body in (("/2/tweets/search/recent", search), ("/2/users/783214/mentions", mentions)):
            network.route("GET", path, empty, when=lambda r: "since_id" in r.url.params)
            network.route("GET", path, body)

    def resumed(self, request: httpx.Request) -> bool:
        return "since_id" in request.url.params

    def payloads(self) -> Iterator[tuple[str, Rows]]:
        from heard.connectors.x.parse import v1_to_post, v2_to_post, v2_tweets

        for path, body in _tweepy_bodies("test_*client_*.yaml"):
            if isinstance(body, dict) and isinstance(body.get("data"), list | dict):
                for tweet, users in v2_tweets(body):
                    if isinstance(tweet, dict) and "text" in tweet:
                        yield path, collect(v2_to_post, tweet, users, never_brand)
        for path, body in _tweepy_bodies("*.json"):
            statuses = body.get("statuses") if isinstance(body, dict) else body
            for tweet in statuses if isinstance(statuses, list) else [body]:
                if isinstance(tweet, dict) and "user" in tweet and "created_at" in tweet:
                    yield path, collect(v1_to_post, tweet, never_brand)
        doc = shared_json(
            "fixtures", "more", "x", "docs-x-com", "x__filtered-stream-quickstart__connect-to-the-filtered-stream.json"
        )
        for tweet, users in v2_tweets(doc):
            yield "doc stream line", collect(v2_to_post, tweet, users, never_brand)

    def serve_publish(self, network: FakeNetwork) -> None:
        created = shared_json(
            "fixtures", "more", "x", "tweepy-recorded", "create_and_delete_tweet__1_POST_response.json"
        )
        network.route("POST", "/2/tweets", created, status=201)
        network.route(
            "POST",
            "/2/dm_conversations/with/42/messages",
            {"data": {"dm_conversation_id": "42-783214", "dm_event_id": "1582838223219367940"}},
            status=201,
        )

    def check_publish(self, requests: list[httpx.Request]) -> None:
        (request,) = requests
        assert str(request.url) == "https://api.x.com/2/tweets"
        assert request.headers["Authorization"] == "Bearer x-user-SECRET"
        assert body_of(request) == {
            "text": "Sorry about that, we're on it.",
            "reply": {"in_reply_to_tweet_id": "1293593516040269825"},
        }

    def limit_headers(self, now: datetime) -> dict[str, str]:
        return {
            "x-rate-limit-limit": "450",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(now.timestamp()) + 900),
        }


CASES: list[Case] = [MastodonCase(), XCase()]
