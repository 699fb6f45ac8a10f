"""Which series a post counts in: its brand, hashtags, topic, incident and thread.

Threads are followed through replies and quotes: a reply to a reply belongs to the thread of the first post.
The map from post to thread root is bounded (least recently used roots are forgotten), so memory stays flat.
"""

from __future__ import annotations

from collections import OrderedDict

from heard.posts import COMPLAINT_AT, Post

MAX_HASHTAGS_PER_POST = 5


class ThreadRoots:
    """post key -> key of the post that started its thread, for the last `capacity` posts; and who wrote each
    post that may start a thread, so the complaint's own author is never counted as someone joining it."""

    def __init__(self, capacity: int = 200_000) -> None:
        self._roots: OrderedDict[str, str] = OrderedDict()
        self._authors: OrderedDict[str, str] = OrderedDict()
        #: Of the thread starters judged friendly (neither a complaint nor negative): their keys.
        self._friendly: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity

    def root_of(self, post: Post) -> str | None:
        """The thread this post belongs to, or None for a post that starts nothing and replies to nothing."""
        parent_id = post.raw.in_reply_to or post.raw.quote_of
        if parent_id is None:
            self._authors[post.key] = post.raw.author_id
            self._authors.move_to_end(post.key)
            while len(self._authors) > self._capacity:
                self._authors.popitem(last=False)
            if grievance(post) is False:
                self._friendly[post.key] = None
                while len(self._friendly) > self._capacity:
                    self._friendly.popitem(last=False)
            return None
        parent = f"{post.network}:{parent_id}"
        root = self._roots.get(parent, parent)
        self._remember(post.key, root)
        self._remember(parent, root)
        return root

    def friendly(self, root: str) -> bool:
        """Whether the thread was started by a post judged neither a complaint nor negative (a brand's banter, a
        customer's praise): people joining it are a conversation, not a pile-on. Unseen or unjudged: False."""
        return root in self._friendly

    def author_of(self, root: str) -> str | None:
        """Who wrote the thread's first post (None when it was not seen or has been forgotten)."""
        return self._authors.get(root)

    def _remember(self, key: str, root: str) -> None:
        self._roots[key] = root
        self._roots.move_to_end(key)
        while len(self._roots) > self._capacity:
            self._roots.popitem(last=False)


def grievance(post: Post) -> bool | None:
    """Whether a post complains or is negative; None when it was not judged (the radar then assumes nothing)."""
    if post.complaint is None and post.sentiment is None:
        return None
    return (post.complaint or 0.0) >= COMPLAINT_AT or post.sentiment == "negative"


def brand_of(post: Post, brand_handles: frozenset[str]) -> str:
    """The brand a post is about: its main attributed brand (`heard.brands`), else the first of the brand's
    handles it mentions, else its channel, else "all"."""
    attributed = post.extra.get("brands")
    if isinstance(attributed, list) and attributed:
        return str(attributed[0])[:64]
    for mention in post.mentions:
        handle = mention.lower().lstrip("@")
        if handle in brand_handles:
            return handle
    return (post.raw.channel or "all").lower()[:64]


def series_keys(post: Post, brand: str, thread_root: str | None) -> list[str]:
    keys = [f"brand:{brand}"]
    keys.extend(f"hashtag:#{tag.lower().lstrip('#')[:64]}" for tag in post.hashtags[:MAX_HASHTAGS_PER_POST])
    if post.topic:
        keys.append(f"topic:{post.topic[:64]}")
    incident = post.extra.get("incident_id")
    if isinstance(incident, int):
        keys.append(f"incident:{incident}")
    if thread_root is not None:
        keys.append(f"thread:{thread_root}")
    return keys
