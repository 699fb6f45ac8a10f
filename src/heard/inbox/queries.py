"""Read side of the inbox: the queue of conversations and one conversation's whole thread.

The queue order is the order an agent should work in: highest priority, then most urgent (unjudged last),
then the customer who has waited longest without an answer; conversations with nothing left to answer come
after, most recently active first. Pages are limit/offset with a hard cap on both, so no request can ask the
database to sort and skip an unbounded number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, literal_column, select
from sqlalchemy.orm import Session

from heard.inbox.models import Conversation, Message
from heard.ingest.models import Post

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The deepest row a page may start at. Nobody works a queue 10,000 conversations down; filters do that job.
MAX_OFFSET = 10_000
STATUSES = ("open", "pending", "snoozed", "resolved")


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the agent asked to see. Empty fields mean "any"."""

    status: str | None = None
    network: str | None = None


@dataclass(frozen=True, slots=True)
class InboxPage:
    conversations: list[Conversation]
    offset: int
    limit: int
    has_more: bool

    @property
    def next_offset(self) -> int | None:
        following = self.offset + self.limit
        return following if self.has_more and following <= MAX_OFFSET else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One message of a thread, with the post it came from (None for notes and replies not yet posted)."""

    message: Message
    post: Post | None

    @property
    def incoming(self) -> bool:
        return self.message.direction == "incoming"


@dataclass(frozen=True, slots=True)
class ConversationView:
    conversation: Conversation
    entries: list[ThreadEntry] = field(default_factory=list)


def queue_order() -> list[ColumnElement[Any]]:
    """The working order of the inbox (see the module docstring). Written without NULLS LAST so that SQLite and
    PostgreSQL sort alike: a CASE puts unjudged urgency and answered conversations after the rest. The CASE
    constants are literals, not bound parameters, so the expression index ix_conversations_queue_order (the
    same keys, in this order) matches and the first page is read from the index instead of sorting every row."""
    c = Conversation
    return [
        c.priority.desc(),
        case((c.urgency.is_(None), literal_column("1")), else_=literal_column("0")).asc(),
        c.urgency.desc(),
        case((c.waiting_since.is_(None), literal_column("1")), else_=literal_column("0")).asc(),
        c.waiting_since.asc(),
        c.last_activity_at.desc(),
        c.id.desc(),
    ]


def _filtered(query: Select[Any], chosen: InboxFilter) -> Select[Any]:
    if chosen.status:
        query = query.where(Conversation.status == chosen.status)
    if chosen.network:
        query = query.where(Conversation.network == chosen.network)
    return query


def list_conversations(
    session: Session, chosen: InboxFilter | None = None, offset: int = 0, limit: int = PAGE_SIZE
) -> InboxPage:
    """One page of the queue. `offset` and `limit` are clamped to [0, MAX_OFFSET] and [1, MAX_PAGE_SIZE]."""
    offset = min(max(0, offset), MAX_OFFSET)
    limit = min(max(1, limit), MAX_PAGE_SIZE)
    query = _filtered(select(Conversation), chosen or InboxFilter()).order_by(*queue_order())
    rows = list(session.scalars(query.offset(offset).limit(limit + 1)))
    return InboxPage(rows[:limit], offset, limit, has_more=len(rows) > limit)


def list_networks(session: Session) -> list[str]:
    """The networks that have conversations, for the filter menu."""
    return list(session.scalars(select(Conversation.network).distinct().order_by(Conversation.network)))


def get_conversation(session: Session, conversation_id: int) -> ConversationView | None:
    """The conversation and every message in it, oldest first, each with the post it came from."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    rows = session.execute(
        select(Message, Post)
        .outerjoin(Post, Post.id == Message.post_id)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    ).all()
    return ConversationView(conversation, [ThreadEntry(message, post) for message, post in rows])
