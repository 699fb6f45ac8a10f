"""A conversation's wait and urgency come from its present state: the customer posts still unanswered, and only
those addressed to the brand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from heard.conversations.state import ConversationState, addressed
from heard.posts import Post, RawPost

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _state() -> ConversationState:
    return ConversationState(1, "open", 0, 0, T0, None, None, None, None)


def _post(text: str, in_reply_to: str | None = None, public: bool = True) -> Post:
    raw = RawPost("x", "1", "a", "someone", text, T0, in_reply_to=in_reply_to, is_public=public)
    return Post(raw=raw, text=text)


def test_urgency_is_that_of_the_posts_still_unanswered() -> None:
    state = _state()
    state.add_incoming(T0, 90)  # "you lost my bag!!"
    state.add_outgoing(T0 + timedelta(minutes=5))
    state.add_incoming(T0 + timedelta(minutes=10), 10)  # "thank you very much.."
    assert state.urgency == 10
    assert state.waiting_since == T0 + timedelta(minutes=10)


def test_unanswered_posts_keep_the_highest_urgency_among_them() -> None:
    state = _state()
    state.add_incoming(T0, 40)
    state.add_incoming(T0 + timedelta(minutes=1), 80)
    state.add_incoming(T0 + timedelta(minutes=2), 20)
    assert state.urgency == 80
    assert state.waiting_since == T0


def test_a_post_not_addressed_to_the_brand_waits_for_nobody() -> None:
    state = _state()
    state.add_incoming(T0, 30, addressed=False)
    assert state.waiting_since is None
    assert state.urgency is None
    assert state.incoming_count == 1


def test_what_counts_as_addressed() -> None:
    assert not addressed(_post("Big sale this weekend on flights to Rome, book now"))
    assert addressed(_post("@AmazonHelp my order never came"))
    assert addressed(_post("me too", in_reply_to="123"))
    assert addressed(_post("hello", public=False))
