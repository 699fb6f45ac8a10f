"""One small, fully known history to report on: four conversations, a pile-on, an incident fixed, an article."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from heard.alerts.models import Alert
from heard.conversations.models import Conversation, PostRecord
from heard.incidents.models import Incident
from heard.knowledge.models import Article
from tests.web.factories import add_conversation, add_message

#: The first customer message of every conversation: 2026-03-02 09:00 UTC.
T0 = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
#: "Now" when the report is read: a day later.
NOW = T0 + timedelta(days=1)


def build(session: Session) -> dict[str, int]:
    """Returns the ids the assertions need."""
    # Answered in 5 min; the customer was negative, and positive after the reply.
    fast = _open(session, "fast")
    _judge(session, fast.id, "negative", -0.8)
    add_message(
        session, fast, "outgoing", "So sorry, fixed now", "brand", T0 + timedelta(minutes=5)
    ).delivery_state = "sent"
    add_message(
        session,
        fast,
        "incoming",
        "thanks, works!",
        "fast",
        T0 + timedelta(minutes=9),
        sentiment="positive",
        sentiment_score=0.9,
    )
    # Answered in 2 h: a breach; never wrote again. A pile-on started 10 min in.
    slow = _open(session, "slow")
    _judge(session, slow.id, "negative", -0.6)
    for n, (author, minutes, followers) in enumerate([("a", 15, 10), ("b", 20, 100), ("a", 30, 10), ("c", 50, 0)]):
        add_message(
            session,
            slow,
            "incoming",
            f"same here {n}",
            author,
            T0 + timedelta(minutes=minutes),
            author_followers=followers,
        )
    add_message(session, slow, "outgoing", "We're on it", "brand", T0 + timedelta(hours=2)).delivery_state = "sent"
    add_message(session, slow, "incoming", "me too, late", "d", T0 + timedelta(hours=3))
    session.add(
        Alert(
            kind="pileon",
            series_key="thread:twitter:<script>x</script>",
            severity=0.9,
            observed=4,
            expected=1,
            started_at=T0 + timedelta(minutes=10),
            created_at=T0 + timedelta(minutes=16),
            conversation_id=slow.id,
            evidence={"new_authors": 3},
            status="open",
            post_keys=[],
        )
    )
    # Never answered: a breach by now.
    silent = _open(session, "silent")
    # Only a note and a reply still in the outbox: nobody was answered.
    pending = _open(session, "pending")
    add_message(
        session, pending, "outgoing", "internal note", "agent", T0 + timedelta(minutes=1)
    ).delivery_state = "note"
    add_message(session, pending, "outgoing", "draft", "agent", T0 + timedelta(minutes=2)).delivery_state = "pending"

    incident = Incident(
        title="App logs out",
        summary="",
        status="fixed",
        created_at=T0 - timedelta(days=3),
        updated_at=T0 + timedelta(hours=4),
    )
    session.add(incident)
    session.flush()
    published = T0 - timedelta(days=2)
    for day in range(7):  # a complaint a day in the week before the article
        _complaint(session, incident.id, published - timedelta(days=day, hours=1))
    _complaint(session, incident.id, published + timedelta(days=3))  # one in the week after
    session.add(
        Article(
            slug="logout-fix",
            title="Fix the logout loop",
            body_md="## Steps\n1. Update.",
            status="published",
            incident_id=incident.id,
            created_at=published,
            published_at=published,
            summary="",
            problem="logout",
        )
    )
    session.commit()
    return {"fast": fast.id, "slow": slow.id, "silent": silent.id, "pending": pending.id, "incident": incident.id}


def _open(session: Session, handle: str) -> Conversation:
    """A conversation whose first customer message is at T0."""
    return add_conversation(session, T0 + timedelta(minutes=1), handle, waited=timedelta(minutes=1))


def _judge(session: Session, conversation_id: int, label: str, score: float) -> None:
    for post in session.query(PostRecord).filter_by(conversation_id=conversation_id, is_brand=False):
        post.sentiment, post.sentiment_score = label, score


def _complaint(session: Session, incident_id: int, at: datetime) -> None:
    session.add(
        PostRecord(
            network="twitter",
            external_id=f"c-{at.timestamp()}",
            author_id="x",
            author_handle="x",
            text="logged out again",
            created_at=at,
            ingested_at=at,
            incident_id=incident_id,
            complaint=0.9,
        )
    )
