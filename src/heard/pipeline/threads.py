"""threading: which conversation each post belongs to. Pure: the caller looks up what is already stored.

Rules, applied in time order:
- a post replying to a post that is in a conversation joins that conversation (customer or brand alike);
- a customer post with no such parent opens a new conversation; when its parent is a stored brand post that is
  in no conversation (the brand spoke first), that brand post is adopted into the new conversation;
- a brand post with no conversation to join stays out of the inbox: the brand's own posts are never customer
  posts;
- a post whose replies were stored before it (out-of-order delivery) pulls them in: their conversation is
  merged into the post's, or the post joins theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from heard.posts import Post


@dataclass(frozen=True, slots=True)
class StoredPost:
    key: str
    conversation_id: int | None
    is_brand: bool
    parent_key: str | None = None


@dataclass(frozen=True, slots=True)
class NewConversation:
    """A conversation to create, named by the key of the post that starts it."""

    root_key: str


ConversationRef = int | NewConversation


@dataclass
class ThreadDecision:
    post_key: str
    conversation: ConversationRef | None
    adopt: list[str] = field(default_factory=list)  # stored post keys to move into `conversation`
    merge: list[int] = field(default_factory=list)  # stored conversations to fold into `conversation`


def parent_key(post: Post) -> str | None:
    return f"{post.network}:{post.raw.in_reply_to}" if post.raw.in_reply_to else None


def assign_threads(
    posts: Sequence[Post],
    parents: Mapping[str, StoredPost],
    early_children: Mapping[str, Sequence[StoredPost]],
) -> list[ThreadDecision]:
    """`parents`: stored posts that posts in the batch reply to (and, for brand posts in no conversation, their
    ancestors). `early_children`: stored posts, keyed by the batch post they reply to, that arrived before it."""
    known: dict[str, _Known] = {k: _Known(p.conversation_id, p.is_brand, p.parent_key) for k, p in parents.items()}
    decisions: list[ThreadDecision] = []
    for post in sorted(posts, key=lambda p: p.created_at):
        decision = _decide(post, known)
        for child in early_children.get(post.key, ()):
            if child.conversation_id is None:
                continue
            if decision.conversation is None:
                decision.conversation = child.conversation_id
            elif decision.conversation != child.conversation_id:
                decision.merge.append(child.conversation_id)
        known[post.key] = _Known(decision.conversation, post.is_brand, parent_key(post))
        for key in decision.adopt:
            known[key] = _Known(decision.conversation, True, known[key].parent_key)
        decisions.append(decision)
    return decisions


@dataclass(slots=True)
class _Known:
    conversation: ConversationRef | None
    is_brand: bool
    parent_key: str | None


_MAX_CHAIN = 50  # a brand talking to itself longer than this is not a customer thread


def _decide(post: Post, known: Mapping[str, _Known]) -> ThreadDecision:
    """Join the nearest conversation up the reply chain, adopting brand posts in between; else start one."""
    chain: list[str] = []
    key = parent_key(post)
    while key is not None and key in known and len(chain) < _MAX_CHAIN:
        ancestor = known[key]
        if ancestor.conversation is not None:
            return ThreadDecision(post.key, ancestor.conversation, adopt=chain)
        if not ancestor.is_brand:
            break  # a customer post in no conversation (set aside earlier): do not reach past it
        chain.append(key)
        key = ancestor.parent_key
    if post.is_brand:
        return ThreadDecision(post.key, None)
    return ThreadDecision(post.key, NewConversation(post.key), adopt=chain)
