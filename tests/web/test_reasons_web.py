from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import event

from heard.alerts.models import Alert
from heard.app import Runtime
from heard.clock import FrozenClock
from heard.conversations.models import PostRecord
from heard.inbox.queries import list_conversations

from .factories import add_conversation


def _judge_root(runtime: Runtime, conversation_id: int, **fields: object) -> None:
    with runtime.sessions.begin() as s:
        post = s.query(PostRecord).filter_by(conversation_id=conversation_id).one()
        for name, value in fields.items():
            setattr(post, name, value)


def test_queue_row_says_why_it_is_there(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as s:
        c = add_conversation(s, clock.now(), "dana", "refund me now", waited=timedelta(minutes=42), priority=100)
        s.add(
            Alert(
                kind="pileon",
                series_key="thread:twitter:1",
                severity=0.9,
                observed=18,
                expected=1,
                started_at=clock.now(),
                created_at=clock.now(),
                conversation_id=c.id,
                evidence={"new_authors": 18, "urgency": 80},
            )
        )
        cid = c.id
    _judge_root(runtime, cid, is_public=True, complaint=0.93, sentiment="negative", author_followers=12_000)
    html = client.get("/").text
    expected = "waiting 42 min in public · 18 people piling on · complaint · negative · 12k followers"
    assert f">{expected}</span>" in html
    queue = client.get("/inbox/queue").text
    assert queue.count("waiting 42 min") == 1, "the facts line does not say the wait again"
    assert expected in client.get("/inbox/queue").text


def test_private_calm_conversation_reads_as_such(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as s:
        cid = add_conversation(s, clock.now(), "erin", "hello there", waited=timedelta(minutes=5)).id
    _judge_root(runtime, cid, is_public=False, complaint=0.1, sentiment="neutral", author_followers=10)
    assert ">waiting 5 min in private</span>" in client.get("/").text


def test_reasons_cost_one_query_for_the_whole_page(runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as s:
        for n in range(30):
            add_conversation(s, clock.now(), f"user{n}", f"problem {n}", waited=timedelta(minutes=n + 1))
    statements: list[str] = []
    engine = runtime.sessions.kw["bind"]

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        with runtime.sessions() as s:
            page = list_conversations(s, now=clock.now())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(page.reasons) == 30
    assert page.reasons[page.conversations[0].id].startswith("waiting 30 min")
    # the page itself, the ids of its rows' first customer posts and those posts: nothing per row, no alerts
    # (nobody flagged)
    assert len(statements) == 3, statements
