"""Saving reviews and the approval policy, on every database backend."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from heard.accounts.models import Agent
from heard.channels.models import Inbox
from heard.clock import FrozenClock
from heard.coach.review import ReviewContext
from heard.coach.reviewer import review
from heard.db.migrate import downgrade, upgrade
from heard.inbox.approvals import (
    ApprovalRequired,
    DraftChanged,
    NotALead,
    approval_needed,
    approve_review,
    check_can_send,
    record_review,
)
from heard.inbox.models import ReplyReview

BAD = "As stated, per our policy we can't help."
CTX = ReviewContext(post="You lost my bag!", customer_name="Jane")


def agents(session: Session, clock: FrozenClock) -> tuple[int, int]:
    agent = Agent(email="a@example.com", name="Sam Lee", role="agent", created_at=clock.now())
    lead = Agent(email="l@example.com", name="Kim Lead", role="lead", created_at=clock.now())
    session.add_all([agent, lead])
    session.flush()
    return agent.id, lead.id


def test_approval_needed() -> None:
    assert not approval_needed(10, None)
    assert approval_needed(59, 60)
    assert not approval_needed(60, 60)


def test_advisory_by_default(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        agent_id, _ = agents(session, clock)
        row = record_review(session, BAD, review(BAD, CTX), clock=clock, agent_id=agent_id)
        assert not row.needs_approval
        assert check_can_send(session, row.id, BAD) is row
        saved = session.scalars(select(ReplyReview)).one()
        assert saved.score == review(BAD, CTX).score
        assert {f["rule"] for f in saved.findings} >= {"humble.blame"}


def test_below_the_inbox_threshold_a_lead_must_approve(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        inbox = Inbox(name="care", coach_approval_below=70)
        session.add(inbox)
        agent_id, lead_id = agents(session, clock)
        row = record_review(
            session, BAD, review(BAD, CTX), clock=clock, agent_id=agent_id, approval_below=inbox.coach_approval_below
        )
        assert row.needs_approval
        with pytest.raises(ApprovalRequired):
            check_can_send(session, row.id, BAD)
        with pytest.raises(NotALead):
            approve_review(session, row.id, approver_id=agent_id, approver_role="agent", clock=clock)
        approve_review(session, row.id, approver_id=lead_id, approver_role="lead", clock=clock)
        assert check_can_send(session, row.id, BAD).approved_by_id == lead_id
        with pytest.raises(DraftChanged):
            check_can_send(session, row.id, BAD + " Sorry!")
    with sessions() as session:
        stored = session.scalars(select(ReplyReview)).one()
        assert stored.approved_at == clock.now()
        assert session.scalars(select(Inbox)).one().coach_approval_below == 70


def test_the_migration_goes_down_and_up_again(engine: Engine) -> None:
    downgrade(engine, "0001")
    assert "coach_approval_below" not in {c["name"] for c in inspect(engine).get_columns("inboxes")}
    upgrade(engine)
    assert "approved_by_id" in {c["name"] for c in inspect(engine).get_columns("reply_reviews")}
