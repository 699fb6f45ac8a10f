"""One case per network for the connector contract suite: how to serve that network's recordings, and what
the request it publishes must look like. Recordings come from ../shared/fixtures (skipped when absent)."""

from __future__ import annotations

import base64
import glob
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import httpx

from heard.connectors.base import ChannelConfig, ListeningRules, OutgoingReply
from heard.errors import BadInput
from heard.posts import RawPost
from tests.conftest import SHARED
from tests.fakes.recordings import FakeNetwork, Interaction, cassette, load_cassette, shared_json, shared_path

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
        # the form Mastodon.py sends (the fields of the recorded reply)
        assert parse_qs(request.content.decode()) == {
            "status": ["@admin Sorry about that, we're on it."],
            "visibility": ["public"],
            "in_reply_to_id": ["117020583245459824"],
            "sensitive": ["0"],
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
        # the DMs the user token reads (dm.read): tweepy's recorded GET /2/dm_events
        network.route(
            "GET", "/2/dm_events", cassette("tweepy", "test_manage_and_lookup_direct_messages.yaml")[3].json()
        )

    def resumed(self, request: httpx.Request) -> bool:
        # dm_events takes no since_id: the stored newest DM id filters (checked by disjointness)
        return "since_id" in request.url.params or request.url.path.endswith("/2/dm_events")

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
        assert request.url.path == "/2/tweets"  # tweepy calls api.twitter.com, which X serves as api.x.com
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


# --------------------------------------------------------------------------------------------- Bluesky
def _thread_views() -> list[dict[str, Any]]:
    thread = shared_json("fixtures", "atproto-python-sdk", "thread_view_post_with_embed_media.json")["thread"]
    views = [thread["post"]]
    views += [r["post"] for r in thread.get("replies") or [] if isinstance(r, dict) and "post" in r]
    parent = thread.get("parent")
    if isinstance(parent, dict) and "post" in parent:
        views.append(parent["post"])
    return views


def _bluesky_notifications() -> dict[str, Any]:
    """DERIVED: listNotifications wraps the same uri/cid/author/record/indexedAt fields as a PostView (lexicon
    app.bsky.notification.listNotifications); built from the real Jetstream reply event and a real author."""
    event = shared_json("fixtures", "more", "bluesky", "jetstream-real", "event_reply.json")
    commit = event["commit"]
    return {
        "notifications": [
            {
                "uri": f"at://{event['did']}/app.bsky.feed.post/{commit['rkey']}",
                "cid": commit["cid"],
                "author": {"did": event["did"], "handle": "customer.bsky.social", "displayName": "A customer"},
                "reason": "reply",
                "record": commit["record"],
                "isRead": False,
                "indexedAt": "2026-07-04T14:38:08.130Z",
            },
            {
                "uri": "at://did:plc:x/app.bsky.feed.like/1",
                "reason": "like",
                "author": {"did": "did:plc:x"},
                "record": {},
                "indexedAt": "2026-07-04T14:38:09.000Z",
            },
        ]
    }


def fake_jwt(did: str, exp: datetime, scope: str = "com.atproto.appPass") -> str:
    """A JWT shaped like a PDS's access or refresh JWT (unsigned: the client only reads its claims)."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"scope": scope, "sub": did, "iat": int(exp.timestamp()) - 7200, "exp": int(exp.timestamp())}
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


BSKY_DID = "did:plc:u5cwb2mwiv2bfq53cjufe6yn"
#: the access JWT the recorded session hands out (2 hours from the suite's clock)
BSKY_ACCESS = fake_jwt(BSKY_DID, datetime(2026, 1, 5, 11, 0, tzinfo=UTC))


class BlueskyCase(Case):
    kind = "bluesky"
    options: ClassVar[dict[str, Any]] = {
        "identifier": "heard.bsky.social",
        "app_password": "bsky-app-pw-SECRET",
        "mode": "search",
    }
    rules = ListeningRules(keywords=("python sdk",))
    brand_handles = ("test.marshal.dev",)
    has_brand_post = True
    min_posts = 2
    min_parsed = 17
    reply = OutgoingReply(
        "reply-1",
        "Sorry about that, we're on it.",
        "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22",
    )
    published_id = "at://did:plc:u5cwb2mwiv2bfq53cjufe6yn/app.bsky.feed.post/3k4duaz5vfs2b"
    session: ClassVar[dict[str, str]] = {
        "accessJwt": BSKY_ACCESS,
        "refreshJwt": fake_jwt(BSKY_DID, datetime(2026, 3, 5, 9, 0, tzinfo=UTC), "com.atproto.refresh"),
        "handle": "heard.bsky.social",
        "did": BSKY_DID,
    }

    def serve_read(self, network: FakeNetwork) -> None:
        network.route("POST", "/xrpc/com.atproto.server.createSession", self.session)
        network.route("GET", "/xrpc/app.bsky.notification.listNotifications", _bluesky_notifications())
        network.route("GET", "/xrpc/app.bsky.feed.searchPosts", {"posts": _thread_views()})

    def resumed(self, request: httpx.Request) -> bool:
        return "since" in request.url.params

    def payloads(self) -> Iterator[tuple[str, Rows]]:
        from heard.connectors.bluesky.parse import jetstream_post, record_to_post, view_to_post

        path = shared_path("fixtures", "more", "bluesky", "jetstream-real", "expected_v1.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                post = jetstream_post(json.loads(line), never_brand)
            except BadInput as exc:
                yield str(path), [exc]
                continue
            if post is not None:
                yield str(path), [post]
        for view in _thread_views():
            yield "thread view", collect(view_to_post, view, never_brand)
        for name in ("post_record_basic", "post_record_reply", "post_record_quote"):
            record = shared_json("fixtures", "more", "bluesky", "bsky-docs", f"{name}.json")
            yield (
                name,
                collect(record_to_post, "at://did:plc:doc/app.bsky.feed.post/1", record, "did:plc:doc", never_brand),
            )

    def serve_publish(self, network: FakeNetwork) -> None:
        network.route("POST", "/xrpc/com.atproto.server.createSession", self.session)
        network.route("GET", "/xrpc/app.bsky.feed.getPosts", {"posts": _thread_views()[:1]})
        network.route(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            shared_json("fixtures", "more", "bluesky", "bsky-docs", "createRecord_response.json"),
        )
        # DERIVED from the chat.bsky.convo lexicons (convoView, messageView): no recording exists
        network.route("GET", "/xrpc/chat.bsky.convo.getConvoForMembers", {"convo": {"id": "3kconvo", "rev": "1"}})
        network.route(
            "POST",
            "/xrpc/chat.bsky.convo.sendMessage",
            {"id": "3kmsg", "rev": "2", "text": "Sent you the details.", "sentAt": "2026-01-05T09:00:00Z"},
        )

    def check_publish(self, requests: list[httpx.Request]) -> None:
        session, lookup, create = requests
        assert body_of(session) == {"identifier": "heard.bsky.social", "password": "bsky-app-pw-SECRET"}
        assert lookup.url.params["uris"] == self.reply.in_reply_to
        assert str(create.url) == "https://bsky.social/xrpc/com.atproto.repo.createRecord"
        assert create.headers["Authorization"] == f"Bearer {BSKY_ACCESS}"
        parent = {
            "uri": self.reply.in_reply_to,
            "cid": "bafyreigb666sdjyyaczcahxmf5tzh7dec6bwr3nhdab7llebn7vhsxzgr4",
            "$type": "com.atproto.repo.strongRef",
        }
        assert body_of(create) == {
            "repo": "did:plc:u5cwb2mwiv2bfq53cjufe6yn",
            "collection": "app.bsky.feed.post",
            "validate": True,
            "record": {
                "$type": "app.bsky.feed.post",
                "text": "Sorry about that, we're on it.",
                "createdAt": "2026-01-05T09:00:00+00:00",
                "langs": ["en"],
                "reply": {"root": parent, "parent": parent, "$type": "app.bsky.feed.post#replyRef"},
            },
        }

    def limit_headers(self, now: datetime) -> dict[str, str]:
        return {
            "ratelimit-limit": "3000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(int(now.timestamp()) + 900),
        }


CASES.append(BlueskyCase())


# --------------------------------------------------------------------------------------------- Reddit
def _praw(name: str, index: int) -> Any:
    return cassette("praw", f"{name}.json")[index].json()


class RedditCase(Case):
    kind = "reddit"
    options: ClassVar[dict[str, Any]] = {
        "client_id": "reddit-client",
        "client_secret": "reddit-secret-SECRET",
        "username": "<USERNAME>",
        "password": "reddit-pw-SECRET",
        "subreddits": "all",
    }
    rules = ListeningRules(keywords=("praw",))
    handle = "<USERNAME>"
    brand_handles = ("Mametaro",)  # a real author in the recorded stream stands in for the brand
    has_brand_post = True
    min_posts = 150
    min_parsed = 2000
    reply = OutgoingReply("reply-1", "Comment reply", "t1_d1616q2")
    published_id = "t1_d1680wu"
    limit_wait_s = 369.0

    def serve_read(self, network: FakeNetwork) -> None:
        network.route("POST", "/api/v1/access_token", _praw("TestSubredditStreams.test_comments", 0))
        network.route("GET", "/r/all/comments", _praw("TestSubredditStreams.test_comments", 1))
        network.route("GET", "/r/all/new", _praw("TestSubredditStreams.test_submissions", 1))
        network.route("GET", "/search", _praw("TestSubreddit.test_search", 1))
        network.route("GET", "/message/mentions", _praw("TestInbox.test_mentions", 1))

    def resumed(self, request: httpx.Request) -> bool:
        return True  # Reddit listings take no "since"; the high-water mark filters (checked by disjointness)

    def payloads(self) -> Iterator[tuple[str, Rows]]:
        from heard.connectors.reddit.parse import thing_to_post, things

        shared_path("fixtures", "praw")
        for path in sorted(glob.glob(str(SHARED / "fixtures/praw/*.json"))):
            for item in load_cassette(Path(path)):
                try:
                    body = item.json()
                except ValueError:
                    continue
                for thing in things(body):
                    yield path, collect(thing_to_post, thing, never_brand)

    def serve_publish(self, network: FakeNetwork) -> None:
        network.route("POST", "/api/v1/access_token", _praw("TestComment.test_reply", 0))
        network.route("POST", "/api/comment/", _praw("TestComment.test_reply", 1))
        network.route("POST", "/api/compose/", _praw("TestSubreddit.test_message", 1))

    def check_publish(self, requests: list[httpx.Request]) -> None:
        token, comment = requests
        assert token.content == b"grant_type=password&password=reddit-pw-SECRET&username=%3CUSERNAME%3E"
        assert token.headers["Authorization"].startswith("Basic ")
        assert str(comment.url) == "https://oauth.reddit.com/api/comment/?raw_json=1"
        assert comment.headers["Authorization"] == "bearer <ACCESS_TOKEN>"
        # the fields praw sent when this reply was recorded (prawcore now sorts them)
        assert parse_qs(comment.content.decode()) == parse_qs("api_type=json&thing_id=t1_d1616q2&text=Comment+reply")

    def limit_headers(self, now: datetime) -> dict[str, str]:
        return {"x-ratelimit-remaining": "0.0", "x-ratelimit-used": "600", "x-ratelimit-reset": "369"}


CASES.append(RedditCase())


# --------------------------------------------------------------------------------------------- YouTube
def _youtube(name: str) -> Any:
    return shared_json("fixtures", "more", "youtube", "sns-sdks-python-youtube", f"{name}.json")


class YouTubeCase(Case):
    kind = "youtube"
    options: ClassVar[dict[str, Any]] = {
        "channel_id": "UCa-vrCLQHviTOVnEKDOdetQ",
        "api_key": "yt-key-SECRET",
        "access_token": "yt-token-SECRET",
    }
    brand_handles = ("UCupGECpPBlTnanhGHLe6GpA",)  # a real commenter's channel id stands in for the brand
    has_brand_post = True
    min_posts = 7
    min_parsed = 25
    reply = OutgoingReply("reply-1", "wow", "Ugy_CAftKrIUCyPr9GR4AaABAg")
    published_id = "Ugy_CAftKrIUCyPr9GR4AaABAg.9iPXEClD9lW9iPXLqKy_Pt"

    def serve_read(self, network: FakeNetwork) -> None:
        network.route(
            "GET", "/youtube/v3/commentThreads", _youtube("apidata__comment_threads__comment_threads_all_to_me")
        )
        # the real replies of the thread Ugw5zYU6n9pmIgAZWvN4AaABAg, in two recorded pages
        page_two = _youtube("apidata__comments__comments_by_parent_paged_2")
        network.route("GET", "/youtube/v3/comments", page_two, when=lambda r: "pageToken" in r.url.params)
        network.route("GET", "/youtube/v3/comments", _youtube("apidata__comments__comments_by_parent_paged_1"))

    def resumed(self, request: httpx.Request) -> bool:
        return True  # commentThreads takes no "since"; the high-water mark filters (checked by disjointness)

    def payloads(self) -> Iterator[tuple[str, Rows]]:
        from heard.connectors.youtube.parse import comment_to_post, thread_comments

        folder = shared_path("fixtures", "more", "youtube", "sns-sdks-python-youtube")
        for path in sorted(folder.glob("apidata__comment*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            items = body.get("items") if "items" in body else [body]
            for item in items:
                comments = thread_comments(item) if item.get("kind") == "youtube#commentThread" else [item]
                for comment in comments:
                    yield path.name, collect(comment_to_post, comment, never_brand)

    def serve_publish(self, network: FakeNetwork) -> None:
        network.route("POST", "/youtube/v3/comments", _youtube("apidata__comments__insert_response"))

    def check_publish(self, requests: list[httpx.Request]) -> None:
        (request,) = requests
        assert request.url.path == "/youtube/v3/comments"
        assert request.url.params["part"] == "snippet"
        assert request.headers["Authorization"] == "Bearer yt-token-SECRET"
        expected = shared_json("fixtures", "more", "youtube", "request-bodies", "comments.insert_request_body.json")
        assert body_of(request) == expected

    def limit_headers(self, now: datetime) -> dict[str, str]:
        return {"Retry-After": "900"}


CASES.append(YouTubeCase())


# --------------------------------------------------------------------------------------------- Facebook
def _facebook(*parts: str) -> Any:
    return shared_json("fixtures", "more", "facebook", *parts)


def _facebook_feed() -> dict[str, Any]:
    """DERIVED composition of REAL Graph nodes: /{page}/feed posts (feed_fields_p1) with the real comments of
    comments_p1 nested under the first post, as `fields=...,comments{...}` returns them."""
    feed = _facebook("sns-sdks-python-facebook", "facebook__apidata__posts__feed_fields_p1.json")
    comments = _facebook("sns-sdks-python-facebook", "facebook__apidata__comments__comments_p1.json")
    posts = [dict(p) for p in feed["data"]]
    posts[0]["comments"] = {"data": comments["data"]}
    return {"data": posts}


class FacebookCase(Case):
    kind = "facebook"
    options: ClassVar[dict[str, Any]] = {
        "page_id": "4",
        "page_token": "fb-page-token-SECRET",
        "app_secret": "test_app_secret_NOT_REAL_0123456789abcdef",
        "verify_token": "my_verify_token_NOT_REAL",
    }
    has_brand_post = True
    min_posts = 10
    min_parsed = 60
    reply = OutgoingReply(
        "reply-1",
        "Sorry about that, we're on it.",
        "10158371815748553_10158371930463553",
        in_reply_to_created_at=datetime(2026, 1, 4, 9, 0).astimezone(),
    )
    published_id = "10158371815748553_10158372268858999"

    def serve_read(self, network: FakeNetwork) -> None:
        network.route("GET", "/v24.0/4/feed", _facebook_feed())

    def resumed(self, request: httpx.Request) -> bool:
        return True  # the feed takes no "since" for comments; the high-water mark filters (disjointness)

    def payloads(self) -> Iterator[tuple[str, Rows]]:
        from heard.connectors.facebook.parse import change_to_post, delivery_items, message_to_post, node_to_post

        folder = shared_path("fixtures", "more", "facebook")
        for path in sorted(
            [
                *folder.glob("restfb-webhooks/*.json"),
                *folder.glob("derived/*.json"),
                *folder.glob("meta-docs/app_dashboard_*.json"),
            ]
        ):
            for kind, value in delivery_items(json.loads(path.read_text(encoding="utf-8"))):
                parse = change_to_post if kind == "change" else message_to_post
                rows = collect(parse, value, never_brand)
                yield path.name, [r for r in rows if r is not None]
        for path in sorted(folder.glob("sns-sdks-python-facebook/facebook__*.json")):
            if "conversations" in path.name or "messages" in path.name or "pages" in path.name:
                continue
            body = json.loads(path.read_text(encoding="utf-8"))
            nodes = body["data"] if "data" in body else list(body.values()) if "message" not in body else [body]
            for node in nodes:
                if isinstance(node, dict) and ("message" in node or "created_time" in node):
                    yield path.name, collect(node_to_post, node, never_brand, None, "parent-1", "page-1")

    def serve_publish(self, network: FakeNetwork) -> None:
        network.route("POST", f"/v24.0/{self.reply.in_reply_to}/comments", {"id": self.published_id})
        network.route("POST", "/v24.0/4/messages", _facebook("meta-docs", "send_api_response.json"))

    def check_publish(self, requests: list[httpx.Request]) -> None:
        (request,) = requests
        assert str(request.url) == f"https://graph.facebook.com/v24.0/{self.reply.in_reply_to}/comments"
        assert request.headers["Authorization"] == "Bearer fb-page-token-SECRET"
        assert body_of(request) == {"message": "Sorry about that, we're on it."}

    def limit_headers(self, now: datetime) -> dict[str, str]:
        return {"Retry-After": "900"}


CASES.append(FacebookCase())


# --------------------------------------------------------------------------------------------- LinkedIn
ACTIVITY = "urn:li:activity:7095684521727016961"


def _linkedin(*parts: str) -> Any:
    return shared_json("fixtures", "more", "linkedin", *parts)


class LinkedInCase(Case):
    kind = "linkedin"
    options: ClassVar[dict[str, Any]] = {
        "organization": "urn:li:organization:96072893",
        "access_token": "li-token-SECRET",
        "client_secret": "li_client_secret_NOT_REAL_0123456789",
        "watch_posts": ACTIVITY,
    }
    has_brand_post = True
    min_posts = 3
    min_parsed = 3
    reply = OutgoingReply(
        "reply-1", "Sorry about that, we're on it.", f"urn:li:comment:({ACTIVITY},7095684947448897536)"
    )
    published_id = f"urn:li:comment:({ACTIVITY},7095697728675995648)"
    limit_wait_s = 60.0  # LinkedIn's 429 carries no reset header: Heard waits its default minute

    def serve_read(self, network: FakeNetwork) -> None:
        element = _linkedin("unattributed-real", "organizationalEntityNotifications_element_COMMENT.json")
        # DERIVED envelope (Rest.li collection: elements + paging) around the recorded element
        network.route(
            "GET",
            "/rest/organizationalEntityNotifications",
            {"elements": [element], "paging": {"start": 0, "count": 100, "links": []}},
        )
        network.route(
            "GET", "/comments", _linkedin("unattributed-real", "rest_socialActions_comments_GET_response.json")
        )

    def resumed(self, request: httpx.Request) -> bool:
        return True  # timeRange starts at the mark (see tests/connectors/test_linkedin_connector.py)

    def payloads(self) -> Iterator[tuple[str, Rows]]:
        from heard.connectors.linkedin.parse import comment_to_post, notification_to_post

        element = _linkedin("unattributed-real", "organizationalEntityNotifications_element_COMMENT.json")
        yield "notification", [p for p in collect(notification_to_post, element, never_brand) if p is not None]
        for comment in _linkedin("unattributed-real", "rest_socialActions_comments_GET_response.json")["elements"]:
            yield "socialActions comments", collect(comment_to_post, comment, never_brand)
        doc = _linkedin("learn-microsoft-docs", "compliance_socialActions_comments_activity.json")
        yield "doc comment activity", collect(comment_to_post, doc, never_brand)

    def serve_publish(self, network: FakeNetwork) -> None:
        # DERIVED: 201 + x-restli-id as the Comments API documents; body = one comment element like the recorded ones
        made = {
            "actor": "urn:li:organization:96072893",
            "id": "7095697728675995648",
            "object": ACTIVITY,
            "message": {"text": "Sorry about that, we're on it."},
            "created": {"actor": "urn:li:organization:96072893", "time": 1767603600000},
        }
        network.route("POST", "/comments", made, status=201, headers={"x-restli-id": "7095697728675995648"})

    def check_publish(self, requests: list[httpx.Request]) -> None:
        (request,) = requests
        assert request.url.raw_path.decode() == (
            "/rest/socialActions/urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A7095684521727016961"
            "%2C7095684947448897536%29/comments"
        )
        assert request.headers["Authorization"] == "Bearer li-token-SECRET"
        assert request.headers["LinkedIn-Version"] == "202611"  # current; 202405 is retired (HTTP 426)
        assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
        assert body_of(request) == {
            "actor": "urn:li:organization:96072893",
            "object": ACTIVITY,
            "parentComment": self.reply.in_reply_to,
            "message": {"text": "Sorry about that, we're on it."},
        }

    def limit_headers(self, now: datetime) -> dict[str, str]:
        return {}


CASES.append(LinkedInCase())
