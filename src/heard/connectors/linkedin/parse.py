"""LinkedIn Community Management payloads into RawPost: organizationalEntityNotifications elements (also the
elements of a webhook delivery) and socialActions comments. LinkedIn does not hand out members' names to
page tools without extra approval, so an author is known by their person URN."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from heard.errors import BadInput
from heard.posts import MAX_TEXT_CHARS, RawPost, parse_time

_SHORT_COMMENT = re.compile(r"^urn:li:comment:\((activity|share|ugcPost):")


def full_urn(urn: str) -> str:
    """LinkedIn writes some comment URNs without the inner 'urn:li:' (a real quirk); make them whole."""
    return _SHORT_COMMENT.sub(lambda m: f"urn:li:comment:(urn:li:{m.group(1)}:", urn)


def encode(urn: str) -> str:
    return quote(urn, safe="")


def feed_link(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def _ms(value: Any, raw: str) -> Any:
    return value / 1000 if isinstance(value, int | float) and not isinstance(value, bool) else parse_time(value, raw)


def notification_to_post(element: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost | None:
    """A COMMENT / ADMIN_COMMENT / SHARE_MENTION notification with its decorated text; None for likes and shares
    and for notifications that carry no text (the caller fetches those)."""
    raw = json.dumps(element, ensure_ascii=False)[:4000]
    if not isinstance(element, dict):
        raise BadInput("a LinkedIn notification must be a JSON object", raw)
    if element.get("action") not in ("COMMENT", "ADMIN_COMMENT", "SHARE_MENTION", "COMMENT_EDIT"):
        return None
    decorated = element.get("decoratedGeneratedActivity")
    activity = (
        next((v for v in decorated.values() if isinstance(v, dict) and "text" in v), None)
        if isinstance(decorated, dict)
        else None
    )
    if activity is None:
        return None
    entity = str(activity.get("entity") or element.get("generatedActivity") or "")
    owner = str(activity.get("owner") or "")
    if not entity or not owner:
        raise BadInput("a LinkedIn notification needs the activity's entity and owner", raw)
    source = element.get("sourcePost")
    parent = activity.get("object") or source
    return RawPost(
        network="linkedin",
        external_id=full_urn(entity),
        author_id=owner,
        author_handle=owner,
        text=str(activity.get("text") or "")[:MAX_TEXT_CHARS],
        created_at=parse_time(_ms(element.get("lastModifiedAt"), raw), raw),
        is_brand=is_brand(owner),
        in_reply_to=str(parent) if parent and element.get("action") != "SHARE_MENTION" else None,
        permalink=feed_link(str(source)) if source else None,
        channel=channel,
    )


def comment_to_post(comment: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost:
    """A socialActions comment element."""
    raw = json.dumps(comment, ensure_ascii=False)[:4000]
    if not isinstance(comment, dict) or not comment.get("actor"):
        raise BadInput("a LinkedIn comment needs an actor", raw)
    target = str(comment.get("object") or "")
    urn = comment.get("$URN") or (f"urn:li:comment:({target},{comment['id']})" if comment.get("id") else None)
    if not urn:
        raise BadInput("a LinkedIn comment needs an id", raw)
    created = comment.get("created")
    created = created if isinstance(created, dict) else {}
    message = comment.get("message")
    message = message if isinstance(message, dict) else {}
    actor = str(comment["actor"])
    return RawPost(
        network="linkedin",
        external_id=full_urn(str(urn)),
        author_id=actor,
        author_handle=actor,
        text=str(message.get("text") or "")[:MAX_TEXT_CHARS],
        created_at=parse_time(_ms(created.get("time"), raw), raw),
        is_brand=is_brand(actor),
        in_reply_to=str(comment.get("parentComment") or target) or None,
        permalink=feed_link(target) if target else None,
        channel=channel,
    )
