"""Approval below a score: a reply or a follow-up whose review waits for a lead is never sent before a lead
approves it, whatever path queued it, and the publisher itself refuses it at claim time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from heard.accounts.models import Agent
from heard.app import Runtime
from heard.channels.models import Inbox
from heard.conversations.models import Conversation, Message
from heard.inbox.approvals import approve_review
from heard.inbox.followups import publish_with_followups
from heard.inbox.models import ReplyReview
from heard.inbox.outbox import Author, claim, queue_reply
from heard.knowledge.drafting import draft_from_incident
from heard.web.app import create_app
from heard.workers.publisher import Publisher
from tests.inbox.helpers import replay_outbox
from tests.knowledge.factories import add_incident
from tests.web.conftest import csrf_of, log_in

URL = "https://help.example.com/kb/articles/typing-i-shows-a/"
REPLY = "Hi ana, so sorry the I key turns into A: an iOS 11.1 bug. Update to 11.1.1 and it's gone. Thanks! ^Sam"


def _strict_incident(runtime: Runtime) -> tuple[list[int], str]:
    """An incident of three complaints in an inbox that needs a lead's approval for every draft (below 101);
    returns its conversations and a drafted article's slug."""
    with runtime.sessions.begin() as session:
        inbox = Inbox(name="strict", coach_approval_below=101)
        session.add(inbox)
        session.flush()
        incident = add_incident(session, runtime.clock)
        session.execute(update(Conversation).where(Conversation.incident_id == incident.id).values(inbox_id=inbox.id))
        slug = draft_from_incident(session, runtime.clock, incident.id).slug
        ids = list(session.scalars(select(Conversation.id).where(Conversation.incident_id == incident.id)))
    return ids, slug


def _lead(runtime: Runtime) -> int:
    with runtime.sessions.begin() as session:
        lead = Agent(email="lee@example.com", name="Lee", role="lead", created_at=runtime.clock.now())
        session.add(lead)
        session.flush()
        return lead.id


def _states(runtime: Runtime) -> list[str]:
    with runtime.sessions() as session:
        query = select(Message.delivery_state).where(Message.direction == "outgoing", Message.post_id.is_(None))
        return sorted(session.scalars(query))


def test_followups_and_replies_that_need_approval_wait_for_a_lead(runtime: Runtime) -> None:
    conversations, slug = _strict_incident(runtime)
    with runtime.sessions.begin() as session:
        published = publish_with_followups(session, runtime.clock, slug, URL, signature="Sam")
        assert len(published.followups) == 3
        agent = queue_reply(session, conversations[0], REPLY, clock=runtime.clock, author=Author(name="Sam"))
        assert agent.held
    assert _states(runtime) == ["held"] * 4
    runtime.clock.advance(60)  # type: ignore[attr-defined]
    assert Publisher(runtime).drain().sent == 0
    assert replay_outbox(runtime) == [], "nothing goes out before a lead approves"

    lead = _lead(runtime)
    with runtime.sessions.begin() as session:
        for review in session.scalars(select(ReplyReview).where(ReplyReview.message_id.is_not(None))):
            approve_review(session, review.id, approver_id=lead, approver_role="lead", clock=runtime.clock)
    assert Publisher(runtime).drain().sent == 4
    assert len(replay_outbox(runtime)) == 4
    assert _states(runtime) == ["sent"] * 4


def test_the_publisher_refuses_an_unapproved_reply_whatever_its_state(runtime: Runtime) -> None:
    """A writer that forgets the rule (here: a direct UPDATE to pending) still cannot get a reply sent."""
    conversations, _ = _strict_incident(runtime)
    with runtime.sessions.begin() as session:
        held = queue_reply(session, conversations[0], REPLY, clock=runtime.clock, author=Author(name="Sam"))
        session.execute(update(Message).where(Message.id == held.message.id).values(delivery_state="pending"))
    with runtime.sessions.begin() as session:
        assert not claim(session, held.message.id, runtime.clock.now(), 300)
    assert Publisher(runtime).drain().sent == 0
    assert replay_outbox(runtime) == []


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        log_in(test_client, runtime, "sam@example.com", "agent")
        test_client.headers["X-CSRF-Token"] = csrf_of(test_client.get("/").text)
        yield test_client


def test_an_edited_approved_draft_is_refused_with_its_reason(runtime: Runtime, client: TestClient) -> None:
    conversations, _ = _strict_incident(runtime)
    answer = client.post(f"/conversations/{conversations[0]}/replies", data={"text": REPLY})
    assert answer.status_code == 200
    assert "a lead must approve it" in answer.text
    lead = _lead(runtime)
    with runtime.sessions.begin() as session:
        review = session.scalars(select(ReplyReview).order_by(ReplyReview.id.desc())).first()
        assert review is not None
        approve_review(session, review.id, approver_id=lead, approver_role="lead", clock=runtime.clock)
        review_id = review.id
    edited = client.post(
        f"/conversations/{conversations[0]}/replies", data={"text": REPLY + " Edited.", "review_id": str(review_id)}
    )
    assert edited.status_code == 409
    assert "the draft changed after it was reviewed" in edited.text
    api = client.post(f"/conversations/{conversations[0]}/replies", data={"text": REPLY, "review_id": "999999"})
    assert api.status_code == 404
