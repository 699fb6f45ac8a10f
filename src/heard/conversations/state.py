"""The running figures of a conversation (counts, last activity, how long the customer has waited), kept
up to date from the messages a batch adds, so the inbox can sort without scanning messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.conversations.models import Conversation, Message, PostRecord
from heard.db.bulk import table_of, update_many
from heard.posts import Post

_REOPENING = {"resolved", "snoozed", "pending"}


@dataclass
class ConversationState:
    id: int
    status: str
    incoming_count: int
    outgoing_count: int
    last_activity_at: datetime
    last_incoming_at: datetime | None
    last_outgoing_at: datetime | None
    waiting_since: datetime | None
    urgency: int | None

    def add_incoming(self, at: datetime, urgency: int | None, addressed: bool = True) -> None:
        """A customer post. Only one `addressed` to the brand makes the brand owe an answer (a keyword match
        from another account waits for nobody); the urgency is that of the posts still unanswered, not the
        highest the conversation ever had: after a reply, the next post sets it afresh."""
        self.incoming_count += 1
        self.last_incoming_at = max(self.last_incoming_at or at, at)
        self.last_activity_at = max(self.last_activity_at, at)
        if not addressed:
            return
        answered_later = self.last_outgoing_at is not None and at <= self.last_outgoing_at
        owed = self.waiting_since is not None
        if not answered_later and (self.waiting_since is None or at < self.waiting_since):
            self.waiting_since = at
        if self.status in _REOPENING:
            self.status = "open"  # a customer who writes again wakes the conversation
        if urgency is not None and not answered_later:
            self.urgency = max(self.urgency or 0, urgency) if owed else urgency

    def add_outgoing(self, at: datetime) -> None:
        self.outgoing_count += 1
        self.last_outgoing_at = max(self.last_outgoing_at or at, at)
        if self.waiting_since is not None and at >= self.waiting_since:
            self.waiting_since = None  # the brand answered everything written before this reply
        self.last_activity_at = max(self.last_activity_at, at)

    @classmethod
    def recount(cls, session: Session, conversation_id: int) -> ConversationState:
        """Rebuild from the messages table (after a merge, when increments no longer add up)."""
        row = session.get_one(Conversation, conversation_id, with_for_update=True)
        state = cls(conversation_id, row.status, 0, 0, row.created_at, None, None, None, row.urgency)
        query = (
            select(
                Message.direction,
                Message.created_at,
                PostRecord.urgency,
                PostRecord.is_public,
                PostRecord.in_reply_to,
                PostRecord.mentions,
                PostRecord.text,
            )
            .outerjoin(PostRecord, PostRecord.id == Message.post_id)
            .where(
                Message.conversation_id == conversation_id,
                Message.direction != "note",
                Message.delivery_state.in_(("received", "sent")),  # a reply still in the outbox answers nobody
            )
            .order_by(Message.created_at)
        )
        for direction, at, urgency, public, in_reply_to, mentions, text in session.execute(query):
            if direction == "incoming":
                # A message without a stored post (typed in by an agent for a phone call, say) is addressed.
                speaks_to_brand = text is None or addresses(public, in_reply_to, mentions, text)
                state.add_incoming(at, urgency, addressed=speaks_to_brand)
            else:
                state.add_outgoing(at)
        return state


def addresses(public: bool | None, in_reply_to: str | None, mentions: Sequence[str] | None, text: str) -> bool:
    """`addressed`, from the stored columns of a post."""
    return public is False or in_reply_to is not None or bool(mentions) or "@" in text


def addressed(post: Post) -> bool:
    """Whether a customer post speaks to the brand, as far as the post itself says: a private message, a reply in a
    thread (however deep, under whoever's post), or a post that names an account. A public post that names nobody
    and answers nobody was caught by a keyword (someone else's promotion, a news story): it opens a conversation,
    which stays in the inbox, but owes no answer, so it neither waits nor ranks by urgency. A post naming the brand
    only in words ("so done with Amazon") is judged as addressed by the complaint model (`PostFacts.names_brand`)
    but does not wait here: a keyword match names the brand in words by definition. Issue 17's brands notion may
    widen this per channel (a comment on a brand's Facebook page names no account and is addressed)."""
    raw = post.raw
    return addresses(raw.is_public, raw.in_reply_to, post.mentions, post.text)


#: The columns a ConversationState keeps (all but the id).
STATE_FIELDS = tuple(f.name for f in fields(ConversationState) if f.name != "id")

_STATE_COLUMNS = (
    Conversation.id,
    Conversation.status,
    Conversation.incoming_count,
    Conversation.outgoing_count,
    Conversation.last_activity_at,
    Conversation.last_incoming_at,
    Conversation.last_outgoing_at,
    Conversation.waiting_since,
    Conversation.urgency,
)


def load_states(session: Session, ids: Iterable[int]) -> dict[int, ConversationState]:
    """The figures of these conversations, their rows locked until the transaction ends (FOR UPDATE, in id order
    so two workers lock in the same order): the batch adds to them and writes them back, and a second worker
    adding to the same conversation meanwhile would otherwise be overwritten (a lost update). SQLite has one
    writer at a time and leaves the clause out."""
    wanted = sorted(ids)
    states: dict[int, ConversationState] = {}
    for start in range(0, len(wanted), 900):
        query = (
            select(*_STATE_COLUMNS)
            .where(Conversation.id.in_(wanted[start : start + 900]))
            .order_by(Conversation.id)
            .with_for_update()
        )
        for row in session.execute(query):
            states[row[0]] = ConversationState(*row)
    return states


def apply_messages(
    states: Mapping[int, ConversationState],
    messages: Iterable[Mapping[str, Any]],
    posts: Mapping[str, Post],
    post_ids: Mapping[str, int],
) -> None:
    urgency_of = {post_ids[k]: p.urgency for k, p in posts.items() if k in post_ids}
    # Messages of posts not in this batch (adopted rows) count as addressed, as they did when first stored.
    unaddressed = {post_ids[k] for k, p in posts.items() if k in post_ids and not addressed(p)}
    for message in sorted(messages, key=lambda m: m["created_at"]):
        state = states[message["conversation_id"]]
        if message["direction"] == "incoming":
            post_id = message["post_id"]
            state.add_incoming(message["created_at"], urgency_of.get(post_id), addressed=post_id not in unaddressed)
        elif message["direction"] == "outgoing":
            state.add_outgoing(message["created_at"])


def save_states(session: Session, states: Mapping[int, ConversationState]) -> None:
    rows = [{"id": state.id, **{name: getattr(state, name) for name in STATE_FIELDS}} for state in states.values()]
    update_many(session.connection(), table_of(Conversation), rows, where=("id",))
