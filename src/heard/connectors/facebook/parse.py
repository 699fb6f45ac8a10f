"""Graph API nodes and Page webhook changes into RawPost.

Meta omits `from` on comments by people who have not authorised the app (a privacy rule), so an author can be
unknown; the reply still works because it targets the comment id. Older deliveries carry sender_id/sender_name
instead of from{id,name}; both are read. Times come as ISO with +0000, Unix seconds, or (Messenger) milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from heard.errors import BadInput
from heard.posts import MAX_TEXT_CHARS, RawPost, parse_time

UNKNOWN = "unknown"
POST_ITEMS = {"comment", "post", "status", "photo", "video", "share"}


def fb_time(value: Any, raw: str) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1e11:
        value = value / 1000  # Messenger timestamps are milliseconds
    return parse_time(value, raw)


def _author(node: dict[str, Any], default_id: str | None) -> tuple[str, str | None]:
    who = node.get("from")
    if isinstance(who, dict) and who.get("id"):
        return str(who["id"]), str(who.get("name") or "") or None
    if node.get("sender_id"):
        return str(node["sender_id"]), str(node.get("sender_name") or "") or None
    return default_id or UNKNOWN, None


def _comment_id_from(permalink: Any) -> str | None:
    if not isinstance(permalink, str):
        return None
    found = parse_qs(urlparse(permalink).query).get("comment_id")
    return found[0] if found else None


def node_to_post(
    node: Any,
    is_brand: Callable[[str], bool],
    channel: str | None = None,
    parent: str | None = None,
    page_id: str | None = None,
) -> RawPost:
    """A Graph post or comment node. Posts from a page feed without `from` are the page's own."""
    raw = json.dumps(node, ensure_ascii=False)[:4000]
    if not isinstance(node, dict):
        raise BadInput("a Facebook node must be a JSON object", raw)
    node_id = node.get("id") or _comment_id_from(node.get("permalink_url"))
    if not node_id:
        raise BadInput("a Facebook node needs an id", raw)
    author_id, name = _author(node, page_id if parent is None else None)
    up = node.get("parent")
    return RawPost(
        network="facebook",
        external_id=str(node_id),
        author_id=author_id,
        author_handle=author_id,
        author_name=name,
        text=str(node.get("message") or "")[:MAX_TEXT_CHARS],
        created_at=fb_time(node.get("created_time"), raw),
        is_brand=is_brand(author_id),
        in_reply_to=str(up["id"]) if isinstance(up, dict) and up.get("id") else parent,
        permalink=str(node["permalink_url"]) if node.get("permalink_url") else None,
        channel=channel,
    )


def change_to_post(value: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost | None:
    """A `feed` or `mention` change; None when it is not new words (likes, reactions, edits, removals)."""
    raw = json.dumps(value, ensure_ascii=False)[:4000]
    if value is None:
        return None  # the App Dashboard's minimal test envelope carries a field and no value
    if not isinstance(value, dict):
        raise BadInput("a Facebook change value must be a JSON object", raw)
    if value.get("verb") != "add" or value.get("item") not in POST_ITEMS or not value.get("message"):
        return None
    item_id = value.get("comment_id") if value.get("item") == "comment" else value.get("post_id")
    if not item_id:
        raise BadInput("a Facebook feed change needs a comment_id or post_id", raw)
    author_id, name = _author(value, None)
    parent = value.get("parent_id") if value.get("item") == "comment" else None
    post = value.get("post")
    link = post.get("permalink_url") if isinstance(post, dict) else None
    return RawPost(
        network="facebook",
        external_id=str(item_id),
        author_id=author_id,
        author_handle=author_id,
        author_name=name,
        text=str(value["message"])[:MAX_TEXT_CHARS],
        created_at=fb_time(value.get("created_time"), raw),
        is_brand=is_brand(author_id),
        in_reply_to=str(parent) if parent else None,
        permalink=str(link) if link else None,
        channel=channel,
    )


def message_to_post(event: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost | None:
    """A Messenger `messaging` event with text; None for deliveries, reads, reactions and echoes."""
    raw = json.dumps(event, ensure_ascii=False)[:4000]
    if not isinstance(event, dict):
        raise BadInput("a Messenger event must be a JSON object", raw)
    message = event.get("message")
    if not isinstance(message, dict) or message.get("is_echo") or not message.get("mid"):
        return None
    sender = event.get("sender")
    if not isinstance(sender, dict) or not sender.get("id"):
        raise BadInput("a Messenger message needs a sender", raw)
    replied = message.get("reply_to")
    text = str(message.get("text") or "")
    if not text and message.get("attachments"):
        text = "[attachment]"
    return RawPost(
        network="facebook",
        external_id=str(message["mid"]),
        author_id=str(sender["id"]),
        author_handle=str(sender["id"]),
        text=text[:MAX_TEXT_CHARS],
        created_at=fb_time(event.get("timestamp"), raw),
        is_brand=is_brand(str(sender["id"])),
        in_reply_to=str(replied["mid"]) if isinstance(replied, dict) and replied.get("mid") else None,
        is_public=False,
        channel=channel,
    )


def delivery_items(payload: Any) -> Iterator[tuple[str, Any]]:
    """("change", value) and ("message", event) for every entry of a webhook delivery."""
    if not isinstance(payload, dict):
        raise BadInput("a Meta webhook body must be a JSON object", str(payload)[:2000])
    entries = payload.get("entry")
    if "field" in payload and "value" in payload:  # the App Dashboard "Test" button sends one bare change
        entries = [{"changes": [payload]}]
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if isinstance(change, dict) and change.get("field") in ("feed", "mention"):
                value = change.get("value")
                if isinstance(value, dict) and "created_time" not in value and entry.get("time"):
                    value = {**value, "created_time": entry["time"]}  # older deliveries time the entry only
                yield "change", value
        for event in entry.get("messaging") or []:
            yield "message", event
