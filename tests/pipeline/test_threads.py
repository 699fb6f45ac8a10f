"""Table-driven tests of the threading rules (heard.pipeline.threads)."""

from datetime import UTC, datetime, timedelta

import pytest

from heard.pipeline.threads import NewConversation, StoredPost, assign_threads
from heard.posts import Post, RawPost

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def p(external_id: str, parent: str | None = None, brand: bool = False, minute: int = 0) -> Post:
    raw = RawPost(
        "twitter", external_id, "b" if brand else "c", "h", "t", T0 + timedelta(minutes=minute), brand, parent
    )
    return Post(raw=raw, text="t")


def k(external_id: str) -> str:
    return f"twitter:{external_id}"


def test_customer_post_opens_and_brand_reply_joins() -> None:
    d = assign_threads([p("1"), p("2", "1", brand=True, minute=1)], {}, {})
    assert d[0].conversation == NewConversation(k("1"))
    assert d[1].conversation == NewConversation(k("1"))


def test_brand_post_alone_stays_out_of_the_inbox() -> None:
    d = assign_threads([p("1", brand=True)], {}, {})
    assert d[0].conversation is None


def test_reply_to_stored_post_joins_its_conversation() -> None:
    d = assign_threads([p("2", "1", minute=1)], {k("1"): StoredPost(k("1"), 7, True)}, {})
    assert d[0].conversation == 7


def test_customer_answering_a_brand_post_adopts_it() -> None:
    d = assign_threads([p("2", "1", minute=1)], {k("1"): StoredPost(k("1"), None, True)}, {})
    assert d[0].conversation == NewConversation(k("2"))
    assert d[0].adopt == [k("1")]


def test_brand_chain_is_walked_up_to_the_conversation_above() -> None:
    stored = {
        k("2"): StoredPost(k("2"), None, True, k("1")),
        k("1"): StoredPost(k("1"), 9, True, None),
    }
    d = assign_threads([p("3", "2", minute=2)], stored, {})
    assert d[0].conversation == 9
    assert d[0].adopt == [k("2")]


def test_two_customers_answering_one_brand_post_share_a_conversation() -> None:
    stored = {k("1"): StoredPost(k("1"), None, True)}
    d = assign_threads([p("2", "1", minute=1), p("3", "1", minute=2)], stored, {})
    assert d[0].conversation == d[1].conversation == NewConversation(k("2"))
    assert d[1].adopt == []


def test_early_reply_is_merged_into_late_parent() -> None:
    early = {k("1"): [StoredPost(k("2"), 5, False, k("1"))]}
    d = assign_threads([p("1")], {}, early)
    assert d[0].conversation == NewConversation(k("1"))
    assert d[0].merge == [5]


def test_late_brand_parent_joins_the_early_reply_conversation() -> None:
    early = {k("1"): [StoredPost(k("2"), 5, False, k("1"))]}
    d = assign_threads([p("1", brand=True)], {}, early)
    assert d[0].conversation == 5
    assert d[0].merge == []


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 0, 2]])
def test_batch_order_does_not_matter(order: list[int]) -> None:
    posts = [p("1"), p("2", "1", brand=True, minute=1), p("3", "2", minute=2)]
    d = assign_threads([posts[i] for i in order], {}, {})
    assert {x.conversation for x in d} == {NewConversation(k("1"))}
