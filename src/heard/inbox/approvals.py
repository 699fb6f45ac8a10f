"""The coach's reviews on record, and a lead's approval.

Advisory by default. An inbox whose `coach_approval_below` is set makes a draft that scores below it wait for a
lead: its message is queued as "held", which no publisher claims (`sendable()` is part of every claim), and a
lead's approval releases it to "pending". An approved draft that is edited afterwards needs a new review.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from heard.audit.trail import Actor, record
from heard.clock import Clock
from heard.coach.review import Review
from heard.conversations.models import Message
from heard.db.unit import emit
from heard.errors import Conflict, Forbidden, NotFound, Refused
from heard.events import ConversationUpdated
from heard.inbox.models import ReplyReview

#: Agent roles that may approve a draft below the inbox's threshold.
LEAD_ROLES = frozenset({"lead", "admin"})
#: The delivery state of a reply that waits for a lead's approval; the publisher never takes it.
HELD = "held"
PENDING = "pending"


class ApprovalRequired(Refused):
    """The draft scored below the inbox's threshold and no lead has approved it yet."""


class NotALead(Forbidden):
    """Only a lead (or an admin) can approve a draft."""


class DraftChanged(Conflict):
    """The text about to go out is not the text that was reviewed (and approved)."""


def approval_needed(score: int, approval_below: int | None) -> bool:
    """True when the inbox requires approval below a score and the draft is below it."""
    return approval_below is not None and score < approval_below


def waits_for_lead(review: ReplyReview) -> bool:
    return review.needs_approval and review.approved_by_id is None


def record_review(
    session: Session,
    draft: str,
    review: Review,
    *,
    clock: Clock,
    conversation_id: int | None = None,
    agent_id: int | None = None,
    approval_below: int | None = None,
) -> ReplyReview:
    row = ReplyReview(
        conversation_id=conversation_id,
        agent_id=agent_id,
        draft=draft,
        score=review.score,
        findings=[f.to_dict() for f in review.findings],
        created_at=clock.now(),
        needs_approval=approval_needed(review.score, approval_below),
    )
    session.add(row)
    session.flush()
    return row


def approve_review(
    session: Session, review_id: int, *, approver_id: int, approver_role: str, clock: Clock
) -> ReplyReview:
    """A lead approves a reviewed draft; its held reply (if it was queued) goes out."""
    if approver_role not in LEAD_ROLES:
        raise NotALead(f"only a lead can approve a draft; this agent is '{approver_role}'")
    row = _get(session, review_id)
    row.approved_by_id = approver_id
    row.approved_at = clock.now()
    detail = {"review_id": row.id, "message_id": row.message_id, "score": row.score}
    record(
        session,
        Actor(approver_id, f"agent #{approver_id}"),
        "reply.approved",
        "conversation",
        row.conversation_id or "",
        detail,
        at=row.approved_at,
    )
    if row.message_id is not None:
        release(session, row.message_id)
    session.flush()
    return row


def release(session: Session, message_id: int) -> None:
    """A held reply whose review is approved becomes pending, for the publisher to take."""
    message = session.get(Message, message_id)
    if message is not None and message.delivery_state == HELD:
        message.delivery_state = PENDING
        emit(session, ConversationUpdated(message.conversation_id))


def check_can_send(session: Session, review_id: int, text: str) -> ReplyReview:
    """The review that lets `text` go out; raises when it was edited since, or still waits for a lead."""
    row = _get(session, review_id)
    if row.draft != text:
        raise DraftChanged("the draft changed after it was reviewed; review it again before sending")
    if waits_for_lead(row):
        raise ApprovalRequired(f"this draft scored {row.score}, below the inbox's threshold: a lead must approve it")
    return row


def sendable() -> ColumnElement[bool]:
    """SQL: the outgoing message has no review that still waits for a lead. Part of every claim, so a reply is
    never sent unapproved, whatever state a writer left it in."""
    waiting = (
        select(ReplyReview.id)
        .where(
            ReplyReview.message_id == Message.id,
            ReplyReview.needs_approval.is_(True),
            ReplyReview.approved_by_id.is_(None),
        )
        .correlate(Message)
    )
    return ~exists(waiting)


def _get(session: Session, review_id: int) -> ReplyReview:
    row = session.get(ReplyReview, review_id)
    if row is None:
        raise NotFound(f"no reply review {review_id}")
    return row
