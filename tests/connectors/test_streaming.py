"""The streaming readers over real sockets: a local Jetstream (WebSocket) and a local Mastodon streaming
server (server-sent events) replay recorded frames; the connectors' real client code reads them."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest

from heard.clock import FrozenClock
from heard.connectors.base import ChannelConfig, ListeningRules
from heard.connectors.bluesky import jetstream as jetstream_client
from heard.connectors.bluesky.connector import BlueskyConnector
from heard.connectors.failures import AuthFailed, Unavailable
from heard.connectors.mastodon.connector import MastodonConnector
from heard.posts import RawPost
from tests.conftest import shared_path
from tests.fakes import jetstream, mastodon_streaming

pytestmark = pytest.mark.timeout(60)
BRAND_DID = "did:plc:i5y2f3gtpjxs3qg6fwgb6jb4"  # the author the recorded reply answers, standing in for the brand


def recorded_events() -> list[dict[str, Any]]:
    path = shared_path("fixtures", "more", "bluesky", "jetstream-real", "expected_v1.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def bluesky(url: str, window_s: float = 1.0, **options: Any) -> BlueskyConnector:
    channel = ChannelConfig(
        "bsky",
        "bluesky",
        rules=ListeningRules(keywords=("ネトフリ",)),
        options={
            "identifier": "acme.bsky.social",
            "app_password": "pw",
            "mode": "jetstream",
            "jetstream": url,
            "brand_dids": BRAND_DID,
            "window_s": window_s,
            **options,
        },
    )
    return BlueskyConnector(channel)


def test_jetstream_slice_keeps_posts_that_concern_the_brand() -> None:
    events = recorded_events()
    fake = jetstream.FakeJetstream(events)
    with jetstream.running(fake) as url:
        result = bluesky(url).read(None)
    texts = [p.text for p in result.posts]
    assert any("ネトフリ" in t for t in texts)  # the keyword
    assert any(p.in_reply_to and BRAND_DID in p.in_reply_to for p in result.posts)  # a reply to the brand
    assert len(result.posts) == 2
    sent = [
        e for e in events if (e.get("commit") or {}).get("collection", "app.bsky.feed.post") == "app.bsky.feed.post"
    ]
    assert json.loads(result.cursor or "")["t"] == max(e["time_us"] for e in sent)
    # the broken frame names nothing of the brand's: the prefilter passes over it undecoded
    assert result.rejected == []
    assert "wantedCollections=app.bsky.feed.post" in fake.connections[0]


def test_jetstream_zstd_frames_read_like_plain_ones() -> None:
    events = recorded_events()
    with jetstream.running(jetstream.FakeJetstream(events)) as url:
        plain = bluesky(url).read(None)
    fake = jetstream.FakeJetstream(events)
    with jetstream.running(fake) as url:
        packed = bluesky(url, compress="true").read(None)
    assert "compress=true" in fake.connections[0]
    assert [p.key for p in packed.posts] == [p.key for p in plain.posts]
    assert packed.cursor == plain.cursor


def test_the_prefilter_never_drops_a_frame_the_full_match_keeps() -> None:
    """Over every recorded event, each rule alone: whatever the exact match keeps, the byte prefilter passed."""
    from heard.connectors.bluesky.parse import jetstream_post, matches

    events = [e for e in recorded_events() if (e.get("commit") or {}).get("operation") == "create"]
    posts = [(e, jetstream_post(e, lambda _: False)) for e in events]
    posts = [(e, p) for e, p in posts if p is not None]
    words = {w for _, p in posts for w in p.text.split() if len(w) > 3}
    authors = {e["did"] for e, _ in posts}
    checked = 0
    for rules, dids in (
        [(ListeningRules(keywords=(w,)), set()) for w in sorted(words)[:80]]
        + [(ListeningRules(), {d}) for d in sorted(authors)]
        + [(ListeningRules(keywords=("ネトフリ",)), {BRAND_DID})]
    ):
        gate = jetstream_client.Prefilter(dids, rules.handles, rules.keywords, rules.hashtags)
        for event, post in posts:
            if matches(post, event["commit"]["record"], rules, dids):
                checked += 1
                assert gate(json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()), (rules, dids)
                assert gate(json.dumps(event).encode()), (rules, dids)  # \u-escaped non-ASCII too
    assert checked > 80


def test_a_cursor_older_than_jetstreams_36_hours_is_reported_as_a_gap() -> None:
    from datetime import UTC, datetime

    events = recorded_events()
    stale = events[0]["time_us"] - 40 * 3600 * 1_000_000
    with jetstream.running(jetstream.FakeJetstream(events)) as url:
        connector = bluesky(url)
        connector.clock = FrozenClock(datetime.fromtimestamp(events[0]["time_us"] / 1e6, tz=UTC))
        result = connector.read(str(stale))
        fresh = connector.read(result.cursor)
    assert len(result.notices) == 1
    assert "36 hours" in result.notices[0]
    assert fresh.notices == []


def test_jetstream_resumes_from_the_cursor_without_duplicates_or_gaps() -> None:
    events = recorded_events()
    with jetstream.running(jetstream.FakeJetstream(events)) as url:
        whole = bluesky(url).read(None)
    sent = [
        e for e in events if (e.get("commit") or {}).get("collection", "app.bsky.feed.post") == "app.bsky.feed.post"
    ]
    uris = [f"at://{e['did']}/app.bsky.feed.post/{(e.get('commit') or {}).get('rkey')}" for e in sent]
    last = max(uris.index(p.external_id) for p in whole.posts)
    dropping = jetstream.FakeJetstream(events, drop_after=last)  # the drop comes just before the last match
    posts: list[RawPost] = []
    counts: list[int] = []
    cursor = None
    with jetstream.running(dropping) as url:
        for _ in range(2):  # the first connection drops mid-stream; the second picks up from the cursor
            result = bluesky(url).read(cursor)
            counts.append(len(result.posts))
            posts += result.posts
            cursor = result.cursor
    assert [p.key for p in posts] == [p.key for p in whole.posts]
    assert len(dropping.connections) == 2
    assert counts[0] > 0, counts  # some posts came before the drop ...
    assert counts[1] > 0, counts  # ... and the rest after the resume
    newest_first = max(e["time_us"] for e in sent[:last])
    assert f"cursor={newest_first - jetstream_client.REWIND_US}" in dropping.connections[1]
    with jetstream.running(jetstream.FakeJetstream(events)) as url:
        again = bluesky(url).read(cursor)
    assert again.posts == []
    assert again.cursor == cursor


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_jetstream_outage_is_transient() -> None:
    with pytest.raises(Unavailable):
        bluesky(f"ws://127.0.0.1:{_closed_port()}/subscribe").read("123")


def mastodon(url: str, token: str = "token") -> MastodonConnector:
    channel = ChannelConfig(
        "masto",
        "mastodon",
        handle="mastodonpy_test",
        rules=ListeningRules(hashtags=("#foo",)),
        options={"instance": url, "token": token},
    )
    return MastodonConnector(channel)


def test_mastodon_streams_user_and_hashtag_events_over_a_real_socket() -> None:
    user = shared_path("fixtures", "more", "mastodon", "mastodon-py-recorded", "test_stream_user_direct__user.sse")
    tag = shared_path("fixtures", "more", "mastodon", "docs-joinmastodon", "hashtag__update.sse")
    fake = mastodon_streaming.FakeStreaming(
        {
            "/api/v1/streaming/user": user.read_text(encoding="utf-8"),
            "/api/v1/streaming/hashtag": tag.read_text(encoding="utf-8"),
        }
    )
    with mastodon_streaming.running(fake) as url:
        rows = list(mastodon(url).stream(timeout_s=10))
    posts = [r for r in rows if isinstance(r, RawPost)]
    # user stream: 2 updates + 2 mention notifications + 1 edit; hashtag stream: 1 update; the delete is no post
    assert len(posts) == 6
    assert len(rows) == 6
    assert any(p.is_brand for p in posts)
    streamed = sorted(r for r in fake.requests if "/streaming/" in r)  # read at once, so in either order
    assert streamed == ["/api/v1/streaming/hashtag?tag=foo", "/api/v1/streaming/user"]


def test_mastodon_stream_with_a_bad_token_says_so() -> None:
    fake = mastodon_streaming.FakeStreaming({})
    with mastodon_streaming.running(fake) as url, pytest.raises(AuthFailed):
        list(mastodon(url, token="wrong").stream(timeout_s=5))


def test_mastodon_stream_mode_takes_mentions_live_and_moves_the_cursor() -> None:
    user = shared_path("fixtures", "more", "mastodon", "mastodon-py-recorded", "test_stream_user_direct__user.sse")
    text = user.read_text(encoding="utf-8")
    fake = mastodon_streaming.FakeStreaming(
        {"/api/v1/streaming/user/notification": text}, rest={"/api/v1/notifications": []}
    )
    with mastodon_streaming.running(fake) as url:
        channel = ChannelConfig(
            "masto", "mastodon", options={"instance": url, "token": "token", "mode": "stream", "window_s": 5}
        )
        result = MastodonConnector(channel).read('{"n":"1"}')
    streamed = [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:") and '"type"' in line]
    mentions = [n for n in streamed if n.get("type") == "mention"]
    assert [p.external_id for p in result.posts] == [n["status"]["id"] for n in mentions]
    assert json.loads(result.cursor or "")["n"] == max((n["id"] for n in streamed), key=int)
    assert fake.requests[0].startswith("/api/v1/notifications?")
    assert "/api/v1/streaming/user/notification" in fake.requests


def test_a_quiet_mastodon_stream_with_heartbeats_ends_its_read_on_time() -> None:
    """The server sends only heartbeats (every 0.2 s here, 15 s on Mastodon): each is a line, so a read timeout
    never fires; the read must still end at its window."""
    fake = mastodon_streaming.FakeStreaming(
        {"/api/v1/streaming/user/notification": ""}, rest={"/api/v1/notifications": []}, heartbeat_s=0.2
    )
    with mastodon_streaming.running(fake) as url:
        channel = ChannelConfig(
            "masto", "mastodon", options={"instance": url, "token": "token", "mode": "stream", "window_s": 1.5}
        )
        started = time.monotonic()
        result = MastodonConnector(channel).read('{"n":"1"}')
        took = time.monotonic() - started
    assert result.posts == []
    assert 1.4 <= took < 4.0


def test_mastodon_streams_from_the_host_the_instance_names_and_reads_hashtags_beside_the_user_stream() -> None:
    tag = shared_path("fixtures", "more", "mastodon", "docs-joinmastodon", "hashtag__update.sse")
    streaming = mastodon_streaming.FakeStreaming(
        {"/api/v1/streaming/user": "", "/api/v1/streaming/hashtag": tag.read_text(encoding="utf-8")},
        heartbeat_s=0.2,
        hold_s=3.0,
    )
    with mastodon_streaming.running(streaming) as stream_url:
        ws_url = stream_url.replace("http://", "ws://")
        instance = mastodon_streaming.FakeStreaming({}, rest={"/api/v1/instance/": {"urls": {"streaming_api": ws_url}}})
        with mastodon_streaming.running(instance) as url:
            rows = list(mastodon(url).stream(timeout_s=2))
    assert len([r for r in rows if isinstance(r, RawPost)]) == 1  # the hashtag's post, while user stayed open
    assert "/api/v1/instance/" in instance.requests
    assert not any("/streaming/" in r for r in instance.requests)
    assert sorted(streaming.requests) == ["/api/v1/streaming/hashtag?tag=foo", "/api/v1/streaming/user"]


def test_a_jetstream_channel_stays_connected_from_one_window_to_the_next() -> None:
    """Window after window on one connection, nothing read twice; a cursor that is not where the last window
    ended (the store failed, another process read on) opens a new connection from it."""
    events = recorded_events()
    fake = jetstream.FakeJetstream(events)
    with jetstream.running(fake) as url:
        first = bluesky(url, window_s=0.5).read(None)
        second = bluesky(url, window_s=0.5).read(first.cursor)  # a new connector, as the listen loop builds
        assert len(fake.connections) == 1
        assert second.posts == []
        assert second.cursor == first.cursor
        bluesky(url, window_s=0.5).read(None)  # not where the held connection ended: reconnect
        assert len(fake.connections) == 2
    assert len(first.posts) == 2


def test_a_mastodon_stream_channel_stays_connected_from_one_window_to_the_next() -> None:
    user = shared_path("fixtures", "more", "mastodon", "mastodon-py-recorded", "test_stream_user_direct__user.sse")
    fake = mastodon_streaming.FakeStreaming(
        {"/api/v1/streaming/user/notification": user.read_text(encoding="utf-8")},
        rest={"/api/v1/notifications": []},
        heartbeat_s=0.2,
        hold_s=10.0,
    )
    with mastodon_streaming.running(fake) as url:
        channel = ChannelConfig(
            "masto-held", "mastodon", options={"instance": url, "token": "token", "mode": "stream", "window_s": 1}
        )
        first = MastodonConnector(channel).read('{"n":"1"}')
        second = MastodonConnector(channel).read(first.cursor)  # the listen loop builds a new connector
    streamed = [r for r in fake.requests if r.startswith("/api/v1/streaming/")]
    assert streamed == ["/api/v1/streaming/user/notification"]  # one connection for both windows
    assert first.posts
    assert not {p.key for p in second.posts} & {p.key for p in first.posts}
