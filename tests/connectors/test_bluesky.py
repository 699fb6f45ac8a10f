"""Bluesky on the atproto SDK: replies carry facets and langs, notifications page until the stored mark, and the
brand's own posts are known by its DID (lexicons app.bsky.richtext.facet, app.bsky.notification.listNotifications)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from heard.clock import FrozenClock
from heard.connectors.base import ChannelConfig, OutgoingReply
from heard.connectors.bluesky.connector import BlueskyConnector
from heard.connectors.marks import Mark, dump_cursor
from tests.contract.connector_cases import BlueskyCase
from tests.fakes.recordings import FakeNetwork

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
OPTIONS = {"identifier": "heard.bsky.social", "app_password": "pw", "mode": "search", "langs": "en,de"}


def connector(network: FakeNetwork, **options: Any) -> BlueskyConnector:
    channel = ChannelConfig("b", "bluesky", options={**OPTIONS, **options})
    return BlueskyConnector(channel, transport=network.transport, clock=FrozenClock(NOW))


def test_reply_carries_link_tag_and_mention_facets_at_byte_offsets_and_langs() -> None:
    network = FakeNetwork()
    network.route("POST", "/xrpc/com.atproto.server.createSession", BlueskyCase.session)
    network.route("GET", "/xrpc/com.atproto.identity.resolveHandle", {"did": "did:plc:alice"})
    network.route(
        "POST", "/xrpc/com.atproto.repo.createRecord", {"uri": "at://did:plc:u5/app.bsky.feed.post/3k", "cid": "bafy"}
    )
    text = "Désolé 🙏 @alice.bsky.social: see https://example.com/help #support"
    assert connector(network).publish(OutgoingReply("r1", text, None)).state == "sent"
    record = json.loads(network.sent("POST")[-1].content)["record"]
    assert record["langs"] == ["en", "de"]
    raw = text.encode()
    spans = {
        feature["$type"]: raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode()
        for f in record["facets"]
        for feature in f["features"]
    }
    assert spans == {
        "app.bsky.richtext.facet#mention": "@alice.bsky.social",
        "app.bsky.richtext.facet#link": "https://example.com/help",
        "app.bsky.richtext.facet#tag": "#support",
    }
    mention = next(f for f in record["facets"] if f["features"][0]["$type"].endswith("#mention"))
    assert mention["features"][0]["did"] == "did:plc:alice"


def _notification(n: int, minute: int) -> dict[str, Any]:
    return {
        "uri": f"at://did:plc:c{n}/app.bsky.feed.post/{n}",
        "cid": f"bafy{n}",
        "author": {"did": f"did:plc:c{n}", "handle": f"c{n}.bsky.social"},
        "reason": "mention",
        "record": {
            "$type": "app.bsky.feed.post",
            "text": f"@heard.bsky.social help {n}",
            "createdAt": f"2026-01-05T08:{minute:02d}:00Z",
        },
        "isRead": False,
        "indexedAt": f"2026-01-05T08:{minute:02d}:00Z",
    }


def test_notifications_page_with_reasons_until_the_stored_mark() -> None:
    """A burst of 150 mentions between two reads: two pages, nothing lost, reasons asked of the server."""
    network = FakeNetwork()
    network.route("POST", "/xrpc/com.atproto.server.createSession", BlueskyCase.session)
    newest = [_notification(n, 59 - n // 10) for n in range(100)]
    older = [_notification(100 + n, 49 - n // 10) for n in range(50)] + [_notification(999, 5)]
    network.route(
        "GET",
        "/xrpc/app.bsky.notification.listNotifications",
        {"notifications": older},
        when=lambda r: r.url.params.get("cursor") == "p2",
    )
    network.route("GET", "/xrpc/app.bsky.notification.listNotifications", {"notifications": newest, "cursor": "p2"})
    mark = Mark(datetime(2026, 1, 5, 8, 10, tzinfo=UTC).timestamp(), ())
    result = connector(network).read(dump_cursor({"n": mark.to_json()}))
    assert len(result.posts) == 150
    listed = [r for r in network.requests if r.url.path.endswith("listNotifications")]
    assert len(listed) == 2
    assert sorted(listed[0].url.params.get_list("reasons")) == ["mention", "quote", "reply"]


def test_jetstream_marks_the_brands_own_posts_by_did() -> None:
    """Jetstream names authors by DID only; a handle comparison never recognised the brand."""
    from heard.connectors.bluesky.parse import jetstream_post

    brand = connector(FakeNetwork(), brand_dids="did:plc:brand")
    event = {
        "did": "did:plc:brand",
        "time_us": 1,
        "kind": "commit",
        "commit": {
            "rev": "1",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": "3k",
            "record": {"$type": "app.bsky.feed.post", "text": "We're on it", "createdAt": "2026-01-05T09:00:00Z"},
            "cid": "bafy",
        },
    }
    post = jetstream_post(event, brand.jetstream_is_brand, "b")
    assert post is not None
    assert post.is_brand
    other = jetstream_post({**event, "did": "did:plc:customer"}, brand.jetstream_is_brand, "b")
    assert other is not None
    assert not other.is_brand
