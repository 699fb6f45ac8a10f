"""Reddit listings (comments t1, submissions t3, messages t4) into RawPost. Ids are fullnames (t1_abc), so a
comment's `parent_id` threads it under the comment or submission it answers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from heard.errors import BadInput
from heard.posts import MAX_TEXT_CHARS, RawPost, parse_time

SITE = "https://www.reddit.com"


def things(listing: Any) -> Iterator[dict[str, Any]]:
    """The children of a Listing (or of each Listing in a list, as a submission's comments page returns)."""
    for page in listing if isinstance(listing, list) else [listing]:
        data = page.get("data") if isinstance(page, dict) else None
        children = data.get("children") if isinstance(data, dict) else None
        for child in children if isinstance(children, list) else []:
            if isinstance(child, dict) and child.get("kind") in ("t1", "t3", "t4"):
                yield child


def thing_to_post(thing: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost:
    raw = json.dumps(thing, ensure_ascii=False)[:4000]
    data = thing.get("data") if isinstance(thing, dict) else None
    if not isinstance(data, dict) or not data.get("id"):
        raise BadInput("a Reddit thing needs data with an id", raw)
    kind = str(thing.get("kind"))
    fullname = str(data.get("name") or f"{kind}_{data['id']}")
    author = str(data.get("author") or "[deleted]")
    if kind == "t3":
        text = "\n\n".join(p for p in (str(data.get("title") or ""), str(data.get("selftext") or "")) if p)
        link = data.get("url")
        if link and not data.get("is_self") and str(link) not in text:
            text = f"{text}\n{link}"
        parent = None
    else:
        text = str(data.get("body") or "")
        parent = str(data["parent_id"]) if data.get("parent_id") else None
        if kind == "t4" and not parent and data.get("first_message_name"):
            parent = str(data["first_message_name"])
    permalink = data.get("permalink") or data.get("context")
    return RawPost(
        network="reddit",
        external_id=fullname,
        author_id=str(data.get("author_fullname") or author),
        author_handle=author,
        text=text[:MAX_TEXT_CHARS],
        created_at=parse_time(data.get("created_utc"), raw),
        is_brand=is_brand(author),
        in_reply_to=parent,
        permalink=f"{SITE}{permalink}" if isinstance(permalink, str) and permalink.startswith("/") else None,
        is_public=kind != "t4",
        channel=channel,
    )
