from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.conversations.models import Message
from heard.inbox import queries
from heard.inbox.queries import MAX_OFFSET, MAX_PAGE_SIZE, InboxFilter, get_conversation, list_conversations
from heard.web.routes.composer import _replies

from .factories import add_conversation, add_message


def _handles(session: Session, **kwargs: object) -> list[str]:
    return [c.customer_handle for c in list_conversations(session, **kwargs).conversations]  # type: ignore[arg-type]


def test_queue_puts_priority_then_waiting_then_urgency_then_longest_wait_first(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    now = clock.now()
    with sessions() as s:
        add_conversation(s, now, "answered_recent", waited=None)
        add_conversation(s, now, "wait_10m", waited=timedelta(minutes=10))
        add_conversation(s, now, "wait_2h", waited=timedelta(hours=2))
        add_conversation(s, now, "urgent_3", waited=timedelta(minutes=1), urgency=3)
        add_conversation(s, now, "urgent_1", waited=timedelta(minutes=1), urgency=1)
        add_conversation(s, now, "priority", waited=timedelta(minutes=1), priority=5)
        # Answered but judged urgent: nobody waits on it, so every waiting customer comes first.
        add_conversation(s, now, "answered_urgent", waited=None, urgency=90)
        old = add_conversation(s, now, "answered_old", waited=None)
        old.last_activity_at = now - timedelta(days=3)
        s.commit()
        assert _handles(s) == [
            "priority",
            "urgent_3",
            "urgent_1",
            "wait_2h",
            "wait_10m",
            "answered_urgent",
            "answered_recent",
            "answered_old",
        ]


def test_queue_filters_by_status_and_network(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions() as s:
        add_conversation(s, clock.now(), "on_x", network="twitter")
        add_conversation(s, clock.now(), "on_mastodon", network="mastodon")
        add_conversation(s, clock.now(), "done", network="mastodon", status="resolved")
        s.commit()
        assert _handles(s, chosen=InboxFilter(network="mastodon", status="open")) == ["on_mastodon"]
        assert sorted(_handles(s, chosen=InboxFilter(network="mastodon"))) == ["done", "on_mastodon"]
        assert _handles(s, chosen=InboxFilter(status="pending")) == []


def test_pages_follow_each_other_without_overlap(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions() as s:
        for n in range(7):
            add_conversation(s, clock.now(), f"c{n}", waited=timedelta(minutes=n + 1))
        s.commit()
        first = list_conversations(s, offset=0, limit=3)
        second = list_conversations(s, offset=3, limit=3)
        last = list_conversations(s, offset=6, limit=3)
    assert [c.customer_handle for c in first.conversations] == ["c6", "c5", "c4"]
    assert [c.customer_handle for c in second.conversations] == ["c3", "c2", "c1"]
    assert [c.customer_handle for c in last.conversations] == ["c0"]
    assert (first.previous_offset, first.next_offset) == (None, 3)
    assert (last.previous_offset, last.next_offset) == (3, None)


def test_page_size_and_depth_are_capped(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        page = list_conversations(s, offset=10**9, limit=10**9)
        assert (page.offset, page.limit) == (MAX_OFFSET, MAX_PAGE_SIZE)
        page = list_conversations(s, offset=-5, limit=0)
        assert (page.offset, page.limit) == (0, 1)


def test_conversation_thread_is_in_time_order_with_its_posts(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    now = clock.now()
    with sessions() as s:
        c = add_conversation(s, now, "carol", "where is my refund", waited=timedelta(hours=1))
        add_message(s, c, "incoming", "hello??", "carol", now, complaint=0.91, intents=["complaint"], urgency=2)
        add_message(s, c, "outgoing", "Sorry Carol, looking now", "BrandHelp", now - timedelta(minutes=5))
        s.commit()
        view = get_conversation(s, c.id)
        assert view is not None
        assert [(e.message.direction, e.message.text) for e in view.entries] == [
            ("incoming", "where is my refund"),
            ("outgoing", "Sorry Carol, looking now"),
            ("incoming", "hello??"),
        ]
        last = view.entries[-1]
        assert last.incoming
        assert last.post is not None
        assert (last.post.complaint, last.post.intents, last.post.urgency) == (0.91, ["complaint"], 2)
        assert get_conversation(s, c.id + 1000) is None


def test_thread_counts_what_it_leaves_out_only_when_cut(
    sessions: sessionmaker[Session], clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now()
    monkeypatch.setattr(queries, "MAX_THREAD", 3)
    with sessions() as s:
        c = add_conversation(s, now, "carol", "one")
        add_message(s, c, "incoming", "two", "carol", now - timedelta(minutes=3))
        s.commit()
        short = get_conversation(s, c.id)
        assert short is not None
        assert (len(short.entries), short.earlier) == (2, 0)
        add_message(s, c, "incoming", "three", "carol", now - timedelta(minutes=2))
        s.commit()
        full = get_conversation(s, c.id)
        assert full is not None
        assert (len(full.entries), full.earlier) == (3, 0)
        add_message(s, c, "incoming", "four", "carol", now - timedelta(minutes=1))
        add_message(s, c, "incoming", "five", "carol", now)
        s.commit()
        cut = get_conversation(s, c.id)
        assert cut is not None
        assert ([e.message.text for e in cut.entries], cut.earlier) == (["three", "four", "five"], 2)


def test_composer_replies_from_the_thread_are_the_ones_the_query_finds(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    now = clock.now()
    with sessions() as s:
        c = add_conversation(s, now, "carol", "where is my refund")
        add_message(s, c, "outgoing", "an echo of a brand post", "BrandHelp", now - timedelta(minutes=50))
        for i in range(14):  # more than the composer lists, written out of time order
            at = now - timedelta(minutes=(i * 7) % 40)
            s.add(
                Message(
                    conversation_id=c.id, direction="outgoing", author_handle="BrandHelp", text=f"r{i}", created_at=at
                )
            )
        s.add(Message(conversation_id=c.id, direction="note", author_handle="Ann", text="a note", created_at=now))
        s.commit()
        view = get_conversation(s, c.id)
        assert view is not None
        assert view.earlier == 0
        queried = _replies(s, c.id)
        assert len(queried) == 10
        assert _replies(s, c.id, view) == queried
