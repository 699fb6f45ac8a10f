from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.inbox.queries import MAX_OFFSET, MAX_PAGE_SIZE, InboxFilter, get_conversation, list_conversations

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
