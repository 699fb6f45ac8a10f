"""Publishing a fix queues one personal follow-up per complainant, in their conversation, and never twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.conversations.models import Message
from heard.inbox.followups import publish_with_followups, send_followups
from heard.knowledge.drafting import draft_from_incident
from heard.knowledge.models import ArticleFollowUp
from tests.knowledge.factories import COMPLAINTS, add_incident

URL = "https://help.example.com/kb/articles/typing-i-shows-a/"


def _pending(session: Session) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.delivery_state == "pending").order_by(Message.id)))


def test_one_followup_per_complainant_and_never_twice(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    # ana complains twice (two conversations): she is one person and gets one follow-up, in her latest one.
    complaints = [*COMPLAINTS, ("ana", "@AppleSupport still broken, the I key is useless")]
    with sessions.begin() as session:
        incident = add_incident(session, clock, complaints)
        slug = draft_from_incident(session, clock, incident.id).slug
    with sessions.begin() as session:
        result = publish_with_followups(session, clock, slug, URL)
        assert len(result.followups) == 3
    with sessions.begin() as session:
        again = publish_with_followups(session, clock, slug, URL)
        assert again.followups == []
        assert send_followups(session, clock, again.article, URL) == []
    with sessions() as session:
        pending = _pending(session)
        assert len(pending) == 3
        texts = sorted(m.text for m in pending)
        assert (
            # a draft from an incident is "identified", not fixed: the message promises what is true
            texts[0] == f"Hi @ana, sorry about typing I shows A [?]. We know the cause and are working on the fix; "
            f"what to do meanwhile: {URL} Thank you for reporting it."
        )
        assert all(m.direction == "outgoing" and m.author_handle == "AppleSupport" for m in pending)
        rows = list(session.scalars(select(ArticleFollowUp)))
        assert len(rows) == 3
        assert sorted(r.message_id for r in rows) == [m.id for m in pending]
        ana_latest = max(r.conversation_id for r in rows)
        assert next(m for m in pending if "@ana" in m.text).conversation_id == ana_latest


def test_database_refuses_a_second_followup_for_the_same_person(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with sessions.begin() as session:
        incident = add_incident(session, clock)
        slug = draft_from_incident(session, clock, incident.id).slug
        publish_with_followups(session, clock, slug, URL)
    with sessions() as session:
        first = session.scalars(select(ArticleFollowUp)).first()
        assert first is not None
        copy = ArticleFollowUp(
            article_id=first.article_id,
            contact_id=first.contact_id,
            conversation_id=first.conversation_id,
            created_at=clock.now(),
        )
        session.add(copy)
        with pytest.raises(IntegrityError):
            session.flush()


def test_publishing_an_article_without_incident_queues_nothing(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    from heard.knowledge.actions import create_article

    with sessions.begin() as session:
        add_incident(session, clock)
        article = create_article(session, clock, "Reset your password", body_md="## Steps to fix\n1. Tap Forgot")
        assert publish_with_followups(session, clock, article.slug, URL).followups == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ArticleFollowUp)) == 0
        assert _pending(session) == []


def test_a_complainant_added_after_publishing_gets_one_on_the_next_publish(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with sessions.begin() as session:
        incident = add_incident(session, clock, COMPLAINTS[:2])
        slug = draft_from_incident(session, clock, incident.id).slug
        assert len(publish_with_followups(session, clock, slug, URL).followups) == 2
        incident_id = incident.id
    with sessions.begin() as session:
        from heard.incidents.models import Incident

        add_incident(session, clock, COMPLAINTS[2:], replies=[])
        late = session.scalars(select(Incident).order_by(Incident.id.desc())).first()
        assert late is not None
        # the late complaint is moved into the first incident, as grouping would do
        from heard.conversations.models import Conversation, PostRecord

        for row in session.scalars(select(PostRecord).where(PostRecord.incident_id == late.id)):
            row.incident_id = incident_id
        for conv in session.scalars(select(Conversation).where(Conversation.incident_id == late.id)):
            conv.incident_id = incident_id
        session.flush()
        assert len(publish_with_followups(session, clock, slug, URL).followups) == 1
    with sessions() as session:
        assert len(_pending(session)) == 3


def test_each_followup_is_reviewed_by_the_coach_and_recorded(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    from heard.inbox.models import ReplyReview
    from heard.knowledge.actions import update_article

    with sessions.begin() as session:
        incident = add_incident(session, clock)
        article = draft_from_incident(session, clock, incident.id)
        body = article.body_md.replace(
            "_Not confirmed yet: say what the team found, or remove this section._",
            "A bug in the keyboard's autocorrect in iOS 11.1. It was fixed in 11.1.1.",
        )
        update_article(
            session, clock, article.slug, body_md=body, problem="the I turning into A [?]", issue_status="fixed"
        )
        queued = publish_with_followups(session, clock, article.slug, URL, signature="JM").followups
        assert len(queued) == 3
    with sessions() as session:
        reviews = {r.message_id: r for r in session.scalars(select(ReplyReview))}
        pending = _pending(session)
        assert sorted(reviews) == [m.id for m in pending]
        first = pending[0]
        assert first.text == (
            "Hi @ana, sorry about the I turning into A [?]. A bug in the keyboard's autocorrect in iOS 11.1. "
            f"The fix is out: {URL} Thank you for reporting it. ^JM"
        )
        scores = {f.message_id: f.review_score for f in session.scalars(select(ArticleFollowUp))}
        assert scores == {m: r.score for m, r in reviews.items()}
        # The first is a personal reply; the others are flagged as copies of it, as the coach should.
        assert "human.near_copy" not in {f["rule"] for f in reviews[first.id].findings}
        assert all("human.near_copy" in {f["rule"] for f in reviews[m.id].findings} for m in pending[1:])


def test_the_followup_promises_only_what_the_article_says() -> None:
    from heard.knowledge.followups import status_line
    from heard.knowledge.models import Article

    assert status_line(Article(issue_status="fixed"), URL).startswith("The fix is out")
    assert "fix is out" not in status_line(Article(issue_status="identified"), URL)
    assert status_line(Article(issue_status="investigating"), URL).startswith("We're on it")
    assert status_line(Article(issue_status=None), URL).startswith("We're on it")
