"""Mastodon JSON (Status, Notification, Conversation, SSE frames) into RawPost."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from heard.connectors.html_text import html_to_text
from heard.errors import BadInput
from heard.posts import MAX_TEXT_CHARS, RawPost, parse_time

_PRIVATE = {"direct", "private"}


def status_to_post(status: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost:
    """One Status; a reblog becomes the status it shares (the words are the original author's)."""
    raw = json.dumps(status, ensure_ascii=False)[:4000] if not isinstance(status, str) else status[:4000]
    if not isinstance(status, dict):
        raise BadInput("a Mastodon status must be a JSON object", raw)
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    account = status.get("account")
    if not isinstance(account, dict) or not account.get("id") or not status.get("id"):
        raise BadInput("a Mastodon status needs an id and an account", raw)
    acct = str(account.get("acct") or account.get("username") or account["id"])
    text = html_to_text(str(status.get("content") or ""))
    warning = str(status.get("spoiler_text") or "")
    if warning:
        text = f"{warning}\n\n{text}" if text else warning
    followers = account.get("followers_count")
    quote = status.get("quote")
    quoted = quote.get("quoted_status") if isinstance(quote, dict) else None
    return RawPost(
        network="mastodon",
        external_id=str(status["id"]),
        author_id=str(account["id"]),
        author_handle=acct,
        author_name=str(account.get("display_name") or "") or None,
        author_followers=followers if isinstance(followers, int) and followers >= 0 else None,
        text=text[:MAX_TEXT_CHARS],
        created_at=parse_time(status.get("created_at"), raw),
        is_brand=is_brand(acct),
        in_reply_to=_str_or_none(status.get("in_reply_to_id")),
        quote_of=_str_or_none(quoted.get("id")) if isinstance(quoted, dict) else None,
        is_public=status.get("visibility") not in _PRIVATE,
        permalink=_str_or_none(status.get("url") or status.get("uri")),
        language=_str_or_none(status.get("language")),
        channel=channel,
    )


def _str_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def notification_status(notification: Any) -> Any | None:
    """The status a mention notification carries; None for follows, favourites and other kinds."""
    if not isinstance(notification, dict):
        raise BadInput("a Mastodon notification must be a JSON object", str(notification)[:2000])
    if notification.get("type") not in ("mention", "status", "quote"):
        return None
    return notification.get("status")


@dataclass(frozen=True, slots=True)
class Frame:
    """One server-sent event: its name and its data lines joined."""

    event: str
    data: str


def sse_frames(lines: Iterator[str]) -> Iterator[Frame]:
    """Split a text/event-stream into frames; comment lines (':)', ':thump' heartbeats) are skipped."""
    event, data = "message", list[str]()
    for line in lines:
        line = line.rstrip("\r")
        if not line:
            if data:
                yield Frame(event, "\n".join(data))
            event, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" "))
    if data:
        yield Frame(event, "\n".join(data))


def frame_status(frame: Frame) -> Any | None:
    """The status an SSE or WebSocket frame carries, or None for deletes, filters and announcements."""
    if frame.event not in ("update", "status.update", "notification", "conversation"):
        return None
    try:
        payload = json.loads(frame.data)
    except ValueError as exc:
        raise BadInput(f"Mastodon {frame.event} frame is not JSON", frame.data[:2000]) from exc
    if frame.event == "notification":
        return notification_status(payload)
    if frame.event == "conversation":
        return payload.get("last_status") if isinstance(payload, dict) else None
    return payload
