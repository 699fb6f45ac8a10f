from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from heard.accounts.agents import add_agent, find_agent
from heard.app import Runtime
from heard.clock import FrozenClock
from heard.conversations.search import fts5_query, search_terms, tsquery
from heard.inbox.queries import InboxFilter, list_conversations

from .factories import add_conversation, add_message


def _handles(session: Session, **chosen: object) -> list[str]:
    page = list_conversations(session, InboxFilter(**chosen))  # type: ignore[arg-type]
    return sorted(c.customer_handle for c in page.conversations)


@pytest.fixture
def inbox(sessions: sessionmaker[Session], clock: FrozenClock) -> sessionmaker[Session]:
    now = clock.now()
    with sessions.begin() as s:
        agent, _ = add_agent(s, "ann@example.com", "agent", now, "a long enough password")
        a = add_conversation(s, now, "angry", "My refund never arrived, día terrible", assignee_id=agent.id)
        add_message(s, a, "incoming", "still waiting on the refund", "angry", now, sentiment="negative", language="es")
        b = add_conversation(s, now, "happy", "Love the new app update", network="mastodon")
        add_message(s, b, "incoming", "thank you!", "happy", now, sentiment="positive", language="en")
        add_message(s, b, "outgoing", "Glad you like the refunded-fees change", "Brand", now, sentiment="negative")
        add_conversation(s, now, "Quiet_One", "hello?", waited=timedelta(hours=3), status="pending")
    return sessions


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({}, ["Quiet_One", "angry", "happy"]),
        ({"status": "pending"}, ["Quiet_One"]),
        ({"network": "mastodon"}, ["happy"]),
        ({"sentiment": "negative"}, ["angry"]),  # the brand's negative reply does not count
        ({"sentiment": "positive", "network": "twitter"}, []),
        ({"language": "es"}, ["angry"]),
        ({"assignee": "none"}, ["Quiet_One", "happy"]),
        ({"search": "refund"}, ["angry", "happy"]),  # prefix: "refunded" matches too
        ({"search": "REFUND arrived"}, ["angry"]),  # every word, case-insensitive
        ({"search": "día"}, ["angry"]),
        ({"search": "arrived thank"}, []),  # the words must be in one message
        ({"search": "@quiet_one"}, ["Quiet_One"]),
        ({"search": "!!! ???"}, ["Quiet_One", "angry", "happy"]),  # no words: no search
    ],
)
def test_filters(inbox: sessionmaker[Session], chosen: dict[str, object], expected: list[str]) -> None:
    with inbox() as s:
        assert _handles(s, **chosen) == expected


def test_search_folds_accents_on_both_backends(inbox: sessionmaker[Session]) -> None:
    with inbox() as s:
        assert _handles(s, search="dia") == ["angry"]
        assert _handles(s, search="DÍA") == ["angry"]


def test_assignee_filter(inbox: sessionmaker[Session]) -> None:
    with inbox() as s:
        agent = find_agent(s, "ann@example.com")
        assert agent is not None
        assert _handles(s, assignee=agent.id) == ["angry"]


def test_search_finds_messages_stored_after_migration_and_follows_edits(
    inbox: sessionmaker[Session], clock: FrozenClock
) -> None:
    with inbox.begin() as s:
        c = add_conversation(s, clock.now(), "late", "zebra crossing broken")
    with inbox.begin() as s:
        assert _handles(s, search="zebra") == ["late"]
        message = add_message(s, c, "note", "internal giraffe", "ann", clock.now())
        s.flush()
        assert _handles(s, search="giraffe") == ["late"]
        message.text = "internal okapi"
        s.flush()
        assert _handles(s, search="giraffe") == []
        assert _handles(s, search="okapi") == ["late"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_search_text_is_safe(inbox: sessionmaker[Session], wanted: str) -> None:
    with inbox() as s:
        list_conversations(s, InboxFilter(search=wanted))


@pytest.mark.parametrize(
    ("wanted", "terms"),
    [
        ('refund" OR 1=1 --', ["refund", "or", "1", "1"]),
        ("NEAR(a b) * ^col:x", ["near", "a", "b", "col", "x"]),
        ("a & !b | c:*", ["a", "b", "c"]),
        ("", []),
    ],
)
def test_search_terms_keep_only_words(wanted: str, terms: list[str]) -> None:
    assert search_terms(wanted) == terms
    assert fts5_query(["a", "b"]) == '"a"* "b"*'
    assert tsquery(["a", "b"]) == "a:* & b:*"


def test_inbox_page_filters(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as s:
        me = find_agent(s, "agent@example.com")
        assert me is not None
        add_conversation(s, clock.now(), "mine", "printer on fire", assignee_id=me.id)
        add_conversation(s, clock.now(), "theirs", "printer jammed")
    html = client.get("/?assignee=me&q=printer").text
    assert "@mine" in html
    assert "@theirs" not in html
    assert 'hx-get="/inbox/queue?assignee=me&amp;q=printer"' in html
    assert "@theirs" in client.get("/inbox/queue?assignee=none").text
    assert client.get("/?assignee=<script>&sentiment=evil&language=" + "x" * 16).status_code == 200
