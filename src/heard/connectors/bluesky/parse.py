"""AT Protocol records into RawPost: Jetstream commit events and PostViews (search, notifications, threads).

Bluesky shortens long links in the visible text ("example.com/pa..."); the full address sits in a link facet
over the same byte range, so the text is rebuilt with it. Facet offsets count UTF-8 bytes, not characters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from heard.connectors.base import ListeningRules
from heard.errors import BadInput
from heard.posts import MAX_TEXT_CHARS, RawPost, parse_time

POST = "app.bsky.feed.post"


def rkey(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


def post_uri(did: str, key: str) -> str:
    return f"at://{did}/{POST}/{key}"


def web_link(handle_or_did: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle_or_did}/post/{rkey(uri)}"


def full_text(record: dict[str, Any]) -> str:
    text = str(record.get("text") or "")
    facets = record.get("facets")
    if not isinstance(facets, list) or not facets:
        return text
    data = text.encode("utf-8")
    links = []
    for facet in facets:
        if not isinstance(facet, dict) or not isinstance(facet.get("index"), dict):
            continue
        for feature in facet.get("features") or []:
            if isinstance(feature, dict) and str(feature.get("$type", "")).endswith("#link") and feature.get("uri"):
                start, end = facet["index"].get("byteStart"), facet["index"].get("byteEnd")
                if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data):
                    links.append((start, end, str(feature["uri"])))
    for start, end, uri in sorted(links, reverse=True):  # from the end, so earlier offsets stay valid
        data = data[:start] + uri.encode("utf-8") + data[end:]
    return data.decode("utf-8", errors="replace")


def _strong_uri(record: dict[str, Any], *path: str) -> str | None:
    node: Any = record
    for name in path:
        node = node.get(name) if isinstance(node, dict) else None
    return str(node["uri"]) if isinstance(node, dict) and node.get("uri") else None


def quoted_uri(record: dict[str, Any]) -> str | None:
    return _strong_uri(record, "embed", "record") or _strong_uri(record, "embed", "record", "record")


def record_to_post(
    uri: str,
    record: Any,
    author_did: str,
    is_brand: Callable[[str], bool],
    channel: str | None = None,
    handle: str | None = None,
    author: dict[str, Any] | None = None,
) -> RawPost:
    raw = json.dumps(record, ensure_ascii=False)[:4000]
    if not isinstance(record, dict) or record.get("$type", POST) != POST:
        raise BadInput("not an app.bsky.feed.post record", raw)
    author = author or {}
    followers = author.get("followersCount")
    langs = record.get("langs")
    shown = handle or author_did
    return RawPost(
        network="bluesky",
        external_id=uri,
        author_id=author_did,
        author_handle=shown,
        author_name=str(author["displayName"]) if author.get("displayName") else None,
        author_followers=followers if isinstance(followers, int) and followers >= 0 else None,
        text=full_text(record)[:MAX_TEXT_CHARS],
        created_at=parse_time(record.get("createdAt"), raw),
        is_brand=is_brand(shown) or is_brand(author_did),
        in_reply_to=_strong_uri(record, "reply", "parent"),
        quote_of=quoted_uri(record),
        permalink=web_link(shown, uri),
        language=str(langs[0]) if isinstance(langs, list) and langs else None,
        channel=channel,
    )


def view_to_post(view: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost:
    """A PostView (searchPosts, getPosts, threads) or a notification (same uri/author/record fields)."""
    if not isinstance(view, dict) or not isinstance(view.get("author"), dict) or not view.get("uri"):
        raise BadInput("a Bluesky post view needs a uri and an author", json.dumps(view)[:2000])
    author = view["author"]
    return record_to_post(
        str(view["uri"]),
        view.get("record"),
        str(author.get("did", "")),
        is_brand,
        channel,
        str(author.get("handle") or "") or None,
        author,
    )


def jetstream_post(event: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost | None:
    """The post a Jetstream event creates; None for likes, deletes, identity and account events."""
    if not isinstance(event, dict):
        raise BadInput("a Jetstream event must be a JSON object", str(event)[:2000])
    commit = event.get("commit")
    if event.get("kind") != "commit" or not isinstance(commit, dict):
        return None
    if commit.get("collection") != POST or commit.get("operation") != "create":
        return None
    did = str(event.get("did") or "")
    if not did.startswith("did:") or not commit.get("rkey"):
        raise BadInput("a Jetstream commit needs a did and an rkey", json.dumps(event)[:2000])
    return record_to_post(post_uri(did, str(commit["rkey"])), commit.get("record"), did, is_brand, channel)


def matches(post: RawPost, record: dict[str, Any], rules: ListeningRules, brand_dids: set[str]) -> bool:
    """Does a firehose post concern the brand: it mentions or answers the brand, or fits a keyword or hashtag."""
    text = post.text.lower()
    facets = record.get("facets")
    for facet in facets if isinstance(facets, list) else []:
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else []:
            if isinstance(feature, dict) and feature.get("did") in brand_dids:
                return True
            if isinstance(feature, dict) and str(feature.get("tag", "")).lower() in _tags(rules):
                return True
    parent = post.in_reply_to or ""
    if any(did in parent for did in brand_dids) or any(did in (post.quote_of or "") for did in brand_dids):
        return True
    if any(f"@{h.lstrip('@').lower()}" in text for h in rules.handles):
        return True
    if any(f"#{tag}" in text for tag in _tags(rules)):
        return True
    return any(k.lower() in text for k in rules.keywords)


def _tags(rules: ListeningRules) -> set[str]:
    return {t.lstrip("#").lower() for t in rules.hashtags}
