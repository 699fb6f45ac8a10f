"""Queueing replies: review, approval, private replies, limits; a queued reply answers nobody until it is sent."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from heard.accounts.models import Agent
from heard.app import Runtime
from heard.channels.models import Inbox
from heard.conversations.models import Conversation, Message
from heard.conversations.state import ConversationState
from heard.db.unit import pending_events
from heard.errors import NotFound
from heard.events import ConversationUpdated
from heard.inbox.approvals import ApprovalRequired, DraftChanged, approve_review
from heard.inbox.models import ReplyReview
from heard.inbox.outbox import Author, OutboxProblem, Queued, queue_reply, retry_delivery
from tests.inbox.helpers import flaky_inbox
from tests.web.factories import add_conversation

GOOD = "Hi Alice, I'm so sorry your parcel never arrived: our courier lost it. I've sent a new one today. Thanks! ^Sam"
BAD = "As stated, per our policy we can't help."


def _queue(runtime: Runtime, conversation_id: int, text: str = GOOD, **kwargs: object) -> Message:
    queued = _ask(runtime, conversation_id, text, **kwargs)
    assert not queued.held
    return queued.message


def _ask(runtime: Runtime, conversation_id: int, text: str = GOOD, **kwargs: object) -> Queued:
    with runtime.sessions.begin() as session:
        queued = queue_reply(
            session,
            conversation_id,
            text,
            clock=runtime.clock,
            author=Author(name="Sam"),
            **kwargs,  # type: ignore[arg-type]
        )
        assert pending_events(session) == [ConversationUpdated(conversation_id)]
        return queued


def _conversation(runtime: Runtime, **fields: object) -> int:
    with runtime.sessions.begin() as session:
        return add_conversation(session, runtime.clock.now(), network="x", **fields).id


def test_a_queued_reply_is_pending_with_its_review(runtime: Runtime) -> None:
    cid = _conversation(runtime)
    message = _queue(runtime, cid)
    with runtime.sessions() as session:
        stored = session.get_one(Message, message.id)
        assert (stored.direction, stored.delivery_state, stored.is_private) == ("outgoing", "pending", False)
        review = session.query(ReplyReview).filter_by(message_id=message.id).one()
        assert review.draft == GOOD
        assert review.score >= 70
        conversation = session.get_one(Conversation, cid)
        assert conversation.waiting_since is not None, "a reply still in the outbox has answered nobody"
        assert ConversationState.recount(session, cid).waiting_since is not None


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("   \n", "empty"), ("x" * 281, "allows 280 characters")],
)
def test_refuses_what_cannot_go_out(runtime: Runtime, text: str, reason: str) -> None:
    cid = _conversation(runtime, inbox_id=flaky_inbox(runtime, failures=0))
    with pytest.raises(OutboxProblem, match=reason):
        _queue(runtime, cid, text)


def test_private_only_where_the_channel_allows_it(runtime: Runtime) -> None:
    no_dm = _conversation(runtime, inbox_id=flaky_inbox(runtime, failures=0))
    with pytest.raises(OutboxProblem, match="privately"):
        _queue(runtime, no_dm, private=True)
    replayed = _conversation(runtime)
    message = _queue(
        runtime, replayed, "Hi Alice, please send me your order number and I'll fix it. ^Sam", private=True
    )
    assert message.is_private


def test_a_low_score_waits_for_a_lead_in_an_inbox_that_requires_approval(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        inbox = Inbox(name="strict", coach_approval_below=80)
        lead = Agent(email="lead@example.com", name="Lee", role="lead", created_at=runtime.clock.now())
        session.add_all([inbox, lead])
        session.flush()
        inbox_id, lead_id = inbox.id, lead.id
    cid = _conversation(runtime, inbox_id=inbox_id)
    held = _ask(runtime, cid, BAD)
    assert held.held
    review_id = held.review.id
    with runtime.sessions() as session:
        [waiting] = session.query(Message).filter_by(conversation_id=cid, direction="outgoing").all()
        assert (waiting.id, waiting.delivery_state) == (held.message.id, "held")
        assert session.get_one(ReplyReview, review_id).needs_approval
    with pytest.raises(ApprovalRequired):
        _ask(runtime, cid, BAD, review_id=review_id)
    with runtime.sessions.begin() as session:
        approve_review(session, review_id, approver_id=lead_id, approver_role="lead", clock=runtime.clock)
        assert pending_events(session) == [ConversationUpdated(cid)]
    with runtime.sessions() as session:
        assert session.get_one(Message, held.message.id).delivery_state == "pending", "approval releases it"
    with pytest.raises(DraftChanged):
        _queue(runtime, cid, BAD + " Edited.", review_id=review_id)
    with pytest.raises(OutboxProblem, match="another conversation"):
        _queue(runtime, _conversation(runtime), BAD, review_id=review_id)
    with pytest.raises(OutboxProblem, match="pending already"):
        _queue(runtime, cid, BAD, review_id=review_id)
    _queue(runtime, cid, GOOD)  # a good draft needs nobody


def test_an_approved_review_sent_again_releases_its_held_reply(runtime: Runtime) -> None:
    """The composer's way: the agent presses send again with the approved review's id."""
    with runtime.sessions.begin() as session:
        inbox = Inbox(name="strict", coach_approval_below=80)
        session.add(inbox)
        session.flush()
        inbox_id = inbox.id
    cid = _conversation(runtime, inbox_id=inbox_id)
    held = _ask(runtime, cid, BAD)
    with runtime.sessions.begin() as session:  # a lead approves without releasing (an older Heard, say)
        row = session.get_one(ReplyReview, held.review.id)
        row.approved_at = runtime.clock.now()
        row.approved_by_id = _lead(session, runtime)
    released = _queue(runtime, cid, BAD, review_id=held.review.id)
    assert (released.id, released.delivery_state) == (held.message.id, "pending")


def _lead(session: Session, runtime: Runtime) -> int:
    lead = Agent(email="lee@example.com", name="Lee", role="lead", created_at=runtime.clock.now())
    session.add(lead)
    session.flush()
    return lead.id


def test_only_a_failed_reply_can_be_sent_again(runtime: Runtime) -> None:
    message = _queue(runtime, _conversation(runtime))
    with runtime.sessions.begin() as session, pytest.raises(OutboxProblem, match="only a failed reply"):
        retry_delivery(session, message.id)
    with runtime.sessions.begin() as session:
        stored = session.get_one(Message, message.id)
        stored.delivery_state, stored.delivery_attempts = "failed", 5
    with runtime.sessions.begin() as session:
        retry_delivery(session, message.id)
        assert [e.name for e in pending_events(session)] == ["conversation.updated"]
    with runtime.sessions() as session:
        stored = session.get_one(Message, message.id)
        assert (stored.delivery_state, stored.delivery_attempts) == ("pending", 0)


def test_unknown_conversation(runtime: Runtime) -> None:
    with pytest.raises(NotFound, match="no conversation"):
        _queue(runtime, 999_999)


def test_the_network_limit_holds_even_through_the_replay_channel(runtime: Runtime) -> None:
    """The demo answers X conversations through the replay connector (10,000 characters): X still takes 280."""
    cid = _conversation(runtime)  # network x, no channel: the replay outbox
    with pytest.raises(OutboxProblem, match="x allows 280 characters; this reply has 322"):
        _queue(runtime, cid, "Sorry about this! " + "a" * 304)
