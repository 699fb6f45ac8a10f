"""Publishing a fix queues one personal follow-up per complainant, in their conversation, and never twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.db.engine import unit_of_work
from heard.inbox.models import Message
from heard.knowledge.actions import publish_article
from heard.knowledge.drafting import draft_from_incident
from heard.knowledge.followups import queue_followups
from heard.knowledge.models import ArticleFollowUp
from tests.knowledge.factories import COMPLAINTS, add_incident

URL = "https://help.example.com/kb/articles/typing-i-shows-a/"


def _pending(session: Session) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.delivery_state == "pending").order_by(Message.id)))


def test_one_followup_per_complainant_and_never_twice(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    # ana complains twice (two conversations): she is one person and gets one follow-up, in her latest one.
    complaints = [*COMPLAINTS, ("ana", "@AppleSupport still broken, the I key is useless")]
    with unit_of_work(sessions) as session:
        incident = add_incident(session, clock, complaints)
        slug = draft_from_incident(session, clock, incident.id).slug
    with unit_of_work(sessions) as session:
        result = publish_article(session, clock, slug, URL)
        assert len(result.followups) == 3
    with unit_of_work(sessions) as session:
        again = publish_article(session, clock, slug, URL)
        assert again.followups == []
        assert queue_followups(session, clock, again.article, URL) == []
    with sessions() as session:
        pending = _pending(session)
        assert len(pending) == 3
        texts = sorted(m.text for m in pending)
        assert texts[0] == f"Hi @ana, the fix for typing I shows A [?] is out: {URL} Thank you for reporting it."
        assert all(m.direction == "outgoing" and m.author_handle == "AppleSupport" for m in pending)
        rows = list(session.scalars(select(ArticleFollowUp)))
        assert sorted(r.message_id for r in rows) == [m.id for m in pending]
        ana_latest = max(r.conversation_id for r in rows)
        assert next(m for m in pending if "@ana" in m.text).conversation_id == ana_latest


def test_database_refuses_a_second_followup_for_the_same_person(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with unit_of_work(sessions) as session:
        incident = add_incident(session, clock)
        slug = draft_from_incident(session, clock, incident.id).slug
        publish_article(session, clock, slug, URL)
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

    with unit_of_work(sessions) as session:
        add_incident(session, clock)
        article = create_article(session, clock, "Reset your password", body_md="## Steps to fix\n1. Tap Forgot")
        assert publish_article(session, clock, article.slug, URL).followups == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ArticleFollowUp)) == 0
        assert _pending(session) == []


def test_a_complainant_added_after_publishing_gets_one_on_the_next_publish(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with unit_of_work(sessions) as session:
        incident = add_incident(session, clock, COMPLAINTS[:2])
        slug = draft_from_incident(session, clock, incident.id).slug
        assert len(publish_article(session, clock, slug, URL).followups) == 2
        incident_id = incident.id
    with unit_of_work(sessions) as session:
        from heard.incidents.models import Incident

        add_incident(session, clock, COMPLAINTS[2:], replies=[])
        late = session.scalars(select(Incident).order_by(Incident.id.desc())).first()
        assert late is not None
        # the late complaint is moved into the first incident, as grouping would do
        from heard.inbox.models import Conversation
        from heard.ingest.models import Post

        for row in session.scalars(select(Post).where(Post.incident_id == late.id)):
            row.incident_id = incident_id
        for conv in session.scalars(select(Conversation).where(Conversation.incident_id == late.id)):
            conv.incident_id = incident_id
        session.flush()
        assert len(publish_article(session, clock, slug, URL).followups) == 1
    with sessions() as session:
        assert len(_pending(session)) == 3
