"""The "is it fixed for you?" check-in: a few days after a complaint's conversation was resolved, Heard asks the
customer in their own thread, through the one reply path (so the coach reviews it and the inbox's approval rule
holds), and reads their answer when they write back. The answers count in the outcome report.

The scheduler runs `send_checkins` and `record_answers` (`heard serve`); both are idempotent.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from heard.clock import Clock
from heard.conversations.models import Contact, Conversation, Message, PostRecord
from heard.db.base import Base, UTCDateTime
from heard.errors import Refused
from heard.inbox.outbox import Author, queue_reply
from heard.posts import COMPLAINT_AT

#: How long after the resolution Heard asks.
AFTER = timedelta(days=3)
#: Conversations resolved longer ago than this are not asked any more (a check-in a month late is noise).
NOT_AFTER = timedelta(days=14)
FIXED, NOT_FIXED, UNCLEAR = "fixed", "not_fixed", "unclear"
_NO = re.compile(r"\b(no|nope|not|still|again|broken|worse|doesn'?t|didn'?t|isn'?t|never)\b", re.IGNORECASE)
_YES = re.compile(
    r"\b(yes|yep|yeah|fixed|works|working|solved|sorted|resolved|all good|thanks?|thank you)\b", re.IGNORECASE
)


class CheckIn(Base):
    __tablename__ = "checkins"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), unique=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def answer_of(text: str, sentiment: str | None) -> str:
    """Their reply read as fixed / not fixed: words first ("still broken" is a no even when polite), then the
    understanding stage's sentiment."""
    no, yes = bool(_NO.search(text)), bool(_YES.search(text))
    if no and not yes:
        return NOT_FIXED
    if yes and not no:
        return FIXED
    if sentiment == "positive":
        return FIXED
    if sentiment == "negative":
        return NOT_FIXED
    return UNCLEAR


def checkin_text(name: str) -> str:
    greeting = f"Hi {name}, " if name else "Hi, "
    return f"{greeting}checking in on the problem you told us about: is it fixed for you now? A yes or no helps us."


def _first_name(conversation: Conversation, session: Session) -> str:
    contact = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    name = (contact.display_name if contact else "") or ""
    if name and name.lower() != conversation.customer_handle.lower() and name != "[erased]":
        return name.split()[0]
    return f"@{conversation.customer_handle}" if conversation.customer_handle else ""


def due(session: Session, now: datetime, limit: int = 100) -> list[Conversation]:
    """Resolved complaints, quiet for `AFTER` (and not older than `NOT_AFTER`), never asked before."""
    complaint = exists().where(
        PostRecord.conversation_id == Conversation.id,
        PostRecord.is_brand.is_(False),
        PostRecord.complaint >= COMPLAINT_AT,
    )
    asked = exists().where(CheckIn.conversation_id == Conversation.id)
    query = (
        select(Conversation)
        .where(
            Conversation.status == "resolved",
            Conversation.last_activity_at <= now - AFTER,
            Conversation.last_activity_at > now - NOT_AFTER,
            complaint,
            ~asked,
        )
        .order_by(Conversation.last_activity_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def send_checkins(session: Session, clock: Clock, limit: int = 100) -> int:
    """Ask each due conversation once; returns how many were asked. A conversation the reply path refuses (its
    network allows no reply) is marked asked with no message, so it is not tried forever."""
    now, sent = clock.now(), 0
    for conversation in due(session, now, limit):
        message_id = None
        try:
            with session.begin_nested():
                queued = queue_reply(
                    session,
                    conversation.id,
                    checkin_text(_first_name(conversation, session)),
                    clock=clock,
                    author=Author(),
                )
                message_id = queued.message.id
                sent += 1
        except Refused:
            pass
        session.add(CheckIn(conversation_id=conversation.id, message_id=message_id, sent_at=now))
    session.flush()
    return sent


def record_answers(session: Session, now: datetime) -> int:
    """Read the customer's first word after each unanswered check-in; returns how many got an answer."""
    answered = 0
    for checkin in session.scalars(select(CheckIn).where(CheckIn.answer.is_(None), CheckIn.message_id.is_not(None))):
        first = session.execute(
            select(Message.text, PostRecord.sentiment, Message.created_at)
            .outerjoin(PostRecord, PostRecord.id == Message.post_id)
            .where(
                Message.conversation_id == checkin.conversation_id,
                Message.direction == "incoming",
                Message.created_at > checkin.sent_at,
            )
            .order_by(Message.created_at, Message.id)
            .limit(1)
        ).first()
        if first is None:
            continue
        checkin.answer = answer_of(first.text, first.sentiment)
        checkin.answered_at = first.created_at
        answered += 1
    session.flush()
    return answered
