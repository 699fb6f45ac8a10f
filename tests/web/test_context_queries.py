"""The reason and context queries on each backend (PostgreSQL with HEARD_TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from heard.alerts.models import Alert
from heard.clock import FrozenClock
from heard.conversations.models import Contact, PostRecord
from heard.inbox.queries import customer_context, list_conversations
from heard.incidents.models import Incident

from .factories import add_conversation, add_message


def test_reasons_use_the_latest_customer_post_and_the_largest_pileon(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    now = clock.now()
    with sessions.begin() as s:
        flagged = add_conversation(s, now, "dana", waited=timedelta(minutes=7), priority=100)
        add_message(s, flagged, "incoming", "me too", "bob", now, complaint=0.2, sentiment="positive")
        for authors in (4, 11):
            s.add(
                Alert(
                    kind="pileon",
                    series_key="thread:x",
                    severity=1.0,
                    observed=authors,
                    expected=1,
                    started_at=now,
                    created_at=now,
                    conversation_id=flagged.id,
                    evidence={"new_authors": authors},
                )
            )
        calm = add_conversation(s, now, "erin", waited=None)
        flagged_id, calm_id = flagged.id, calm.id
    with sessions() as s:
        s.query(PostRecord).filter(PostRecord.conversation_id == flagged_id, PostRecord.author_handle == "dana").update(
            {"complaint": 0.8, "sentiment": "negative", "is_public": True}
        )
        reasons = list_conversations(s, now=now).reasons
    # Bob's "me too" is the latest customer post: the line reads it, not Dana's root complaint (the present state).
    assert reasons[flagged_id] == "waiting 7 min in public · 11 people piling on · positive"
    assert reasons[calm_id] == ""


def test_customer_context_on_each_backend(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    now = clock.now()
    with sessions.begin() as s:
        who = Contact(display_name="Dana", created_at=now)
        incident = Incident(title="Login loop", created_at=now, updated_at=now, post_count=3)
        s.add_all([who, incident])
        s.flush()
        old = add_conversation(s, now - timedelta(days=1), "dana", "earlier words", contact_id=who.id)
        current = add_conversation(s, now, "dana", "now", contact_id=who.id)
        add_message(
            s, current, "incoming", "bad", "dana", now, contact_id=who.id, sentiment="negative", incident_id=incident.id
        )
        add_message(s, old, "incoming", "ok", "dana", now - timedelta(days=1), contact_id=who.id, sentiment="neutral")
        context = customer_context(s, current)
        assert context.incident is not None
        assert context.incident.title == "Login loop"
        assert [c.id for c in context.earlier] == [old.id]
        assert [m.sentiment for m in context.mood] == ["neutral", "negative"]
