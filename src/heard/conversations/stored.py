"""What is already stored: posts by key for dedupe and threading, and replies Heard sent that a network echoes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.conversations.models import Conversation, Message, PostRecord
from heard.posts import Post

_CHUNK = 900  # stays under SQLite's bound-parameter limit with room for the other parameters


def split_keys(keys: Iterable[str]) -> dict[str, list[str]]:
    """network:external_id keys grouped by network."""
    by_network: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        network, _, external_id = key.partition(":")
        by_network[network].append(external_id)
    return by_network


def chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class StoredPostIndex:
    """The dedupe stage's view of the posts table."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def seen(self, keys: Collection[str]) -> set[str]:
        found: set[str] = set()
        for network, ids in split_keys(keys).items():
            for part in chunks(ids):
                rows = self._session.execute(
                    select(PostRecord.external_id).where(
                        PostRecord.network == network, PostRecord.external_id.in_(part)
                    )
                )
                found.update(f"{network}:{external_id}" for (external_id,) in rows)
        return found


class SentReply(NamedTuple):
    message_id: int
    conversation_id: int


def sent_replies(session: Session, posts: Iterable[Post]) -> dict[str, SentReply]:
    """Posts that are replies Heard itself sent (a network echoing the brand's own post back through the
    listener): post key -> the outgoing message, not yet linked to a post, that carries its external id. The
    partial index `ix_messages_sent_unlinked` holds only such messages, so this costs an index probe a batch."""
    found: dict[str, SentReply] = {}
    for network, ids in split_keys(p.key for p in posts).items():
        for part in chunks(ids):
            rows = session.execute(
                select(Message.id, Message.conversation_id, Message.external_id)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(
                    Message.post_id.is_(None),
                    Message.external_id.is_not(None),
                    Message.external_id.in_(part),
                    Conversation.network == network,
                )
            )
            for message_id, conversation_id, external_id in rows:
                found[f"{network}:{external_id}"] = SentReply(message_id, conversation_id)
    return found


class StoredThreadPost(NamedTuple):
    id: int
    network: str
    external_id: str
    conversation_id: int | None
    is_brand: bool
    author_handle: str
    text: str
    created_at: datetime
    in_reply_to: str | None

    @property
    def key(self) -> str:
        return f"{self.network}:{self.external_id}"

    @property
    def parent_key(self) -> str | None:
        return f"{self.network}:{self.in_reply_to}" if self.in_reply_to else None


_THREAD_COLUMNS = (
    PostRecord.id,
    PostRecord.network,
    PostRecord.external_id,
    PostRecord.conversation_id,
    PostRecord.is_brand,
    PostRecord.author_handle,
    PostRecord.text,
    PostRecord.created_at,
    PostRecord.in_reply_to,
)


def stored_posts(session: Session, keys: Iterable[str]) -> dict[str, StoredThreadPost]:
    out: dict[str, StoredThreadPost] = {}
    for network, ids in split_keys(keys).items():
        for part in chunks(ids):
            query = select(*_THREAD_COLUMNS).where(PostRecord.network == network, PostRecord.external_id.in_(part))
            for row in session.execute(query):
                post = StoredThreadPost(*row)
                out[post.key] = post
    return out


def stored_ancestors(session: Session, keys: Iterable[str], depth: int = 50) -> dict[str, StoredThreadPost]:
    """Stored posts with these keys, and up the reply chain of those that are brand posts in no conversation
    (the brand answering itself before a customer joined), so threading can find the conversation above."""
    found = stored_posts(session, keys)
    frontier = found
    for _ in range(depth):
        wanted = {
            p.parent_key
            for p in frontier.values()
            if p.is_brand and p.conversation_id is None and p.parent_key and p.parent_key not in found
        }
        if not wanted:
            break
        frontier = stored_posts(session, wanted)
        found.update(frontier)
    return found


def stored_replies_to(session: Session, keys: Iterable[str]) -> dict[str, list[StoredThreadPost]]:
    """Stored posts in a conversation that reply to one of `keys`, keyed by the key they reply to."""
    out: dict[str, list[StoredThreadPost]] = defaultdict(list)
    for network, ids in split_keys(keys).items():
        for part in chunks(ids):
            query = select(*_THREAD_COLUMNS).where(
                PostRecord.network == network,
                PostRecord.in_reply_to.in_(part),
                PostRecord.conversation_id.is_not(None),
            )
            for row in session.execute(query):
                post = StoredThreadPost(*row)
                out[f"{network}:{post.in_reply_to}"].append(post)
    return out
