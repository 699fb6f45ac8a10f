"""Reading a conversation's review context from the store, on every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.coach.reviewer import review
from heard.conversations.models import Contact, Conversation, Message, PostRecord
from heard.errors import HeardError
from heard.inbox.coaching import context_for_conversation
from heard.incidents.models import Incident
from heard.knowledge.models import Article


def conversation(session: Session, clock: FrozenClock, n: int, text: str, incident: Incident | None) -> Conversation:
    now = clock.now() + timedelta(minutes=n)
    contact = Contact(display_name=f"Customer {n}", created_at=now)
    session.add(contact)
    session.flush()
    conv = Conversation(
        network="mastodon",
        contact_id=contact.id,
        root_external_id=f"p{n}",
        first_customer_text=text,
        customer_handle=f"user{n}",
        incident_id=incident.id if incident else None,
        created_at=now,
        last_activity_at=now,
    )
    session.add(conv)
    session.flush()
    post = PostRecord(
        network="mastodon",
        external_id=f"p{n}",
        author_id=f"a{n}",
        author_handle=f"user{n}",
        author_name=f"Maria{n} Lopez",
        text=text,
        created_at=now,
        ingested_at=now,
        conversation_id=conv.id,
        complaint=0.9,
        intents=["question"],
        is_public=n != 3,
    )
    session.add(post)
    session.flush()
    session.add(
        Message(
            conversation_id=conv.id,
            post_id=post.id,
            direction="incoming",
            author_handle=f"user{n}",
            text=text,
            created_at=now,
        )
    )
    return conv


def test_context_carries_post_customer_incident_replies_and_fix(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with sessions.begin() as session:
        incident = Incident(title="App logs people out after 4.2", created_at=clock.now(), updated_at=clock.now())
        session.add(incident)
        session.flush()
        session.add_all(
            [
                Article(
                    slug="draft-one", title="Draft", status="draft", incident_id=incident.id, created_at=clock.now()
                ),
                Article(
                    slug="app-logout",
                    title="Logged out after 4.2",
                    status="published",
                    incident_id=incident.id,
                    created_at=clock.now(),
                    published_at=clock.now(),
                ),
            ]
        )
        other = conversation(session, clock, 1, "logged out again", incident)
        sent = "Hi Maria1, sorry about the logout; update to 4.2.1. Thanks ^Kim"
        session.add(
            Message(
                conversation_id=other.id, direction="outgoing", author_handle="brand", text=sent, created_at=clock.now()
            )
        )
        mine = conversation(session, clock, 2, "the app keeps logging me out, why?", incident)
        ctx = context_for_conversation(
            session, mine.id, agent_name="Sam Hill", kb_base_url="https://help.example.com/kb/"
        )
    assert ctx.post == "the app keeps logging me out, why?"
    assert ctx.customer_name == "Maria2 Lopez"
    assert ctx.customer_handle == "user2"
    assert ctx.network == "mastodon"
    assert ctx.previous_replies == (sent,)
    assert ctx.article_url == "https://help.example.com/kb/app-logout"
    assert ctx.incident_title == "App logs people out after 4.2"
    assert ctx.is_complaint is True
    assert ctx.is_question is True
    assert "remedy.article_link" in review("Hi Maria2, sorry, we're on it. Thanks ^Sam", ctx).rules


def test_a_private_conversation_without_incident(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        conv = conversation(session, clock, 3, "my booking HAPTCQ is gone", None)
        ctx = context_for_conversation(session, conv.id)
    assert ctx.public is False
    assert ctx.previous_replies == ()
    assert ctx.article_url is None


def test_an_unknown_conversation_is_a_clear_error(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, pytest.raises(HeardError, match="no conversation"):
        context_for_conversation(session, 999)
