"""Store actions of the reply coach: record a review, a lead's approval, and the check before a reply goes out.

Advisory by default. An inbox whose `coach_approval_below` is set (the caller passes it in: the coach does not read
other features' tables) makes a draft that scores below it wait for a lead's approval; an approved draft that is
edited afterwards needs a new review.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from heard.clock import Clock
from heard.coach.review import Review
from heard.errors import HeardError
from heard.inbox.models import ReplyReview

#: Agent roles that may approve a draft below the inbox's threshold.
LEAD_ROLES = frozenset({"lead", "admin"})


class ApprovalRequired(HeardError):
    """The draft scored below the inbox's threshold and no lead has approved it yet."""


class NotALead(HeardError):
    """Only a lead (or an admin) can approve a draft."""


class DraftChanged(HeardError):
    """The text about to go out is not the text that was reviewed (and approved)."""


def approval_needed(score: int, approval_below: int | None) -> bool:
    """True when the inbox requires approval below a score and the draft is below it."""
    return approval_below is not None and score < approval_below


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
    if approver_role not in LEAD_ROLES:
        raise NotALead(f"only a lead can approve a draft; this agent is '{approver_role}'")
    row = _get(session, review_id)
    row.approved_by_id = approver_id
    row.approved_at = clock.now()
    session.flush()
    return row


def check_can_send(session: Session, review_id: int, text: str) -> ReplyReview:
    """The review that lets `text` go out; raises when it was edited since, or still waits for a lead."""
    row = _get(session, review_id)
    if row.draft != text:
        raise DraftChanged("the draft changed after it was reviewed; review it again before sending")
    if row.needs_approval and row.approved_by_id is None:
        raise ApprovalRequired(f"this draft scored {row.score}, below the inbox's threshold: a lead must approve it")
    return row


def attach_message(session: Session, review_id: int, message_id: int) -> None:
    """Link the review to the outgoing message it let through."""
    _get(session, review_id).message_id = message_id
    session.flush()


def _get(session: Session, review_id: int) -> ReplyReview:
    row = session.get(ReplyReview, review_id)
    if row is None:
        raise HeardError(f"no reply review {review_id}")
    return row
