"""YouTube Data API v3 comments into RawPost. A thread is a top-level comment plus replies; replies are one
level deep, and their ids are `<thread id>.<reply id>`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from heard.errors import BadInput
from heard.posts import MAX_TEXT_CHARS, RawPost, parse_time


def thread_comments(thread: Any) -> Iterator[Any]:
    """The top-level comment of a commentThread, then the replies it carries (part=replies)."""
    if not isinstance(thread, dict):
        raise BadInput("a YouTube commentThread must be a JSON object", str(thread)[:2000])
    snippet = thread.get("snippet")
    snippet = snippet if isinstance(snippet, dict) else {}
    top = snippet.get("topLevelComment")
    if top is not None:
        yield top
    replies = thread.get("replies")
    if isinstance(replies, dict):
        yield from replies.get("comments") or []


def comment_to_post(
    comment: Any, is_brand: Callable[[str], bool], video_id: str | None = None, channel: str | None = None
) -> RawPost:
    raw = json.dumps(comment, ensure_ascii=False)[:4000]
    snippet = comment.get("snippet") if isinstance(comment, dict) else None
    if not isinstance(snippet, dict) or not comment.get("id"):
        raise BadInput("a YouTube comment needs an id and a snippet", raw)
    author = snippet.get("authorChannelId")
    author_id = str(author.get("value")) if isinstance(author, dict) and author.get("value") else None
    name = str(snippet.get("authorDisplayName") or "")
    if not author_id and not name:
        raise BadInput("a YouTube comment needs an author", raw)
    comment_id = str(comment["id"])
    video = str(snippet.get("videoId") or video_id or "")
    text = snippet.get("textOriginal") or snippet.get("textDisplay") or ""
    handle = name or author_id or ""
    return RawPost(
        network="youtube",
        external_id=comment_id,
        author_id=author_id or name,
        author_handle=handle,
        author_name=name or None,
        text=str(text)[:MAX_TEXT_CHARS],
        created_at=parse_time(snippet.get("publishedAt"), raw),
        is_brand=is_brand(handle) or bool(author_id and is_brand(author_id)),
        in_reply_to=str(snippet["parentId"]) if snippet.get("parentId") else None,
        permalink=f"https://www.youtube.com/watch?v={video}&lc={comment_id}" if video else None,
        channel=channel,
    )
