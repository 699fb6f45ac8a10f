"""The outbox: the one way anything leaves Heard for a network. An agent's reply, a knowledge-base follow-up and
anything else that sends goes through `queue_reply`, which reviews the text with the coach, records the review,
applies the inbox's approval rule and queues an outgoing Message; the publisher sends it through the
conversation's channel.

States of an outgoing reply: held (its review waits for a lead; never claimed) -> pending -> sending (claimed by
one publisher) -> sent | pending again (a transient failure, retried at `next_attempt_at`) | failed (refused, out
of attempts, or a publisher that died mid-send). Notes never enter the outbox. Every action here is one part of a
unit of work: the caller's transaction commits it, and the events it registers are published after that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from heard.accounts.models import Agent
from heard.audit.trail import SYSTEM, Actor, record
from heard.channels.models import Inbox
from heard.channels.routing import route_for
from heard.clock import Clock
from heard.coach.review import Review, ReviewContext
from heard.coach.reviewer import review as review_draft
from heard.conversations.models import Conversation, Message
from heard.conversations.state import load_states, save_states
from heard.db.unit import emit
from heard.errors import NotFound, Refused
from heard.events import ConversationUpdated
from heard.inbox.approvals import HELD, PENDING, check_can_send, record_review, sendable, waits_for_lead
from heard.inbox.coaching import context_for_conversation
from heard.inbox.models import ReplyReview
from heard.lengths import measure
from heard.posts import storable

#: The longest reply Heard queues whatever the network (the connector refuses more for its own network).
MAX_REPLY_CHARS = 10_000
STALE_CLAIM = "the publisher stopped while sending this reply; check the network before sending it again"


class OutboxProblem(Refused):
    """A reply cannot be queued as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class Author:
    """Who writes a reply: an agent (id and name, which the coach looks for as a signature), or Heard itself
    (a follow-up: no agent). `account` is the brand account it goes out from when neither the conversation's
    channel nor an earlier answer in it names one."""

    agent_id: int | None = None
    name: str = ""
    account: str | None = None


@dataclass(frozen=True, slots=True)
class ReplyLength:
    """A reply's length as its network counts it, against the tighter of the network's and the channel's limit:
    what the composer's counter shows and what `queue_reply` refuses, so the two never disagree."""

    length: int
    limit: int
    where: str

    @property
    def over(self) -> int:
        return max(0, self.length - self.limit)

    @property
    def reason(self) -> str:
        return f"{self.where} allows {self.limit} characters; this reply has {self.length}"


def reply_length(network: str, channel_kind: str, channel_max: int, text: str) -> ReplyLength:
    """`text` as it would be queued (stripped, storable), measured the way `network` counts."""
    measured = measure(network, storable(text.strip()))
    # The network's own limit, as it counts, even when the channel (an import, the demo's replay) takes more.
    limit = min(channel_max, MAX_REPLY_CHARS, measured.limit or MAX_REPLY_CHARS)
    return ReplyLength(measured.length, limit, network if measured.limit == limit else channel_kind)


@dataclass(frozen=True, slots=True)
class Queued:
    """The outcome of asking to send: the queued message, and the review that let it through or holds it for a
    lead (commit either way: the held message is what the lead approves)."""

    message: Message
    review: ReplyReview

    @property
    def held(self) -> bool:
        return self.message.delivery_state == HELD


def queue_reply(
    session: Session,
    conversation_id: int,
    text: str,
    *,
    clock: Clock,
    author: Author | None = None,
    private: bool = False,
    review_id: int | None = None,
    context: ReviewContext | None = None,
) -> Queued:
    """Review the draft, then queue it. `review_id` names a review a lead approved (the text must not have changed
    since); without one the draft is reviewed here, in `context` when the caller knows more about the moment than
    the conversation shows (a follow-up knows its article), and one below the inbox's threshold is held."""
    author = author or Author()
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound(f"no conversation {conversation_id}")
    text = storable(text.strip())
    if not text:
        raise OutboxProblem("the reply is empty")
    route = route_for(session, conversation)
    if private and not route.allows_private:
        raise OutboxProblem(f"{conversation.network} does not let Heard answer privately: reply in public")
    length = reply_length(conversation.network, route.kind, route.max_chars, text)
    if length.over:
        raise OutboxProblem(length.reason)
    if review_id is not None:
        return _send_approved(session, conversation, text, review_id)
    reviewed = _review(session, conversation, text, clock, author, private, context)
    message = Message(
        conversation_id=conversation_id,
        direction="outgoing",
        author_handle=route.handle
        or brand_voice(session, [conversation_id])
        or author.account
        or author.name
        or "brand",
        agent_id=author.agent_id,
        text=text,
        created_at=clock.now(),
        delivery_state=HELD if waits_for_lead(reviewed) else PENDING,
        delivery_attempts=0,
        is_private=private,
    )
    session.add(message)
    session.flush()
    reviewed.message_id = message.id
    session.flush()
    emit(session, ConversationUpdated(conversation_id))
    _audit(session, author, message, reviewed, clock)
    return Queued(message, reviewed)


def revise_held(session: Session, message_id: int, text: str, *, clock: Clock, editor: Author) -> ReplyReview:
    """A lead edits a reply that waits for approval: the new text is checked as any reply is (empty, too long for
    its network) and reviewed by the coach again, as the reply of the agent who wrote it; it stays held until a lead
    approves the new review. The earlier reviews stay on record, no longer tied to the message (so they cannot
    hold it or let it go)."""
    message = session.get(Message, message_id)
    if message is None or message.delivery_state != HELD:
        raise NotFound(f"no reply {message_id} waiting for a lead")
    conversation = session.get_one(Conversation, message.conversation_id)
    text = storable(text.strip())
    if not text:
        raise OutboxProblem("the reply is empty")
    route = route_for(session, conversation)
    length = reply_length(conversation.network, route.kind, route.max_chars, text)
    if length.over:
        raise OutboxProblem(length.reason)
    writer = session.get(Agent, message.agent_id) if message.agent_id is not None else None
    author = Author(agent_id=message.agent_id, name=writer.name if writer else "")
    reviewed = _review(session, conversation, text, clock, author, message.is_private, None)
    reviewed.needs_approval = True  # an edit is approved as edited, whatever it scores now
    session.execute(
        update(ReplyReview)
        .where(ReplyReview.message_id == message.id, ReplyReview.id != reviewed.id)
        .values(message_id=None)
    )
    reviewed.message_id = message.id
    message.text = text
    session.flush()
    actor = Actor(editor.agent_id, editor.name or "heard")
    detail = {"message_id": message.id, "review_id": reviewed.id, "score": reviewed.score}
    record(session, actor, "reply.edited", "conversation", message.conversation_id, detail, at=clock.now())
    emit(session, ConversationUpdated(message.conversation_id))
    return reviewed


def _audit(session: Session, author: Author, message: Message, review: ReplyReview, clock: Clock) -> None:
    actor = Actor(author.agent_id, author.name or "heard") if author.agent_id is not None else SYSTEM
    detail = {
        "message_id": message.id,
        "review_id": review.id,
        "score": review.score,
        "held": message.delivery_state == HELD,
    }
    record(session, actor, "reply.queued", "conversation", message.conversation_id, detail, at=clock.now())


def _send_approved(session: Session, conversation: Conversation, text: str, review_id: int) -> Queued:
    """An approved review's reply: released when it was held; refused when it went out already."""
    approved = check_can_send(session, review_id, text)
    if approved.conversation_id != conversation.id:
        raise OutboxProblem("that review is for another conversation: review this reply here")
    message = session.get(Message, approved.message_id) if approved.message_id is not None else None
    if message is None:
        raise OutboxProblem("that review queued no reply: send the draft again to review it")
    if message.delivery_state != HELD:
        raise OutboxProblem(f"this reply is {message.delivery_state} already")
    message.delivery_state = PENDING
    session.flush()
    emit(session, ConversationUpdated(conversation.id))
    return Queued(message, approved)


def _review(
    session: Session,
    conversation: Conversation,
    text: str,
    clock: Clock,
    author: Author,
    private: bool,
    context: ReviewContext | None,
) -> ReplyReview:
    ctx = context or context_for_conversation(session, conversation.id, agent_name=author.name)
    result = review_draft(text, replace(ctx, public=False) if private else ctx)
    inbox = session.get(Inbox, conversation.inbox_id) if conversation.inbox_id else None
    return record_review(
        session,
        text,
        result,
        clock=clock,
        conversation_id=conversation.id,
        agent_id=author.agent_id,
        approval_below=inbox.coach_approval_below if inbox else None,
    )


def brand_voice(session: Session, conversation_ids: list[int]) -> str | None:
    """The account that answered last in these conversations: a reply without a channel goes out in its name."""
    return session.scalar(
        select(Message.author_handle)
        .where(Message.conversation_id.in_(conversation_ids), Message.direction == "outgoing")
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )


def review_for(session: Session, conversation_id: int, text: str, *, agent_name: str, private: bool) -> Review:
    """The coach's review of a draft in this conversation (public or private), as the composer shows it."""
    ctx = context_for_conversation(session, conversation_id, agent_name=agent_name)
    return review_draft(text, replace(ctx, public=False) if private else ctx)


def retry_delivery(session: Session, message_id: int) -> None:
    """An agent sends a failed reply again: it goes back to pending with a fresh round of attempts."""
    message = session.get(Message, message_id)
    if message is None or message.direction != "outgoing":
        raise NotFound(f"no outgoing reply {message_id}")
    if message.delivery_state != "failed":
        raise OutboxProblem(f"only a failed reply can be sent again; this one is {message.delivery_state}")
    message.delivery_state = PENDING
    message.delivery_attempts = 0
    message.next_attempt_at = None
    session.flush()
    emit(session, ConversationUpdated(message.conversation_id))


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        Message.delivery_state == PENDING,
        Message.direction == "outgoing",
        or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
        sendable(),
    ]


def due_replies(session: Session, now: datetime, limit: int) -> list[int]:
    """Pending outgoing replies whose time has come, oldest first (notes and held replies are never due)."""
    query = select(Message.id).where(*_due(now)).order_by(Message.id).limit(limit)
    return list(session.scalars(query))


def claim(session: Session, message_id: int, now: datetime, lease_s: float) -> bool:
    """Take one reply for sending. A conditional UPDATE: of two publishers only one sees a row change, on
    SQLite (one writer at a time) and PostgreSQL (the second UPDATE re-checks the row after the first commits).
    The claim itself refuses a reply whose review waits for a lead, whatever state a writer left it in."""
    result = session.execute(
        update(Message)
        .where(Message.id == message_id, *_due(now))
        .values(
            delivery_state="sending",
            delivery_attempts=Message.delivery_attempts + 1,
            next_attempt_at=now + timedelta(seconds=lease_s),
        )
        .execution_options(synchronize_session=False)
    )
    claimed = bool(getattr(result, "rowcount", 0) == 1)
    if claimed:
        emit(session, ConversationUpdated(_conversation_of(session, message_id)))
    return claimed


def _conversation_of(session: Session, message_id: int) -> int:
    return int(session.execute(select(Message.conversation_id).where(Message.id == message_id)).scalar_one())


def record_sent(session: Session, message_id: int, external_id: str | None) -> None:
    """The reply is out: it answers the customer, so the conversation stops waiting on what came before it."""
    message = session.get_one(Message, message_id)
    if message.delivery_state != "sending":
        return
    message.delivery_state = "sent"
    message.external_id = external_id[:128] if external_id else None
    message.delivery_error = None
    message.next_attempt_at = None
    session.flush()
    states = load_states(session, [message.conversation_id])
    states[message.conversation_id].add_outgoing(message.created_at)
    save_states(session, states)
    emit(session, ConversationUpdated(message.conversation_id))


def record_failure(session: Session, message_id: int, reason: str, retry_at: datetime | None) -> None:
    """A failed attempt: back to pending until `retry_at`, or failed for good when `retry_at` is None."""
    message = session.get_one(Message, message_id)
    if message.delivery_state != "sending":
        return
    message.delivery_state = PENDING if retry_at is not None else "failed"
    message.delivery_error = storable(reason)[:2000]
    message.next_attempt_at = retry_at
    session.flush()
    emit(session, ConversationUpdated(message.conversation_id))


def expire_stale_claims(session: Session, now: datetime) -> None:
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
    emit(session, *(ConversationUpdated(cid) for cid in sorted({cid for _, cid in rows})))
