"""The outbox: an agent's reply becomes an outgoing Message in delivery_state "pending", and the publisher moves
it to "sent" or "failed" through the conversation's channel.

States of an outgoing reply: pending -> sending (claimed by one publisher) -> sent | pending again (a transient
failure, retried at `next_attempt_at`) | failed (refused, out of attempts, or a publisher that died mid-send).
Notes never enter the outbox. Every action here is one part of a unit of work: the caller commits, then
publishes the returned events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from heard.channels.actions import channel_config
from heard.channels.models import Channel, Inbox
from heard.clock import Clock
from heard.coach.review import Review
from heard.coach.reviewer import review as review_draft
from heard.connectors.base import ChannelConfig, Connector, OutgoingReply
from heard.connectors.registry import connector_class
from heard.conversations.models import Conversation, Message, PostRecord
from heard.conversations.state import load_states, save_states
from heard.errors import HeardError
from heard.events import ConversationUpdated, Event
from heard.inbox.approvals import check_can_send, record_review
from heard.inbox.coaching import context_for_conversation
from heard.inbox.models import ReplyReview
from heard.posts import storable

#: The longest reply Heard queues whatever the network (the connector refuses more for its own network).
MAX_REPLY_CHARS = 10_000
#: The channel every conversation without a configured channel answers through (imports, the demo).
REPLAY_CHANNEL = "replay-outbox"
STALE_CLAIM = "the publisher stopped while sending this reply; check the network before sending it again"


class OutboxProblem(HeardError):
    """A reply cannot be queued as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class Route:
    """Where a conversation's replies go: its channel (None: the replay outbox) and the connector class."""

    connector: type[Connector]
    channel: Channel | None
    outbox_dir: Path

    @property
    def allows_private(self) -> bool:
        return "private" in self.connector.capabilities

    @property
    def max_chars(self) -> int:
        return self.connector.max_chars

    @property
    def name(self) -> str:
        return self.channel.name if self.channel else REPLAY_CHANNEL

    @property
    def handle(self) -> str | None:
        return self.channel.handle if self.channel else None

    def config(self, secret_key: str) -> ChannelConfig:
        """The connector's config, credentials decrypted (only the publisher needs them)."""
        outbox = str(self.outbox_dir / "replies.jsonl")
        if self.channel is None:
            return ChannelConfig(name=REPLAY_CHANNEL, kind="replay", options={"path": "", "outbox": outbox})
        config = channel_config(self.channel, secret_key)
        if self.channel.kind == "replay":
            options = {"path": "", "outbox": outbox, **config.options}
            config = ChannelConfig(config.name, config.kind, config.handle, config.brand_handles, config.rules, options)
        return config


@dataclass(frozen=True, slots=True)
class Queued:
    """The outcome of asking to send: the pending message, or None when the review waits for a lead (commit
    anyway: the review is what the lead approves)."""

    message: Message | None
    review: ReplyReview
    events: list[Event]

    @property
    def held(self) -> bool:
        return self.message is None


def route_for(session: Session, conversation: Conversation, outbox_dir: Path) -> Route:
    """The inbox's channel; else the channel named on the customer's posts; else (an import, the demo) the
    replay connector's JSONL outbox in `outbox_dir`."""
    channel = _inbox_channel(session, conversation) or _post_channel(session, conversation.id)
    if channel is None:
        return Route(connector_class("replay"), None, outbox_dir)
    return Route(connector_class(channel.kind), channel, outbox_dir)


def _inbox_channel(session: Session, conversation: Conversation) -> Channel | None:
    if conversation.inbox_id is None:
        return None
    inbox = session.get(Inbox, conversation.inbox_id)
    return session.get(Channel, inbox.channel_id) if inbox and inbox.channel_id else None


def _post_channel(session: Session, conversation_id: int) -> Channel | None:
    query = (
        select(Channel)
        .join(PostRecord, PostRecord.channel == Channel.name)
        .where(PostRecord.conversation_id == conversation_id, PostRecord.is_brand.is_(False))
        .order_by(PostRecord.created_at.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def queue_reply(
    session: Session,
    conversation_id: int,
    text: str,
    *,
    clock: Clock,
    outbox_dir: Path,
    agent_id: int | None = None,
    agent_name: str = "",
    private: bool = False,
    review_id: int | None = None,
) -> Queued:
    """Review the draft, then queue it as a pending outgoing message. `review_id` names a review a lead approved
    (the text must not have changed since); without one, a draft below the inbox's threshold is held: the
    result has no message, and its review waits for a lead."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise OutboxProblem(f"no conversation {conversation_id}")
    text = storable(text.strip())
    if not text:
        raise OutboxProblem("the reply is empty")
    route = route_for(session, conversation, outbox_dir)
    if private and not route.allows_private:
        raise OutboxProblem(f"{conversation.network} does not let Heard answer privately: reply in public")
    limit = min(route.max_chars, MAX_REPLY_CHARS)
    if len(text) > limit:
        raise OutboxProblem(f"{route.connector.kind} allows {limit} characters; this reply has {len(text)}")
    reviewed = _reviewed(session, conversation, text, clock, agent_id, agent_name, private, review_id)
    if reviewed.needs_approval and reviewed.approved_by_id is None:
        return Queued(None, reviewed, [])
    now = clock.now()
    message = Message(
        conversation_id=conversation_id,
        direction="outgoing",
        author_handle=route.handle or agent_name or "brand",
        agent_id=agent_id,
        text=text,
        created_at=now,
        delivery_state="pending",
        delivery_attempts=0,
        is_private=private,
    )
    session.add(message)
    session.flush()
    reviewed.message_id = message.id
    session.flush()
    return Queued(message, reviewed, [ConversationUpdated(conversation_id)])


def _reviewed(
    session: Session,
    conversation: Conversation,
    text: str,
    clock: Clock,
    agent_id: int | None,
    agent_name: str,
    private: bool,
    review_id: int | None,
) -> ReplyReview:
    if review_id is not None:
        approved = check_can_send(session, review_id, text)
        if approved.conversation_id != conversation.id:
            raise OutboxProblem("that review is for another conversation: review this reply here")
        return approved
    result = review_for(session, conversation.id, text, agent_name=agent_name, private=private)
    inbox = session.get(Inbox, conversation.inbox_id) if conversation.inbox_id else None
    return record_review(
        session,
        text,
        result,
        clock=clock,
        conversation_id=conversation.id,
        agent_id=agent_id,
        approval_below=inbox.coach_approval_below if inbox else None,
    )


def review_for(session: Session, conversation_id: int, text: str, *, agent_name: str, private: bool) -> Review:
    """The coach's review of a draft in this conversation (public or private)."""
    ctx = context_for_conversation(session, conversation_id, agent_name=agent_name)
    return review_draft(text, replace(ctx, public=False) if private else ctx)


def retry_delivery(session: Session, message_id: int) -> list[Event]:
    """An agent sends a failed reply again: it goes back to pending with a fresh round of attempts."""
    message = session.get(Message, message_id)
    if message is None or message.direction != "outgoing":
        raise OutboxProblem(f"no outgoing reply {message_id}")
    if message.delivery_state != "failed":
        raise OutboxProblem(f"only a failed reply can be sent again; this one is {message.delivery_state}")
    message.delivery_state = "pending"
    message.delivery_attempts = 0
    message.next_attempt_at = None
    session.flush()
    return [ConversationUpdated(message.conversation_id)]


def due_replies(session: Session, now: datetime, limit: int) -> list[int]:
    """Pending outgoing replies whose time has come, oldest first (notes are never due)."""
    query = (
        select(Message.id)
        .where(
            Message.delivery_state == "pending",
            Message.direction == "outgoing",
            or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
        )
        .order_by(Message.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def claim(session: Session, message_id: int, now: datetime, lease_s: float) -> bool:
    """Take one reply for sending. A conditional UPDATE: of two publishers only one sees a row change, on
    SQLite (one writer at a time) and PostgreSQL (the second UPDATE re-checks the row after the first commits)."""
    result = session.execute(
        update(Message)
        .where(
            Message.id == message_id,
            Message.delivery_state == "pending",
            Message.direction == "outgoing",
            or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
        )
        .values(
            delivery_state="sending",
            delivery_attempts=Message.delivery_attempts + 1,
            next_attempt_at=now + timedelta(seconds=lease_s),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def outgoing_reply(session: Session, message: Message) -> OutgoingReply:
    """What the connector needs: the text, and the customer post it answers (the latest one before it)."""
    answered = session.execute(
        select(Message.external_id, Message.author_handle, PostRecord.author_id, Message.created_at)
        .outerjoin(PostRecord, PostRecord.id == Message.post_id)
        .where(
            Message.conversation_id == message.conversation_id,
            Message.direction == "incoming",
            Message.created_at <= message.created_at,
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    ).first()
    return OutgoingReply(
        idempotency_key=str(message.id),
        text=message.text,
        in_reply_to=answered[0] if answered else None,
        recipient_id=answered[2] if answered else None,
        recipient_handle=answered[1] if answered else None,
        private=message.is_private,
        kind="note" if message.direction == "note" else "reply",
        in_reply_to_created_at=answered[3] if answered else None,
    )


def record_sent(session: Session, message_id: int, external_id: str | None) -> list[Event]:
    """The reply is out: it answers the customer, so the conversation stops waiting on what came before it."""
    message = session.get_one(Message, message_id)
    if message.delivery_state != "sending":
        return []
    message.delivery_state = "sent"
    message.external_id = external_id[:128] if external_id else None
    message.delivery_error = None
    message.next_attempt_at = None
    session.flush()
    states = load_states(session, [message.conversation_id])
    states[message.conversation_id].add_outgoing(message.created_at)
    save_states(session, states)
    return [ConversationUpdated(message.conversation_id)]


def record_failure(session: Session, message_id: int, reason: str, retry_at: datetime | None) -> list[Event]:
    """A failed attempt: back to pending until `retry_at`, or failed for good when `retry_at` is None."""
    message = session.get_one(Message, message_id)
    if message.delivery_state != "sending":
        return []
    message.delivery_state = "pending" if retry_at is not None else "failed"
    message.delivery_error = storable(reason)[:2000]
    message.next_attempt_at = retry_at
    session.flush()
    return [ConversationUpdated(message.conversation_id)]


def expire_stale_claims(session: Session, now: datetime) -> list[Event]:
    """Replies a publisher claimed and never finished (it died mid-send) are failed, not sent again: the
    network may have posted them, and a duplicate public reply is worse than asking the agent."""
    rows = session.execute(
        select(Message.id, Message.conversation_id).where(
            Message.delivery_state == "sending", Message.next_attempt_at <= now
        )
    ).all()
    for message_id, _ in rows:
        session.execute(
            update(Message)
            .where(Message.id == message_id, Message.delivery_state == "sending")
            .values(delivery_state="failed", delivery_error=STALE_CLAIM, next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
    return [ConversationUpdated(cid) for cid in sorted({cid for _, cid in rows})]
