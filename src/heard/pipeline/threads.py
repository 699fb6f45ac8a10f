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
    """`parents`: stored posts that posts in the batch reply to. `early_children`: stored posts, keyed by the
    batch post they reply to, that arrived before their parent."""
    placed: dict[str, ConversationRef | None] = {}
    brand: dict[str, bool] = {}
    decisions: list[ThreadDecision] = []
    for post in sorted(posts, key=lambda p: p.created_at):
        decision = _decide(post, placed, brand, parents)
        for child in early_children.get(post.key, ()):
            if child.conversation_id is None:
                continue
            if decision.conversation is None:
                decision.conversation = child.conversation_id
            elif decision.conversation != child.conversation_id:
                decision.merge.append(child.conversation_id)
        placed[post.key] = decision.conversation
        brand[post.key] = post.is_brand
        for key in decision.adopt:
            placed[key] = decision.conversation
        decisions.append(decision)
    return decisions


def _decide(
    post: Post,
    placed: Mapping[str, ConversationRef | None],
    brand: Mapping[str, bool],
    parents: Mapping[str, StoredPost],
) -> ThreadDecision:
    parent = parent_key(post)
    joined: ConversationRef | None = None
    parent_known = False
    parent_is_brand = False
    if parent is not None and parent in placed:
        parent_known, joined, parent_is_brand = True, placed[parent], brand[parent]
    elif parent is not None and parent in parents:
        stored = parents[parent]
        parent_known, joined, parent_is_brand = True, stored.conversation_id, stored.is_brand
    if joined is not None:
        return ThreadDecision(post.key, joined)
    if post.is_brand:
        return ThreadDecision(post.key, None)
    decision = ThreadDecision(post.key, NewConversation(post.key))
    if parent is not None and parent_known and parent_is_brand:
        decision.adopt.append(parent)
    return decision
