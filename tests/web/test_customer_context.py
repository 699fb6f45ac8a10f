from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from heard.app import Runtime
from heard.clock import FrozenClock
from heard.conversations.models import Contact, Conversation, PostRecord
from heard.inbox.queries import MAX_EARLIER, customer_context
from heard.incidents.models import Incident

from .factories import add_conversation, add_message

HOSTILE = '<script>alert("x")</script>'


def _contact(s: Session, now: datetime) -> int:
    contact = Contact(display_name="Dana", created_at=now)
    s.add(contact)
    s.flush()
    return contact.id


def _incident(s: Session, now: datetime, title: str = "Checkout down", **fields: object) -> Incident:
    incident = Incident(title=title, status="investigating", post_count=37, created_at=now, updated_at=now, **fields)
    s.add(incident)
    s.flush()
    return incident


def _customer_with_history(runtime: Runtime, now: datetime, old_text: str, title: str) -> tuple[int, int, int]:
    with runtime.sessions.begin() as s:
        who = _contact(s, now)
        old = add_conversation(s, now - timedelta(days=3), "dana", old_text, waited=None, contact_id=who)
        old.status = "resolved"
        incident = _incident(s, now, title)
        current = add_conversation(s, now, "dana", "still broken", contact_id=who, incident_id=incident.id)
        return old.id, current.id, incident.id


def test_panel_lists_the_incident_and_an_earlier_conversation(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    old, current, incident = _customer_with_history(runtime, clock.now(), "my card was charged twice", "Checkout down")
    html = client.get(f"/conversations/{current}").text
    start = html.index('<aside class="customer-context"')
    panel = html[start : html.index("</aside>", start)]
    assert f'<a href="/incidents/{incident}">Checkout down</a>' in panel
    assert "investigating" in panel
    assert "37 posts" in panel
    assert f'<a href="/conversations/{old}">' in panel
    assert "my card was charged twice" in panel
    assert "resolved" in panel
    assert f'href="/conversations/{current}"' not in panel


def test_hostile_incident_title_and_earlier_words_are_escaped(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    _, current, _ = _customer_with_history(runtime, clock.now(), HOSTILE, f"outage {HOSTILE}")
    html = client.get(f"/conversations/{current}").text
    start = html.index('<aside class="customer-context"')
    panel = html[start : html.index("</aside>", start)]
    assert "<script>" not in panel
    assert panel.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") == 2


def test_panel_says_when_there_is_nothing_to_show(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as s:
        cid = add_conversation(s, clock.now(), "solo").id
    html = client.get(f"/conversations/{cid}").text
    assert "Not part of an incident." in html
    assert "No judged posts yet." in html


def test_incident_found_through_the_posts_and_followed_through_a_merge(runtime: Runtime, clock: FrozenClock) -> None:
    now = clock.now()
    with runtime.sessions.begin() as s:
        survivor = _incident(s, now, "Payments outage")
        merged = _incident(s, now, "card declined", merged_into_id=survivor.id)
        c = add_conversation(s, now, "erin")
        s.query(PostRecord).filter_by(conversation_id=c.id).update({"incident_id": merged.id})
        assert c.incident_id is None
        found = customer_context(s, c).incident
        assert found is not None
        assert found.title == "Payments outage"


def test_earlier_conversations_are_the_customers_own_newest_first_and_capped(
    runtime: Runtime, clock: FrozenClock
) -> None:
    now = clock.now()
    with runtime.sessions.begin() as s:
        who, other = _contact(s, now), _contact(s, now)
        for day in range(1, MAX_EARLIER + 4):
            add_conversation(s, now - timedelta(days=day), "dana", f"day {day}", contact_id=who)
        add_conversation(s, now - timedelta(hours=1), "someone", "not hers", contact_id=other)
        add_conversation(s, now + timedelta(days=1), "dana", "a later one", contact_id=who)
        current = add_conversation(s, now, "dana", "today", contact_id=who)
        texts = [c.first_customer_text for c in customer_context(s, current).earlier]
    assert texts == [f"day {day}" for day in range(1, MAX_EARLIER + 1)]


def test_sentiment_over_time_is_in_time_order_with_labels(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    now = clock.now()
    with runtime.sessions.begin() as s:
        who = _contact(s, now)
        old = add_conversation(s, now - timedelta(days=2), "dana", "love it", waited=None, contact_id=who)
        current = add_conversation(s, now - timedelta(hours=1), "dana", "hmm", contact_id=who)
        add_message(
            s, old, "incoming", "love it", "dana", now - timedelta(days=2), contact_id=who, sentiment="positive"
        )
        add_message(
            s, current, "incoming", "meh", "dana", now - timedelta(hours=2), contact_id=who, sentiment="neutral"
        )
        add_message(s, current, "incoming", "awful", "dana", now, contact_id=who, sentiment="negative")
        add_message(s, current, "outgoing", "sorry", "brand", now, contact_id=who, sentiment="negative")
        marks = [m.sentiment for m in customer_context(s, current).mood]
        cid = current.id
    assert marks == ["positive", "neutral", "negative"]
    html = client.get(f"/conversations/{cid}").text
    assert html.index('class="mood-mark positive"') < html.index('class="mood-mark neutral"')
    assert html.index('class="mood-mark neutral"') < html.index('class="mood-mark negative"')
    assert "1 negative, 1 neutral, 1 positive" in html
    start = html.index('<aside class="customer-context"')
    assert " style=" not in html[start : html.index("</aside>", start)]


def test_without_a_contact_the_mood_comes_from_this_conversation(runtime: Runtime, clock: FrozenClock) -> None:
    now = clock.now()
    with runtime.sessions.begin() as s:
        c: Conversation = add_conversation(s, now, "anon")
        add_message(s, c, "incoming", "bad", "anon", now, sentiment="negative")
        add_message(s, c, "incoming", "me too", "bystander", now, sentiment="negative")
        context = customer_context(s, c)
    assert [m.sentiment for m in context.mood] == ["negative"]
    assert context.earlier == []
