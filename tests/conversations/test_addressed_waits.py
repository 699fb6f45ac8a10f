"""The write path counts waits only for customer posts addressed to the brand, and the queue's reason line reads the
conversation's present state (its latest customer post), on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.conversations.models import Conversation
from heard.conversations.state import ConversationState
from heard.inbox.queries import row_reasons
from heard.ingest.actions import store_batch
from heard.posts import Post, RawPost
from heard.settings import Settings


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=db_url, _env_file=None), clock=clock)
    yield rt
    rt.close()


def _post(
    clock: FrozenClock,
    external_id: str,
    text: str,
    minutes: int,
    author: str = "cust",
    reply_to: str | None = None,
    brand: bool = False,
    urgency: int | None = None,
    complaint: float | None = None,
    sentiment: str | None = None,
) -> Post:
    raw = RawPost(
        network="x",
        external_id=external_id,
        author_id=author,
        author_handle=author,
        text=text,
        created_at=clock.now() - timedelta(minutes=minutes),
        in_reply_to=reply_to,
        is_brand=brand,
    )
    mentions = tuple(w[1:] for w in text.split() if w.startswith("@"))
    return Post(raw=raw, text=text, mentions=mentions, urgency=urgency, complaint=complaint, sentiment=sentiment)


def _conversation(runtime: Runtime, root: str) -> Conversation:
    with runtime.sessions() as session:
        return session.scalars(select(Conversation).where(Conversation.root_external_id == root)).one()


def test_a_promotion_naming_nobody_opens_a_conversation_that_waits_for_nobody(
    runtime: Runtime, clock: FrozenClock
) -> None:
    """A keyword caught someone else's promotion, years old: it is kept, but nobody waits on it, so the queue
    does not say "waiting 54140 h"."""
    promo = _post(clock, "promo", "Flash sale! Fly to Rome from $99 with Acme Air, book now", 54_140 * 60, urgency=30)
    with runtime.sessions.begin() as session:
        store_batch(session, [promo], clock.now())
    row = _conversation(runtime, "promo")
    assert row.incoming_count == 1
    assert row.waiting_since is None
    assert row.urgency is None
    with runtime.sessions() as session:
        reasons = row_reasons(session, [row], clock.now())
        assert "waiting" not in reasons[row.id]
        assert ConversationState.recount(session, row.id).waiting_since is None


def test_a_reply_deep_in_the_brands_thread_waits_though_it_names_nobody(runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as session:
        store_batch(
            session,
            [
                _post(clock, "root", "@acme my order never came", 60, author="ann", urgency=50),
                _post(clock, "r1", "@ann sorry, we are on it ^Jo", 50, author="acme", reply_to="root", brand=True),
                _post(clock, "r2", "me too, three weeks now", 40, author="bob", reply_to="r1", urgency=40),
            ],
            clock.now(),
        )
    with runtime.sessions.begin() as session:
        # A later batch: a reply to bob's reply, deeper still, naming nobody.
        store_batch(session, [_post(clock, "r3", "same here", 30, author="cy", reply_to="r2", urgency=35)], clock.now())
    row = _conversation(runtime, "root")
    assert row.incoming_count == 3
    assert row.waiting_since is not None
    assert abs((clock.now() - timedelta(minutes=40)) - row.waiting_since.replace(tzinfo=clock.now().tzinfo)) < (
        timedelta(seconds=1)
    )
    assert row.urgency == 40  # the highest among the posts still unanswered (bob's and cy's), not ann's 50
    with runtime.sessions() as session:
        again = ConversationState.recount(session, row.id)
    assert again.waiting_since == row.waiting_since
    assert again.urgency == 40


def test_the_reason_line_reads_the_latest_customer_post_not_the_root(runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as session:
        store_batch(
            session,
            [
                _post(clock, "bag", "@acme you lost my bag!!", 60, urgency=90, complaint=0.95, sentiment="negative"),
                _post(clock, "ans", "@cust found it, on its way ^Jo", 50, author="acme", reply_to="bag", brand=True),
                _post(
                    clock,
                    "ty",
                    "thank you very much..",
                    40,
                    reply_to="ans",
                    urgency=8,
                    complaint=0.03,
                    sentiment="positive",
                ),
            ],
            clock.now(),
        )
    row = _conversation(runtime, "bag")
    assert row.urgency == 8
    with runtime.sessions() as session:
        line = row_reasons(session, [row], clock.now())[row.id]
    assert line.startswith("waiting 40 min in public")
    assert "complaint" not in line
    assert "negative" not in line
    assert "positive" in line
