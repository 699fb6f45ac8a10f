"""The publisher: sends each reply once, through its channel, records what happened, retries with backoff."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.conversations.models import Conversation, Message
from heard.inbox.outbox import STALE_CLAIM, claim, queue_reply, retry_delivery
from heard.workers.publisher import Publisher, RetryPolicy
from tests.inbox.helpers import FlakyConnector, flaky_inbox, replay_outbox, updated_conversations
from tests.web.factories import add_conversation

REPLY = "Hi Alice, sorry your parcel never arrived: the courier lost it. A new one left today. Thanks! ^Sam"


def _conversation(runtime: Runtime, **fields: object) -> int:
    with runtime.sessions.begin() as session:
        return add_conversation(session, runtime.clock.now(), network="x", **fields).id


def _queue(runtime: Runtime, conversation_id: int, text: str = REPLY) -> int:
    with runtime.sessions.begin() as session:
        return queue_reply(session, conversation_id, text, clock=runtime.clock).message.id


def _message(runtime: Runtime, message_id: int) -> Message:
    with runtime.sessions() as session:
        return session.get_one(Message, message_id)


def test_sends_through_the_replay_outbox_and_answers_the_customer(runtime: Runtime) -> None:
    cid = _conversation(runtime)
    mid = _queue(runtime, cid)
    runtime.clock.advance(5)  # type: ignore[attr-defined]
    assert Publisher(runtime).drain().sent == 1
    sent = _message(runtime, mid)
    assert (sent.delivery_state, sent.external_id, sent.delivery_attempts) == ("sent", f"replay-{mid}", 1)
    [line] = replay_outbox(runtime)
    with runtime.sessions() as session:
        incoming = session.query(Message).filter_by(conversation_id=cid, direction="incoming").one()
        conversation = session.get_one(Conversation, cid)
    assert line["text"] == REPLY
    assert line["in_reply_to"] == incoming.external_id
    assert line["recipient"] == "alice"
    assert line["private"] is False
    assert conversation.waiting_since is None
    assert conversation.outgoing_count == 1
    assert updated_conversations(runtime) == [cid, cid, cid], "queued, claimed, sent: each change is announced"


def test_never_sends_a_reply_twice(runtime: Runtime) -> None:
    mids = [_queue(runtime, _conversation(runtime)) for _ in range(3)]
    first = Publisher(runtime)
    first.drain()
    first.drain()
    Publisher(runtime).drain()  # a fresh publisher (a restart) finds nothing to do
    assert sorted(line["external_id"] for line in replay_outbox(runtime)) == sorted(f"replay-{m}" for m in mids)


def test_notes_are_never_sent(runtime: Runtime) -> None:
    cid = _conversation(runtime)
    with runtime.sessions.begin() as session:
        note = Message(
            conversation_id=cid,
            direction="note",
            author_handle="Sam",
            text="customer is a journalist, careful",
            created_at=runtime.clock.now(),
            delivery_state="pending",  # even marked pending by mistake
        )
        session.add(note)
        session.flush()
        note_id = note.id
    assert Publisher(runtime).drain().sent == 0
    assert replay_outbox(runtime) == []
    assert _message(runtime, note_id).delivery_state == "pending"


def test_retries_with_exponential_backoff_then_sends(runtime: Runtime, clock: FrozenClock) -> None:
    cid = _conversation(runtime, inbox_id=flaky_inbox(runtime, failures=2))
    mid = _queue(runtime, cid)
    publisher = Publisher(runtime, RetryPolicy(base_s=30, max_attempts=5))
    assert publisher.run_once() == 1
    first = _message(runtime, mid)
    assert (first.delivery_state, first.delivery_attempts) == ("pending", 1)
    assert first.delivery_error == "503 service unavailable"
    assert first.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(29)
    assert publisher.run_once() == 0, "not before the backoff is over"
    clock.advance(1)
    assert publisher.run_once() == 1
    assert _message(runtime, mid).next_attempt_at == clock.now() + timedelta(seconds=60), "doubled"
    clock.advance(60)
    assert publisher.run_once() == 1
    done = _message(runtime, mid)
    assert (done.delivery_state, done.delivery_attempts, done.delivery_error) == ("sent", 3, None)
    assert done.external_id == f"flaky-{mid}"
    assert FlakyConnector.calls.count(str(mid)) == 3


def test_a_longer_retry_after_wins_over_the_backoff(runtime: Runtime, clock: FrozenClock) -> None:
    mid = _queue(runtime, _conversation(runtime, inbox_id=flaky_inbox(runtime, failures=1, retry_after_s=900)))
    Publisher(runtime).run_once()
    assert _message(runtime, mid).next_attempt_at == clock.now() + timedelta(seconds=900)


def test_gives_up_after_the_limit_with_the_reason_and_can_be_sent_again(runtime: Runtime, clock: FrozenClock) -> None:
    cid = _conversation(runtime, inbox_id=flaky_inbox(runtime, failures=4))
    mid = _queue(runtime, cid)
    publisher = Publisher(runtime, RetryPolicy(base_s=10, max_attempts=3))
    for _ in range(3):
        publisher.run_once()
        clock.advance(3600)
    failed = _message(runtime, mid)
    assert failed.delivery_state == "failed"
    assert failed.delivery_attempts == 3
    assert failed.delivery_error == "503 service unavailable (gave up after 3 attempts)"
    with runtime.sessions() as session:
        assert session.get_one(Conversation, cid).waiting_since is not None, "a failed reply answers nobody"
    with runtime.sessions.begin() as session:
        retry_delivery(session, mid)
    publisher.run_once()  # the 4th failure of this reply, the first of the new round
    clock.advance(3600)
    publisher.run_once()
    assert _message(runtime, mid).delivery_state == "sent"


def test_a_refusal_fails_at_once_with_its_reason(runtime: Runtime) -> None:
    cid = _conversation(runtime, inbox_id=flaky_inbox(runtime, failures=0))
    mid = _queue(runtime, cid)
    with runtime.sessions.begin() as session:
        session.get_one(Message, mid).is_private = True  # the network has no DMs: the connector refuses
    Publisher(runtime).drain()
    refused = _message(runtime, mid)
    assert (refused.delivery_state, refused.delivery_attempts) == ("failed", 1)
    assert refused.delivery_error == "refused: test-flaky does not allow private replies from Heard"


def test_a_claim_left_by_a_dead_publisher_fails_instead_of_sending_again(runtime: Runtime, clock: FrozenClock) -> None:
    mid = _queue(runtime, _conversation(runtime))
    with runtime.sessions.begin() as session:
        assert claim(session, mid, clock.now(), lease_s=300)
    with runtime.sessions.begin() as session:
        assert not claim(session, mid, clock.now(), lease_s=300), "claimed once only"
    Publisher(runtime).drain()
    assert _message(runtime, mid).delivery_state == "sending", "the lease is not over"
    clock.advance(301)
    Publisher(runtime).drain()
    dead = _message(runtime, mid)
    assert (dead.delivery_state, dead.delivery_error) == ("failed", STALE_CLAIM)
    assert replay_outbox(runtime) == []


@pytest.mark.parametrize("rounds", [3])
def test_two_publishers_never_send_the_same_reply(runtime: Runtime, db_url: str, rounds: int) -> None:
    """Two processes' worth of publishers (separate engines) race over the same outbox."""
    mids = [_queue(runtime, _conversation(runtime)) for _ in range(30)]
    other = build_runtime(runtime.settings, clock=runtime.clock, migrate=False)
    publishers = [Publisher(runtime, batch_size=50), Publisher(other, batch_size=50)]
    start = threading.Barrier(2)

    def work(publisher: Publisher) -> None:
        start.wait()
        for _ in range(rounds):
            publisher.run_once()

    threads = [threading.Thread(target=work, args=(p,)) for p in publishers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other.close()
    sent = [line["external_id"] for line in replay_outbox(runtime)]
    assert sorted(sent) == sorted(f"replay-{m}" for m in mids), "every reply exactly once"
    assert sum(p.totals.sent for p in publishers) == 30


def test_a_sent_reply_echoed_back_by_the_network_is_linked_not_added_again(runtime: Runtime) -> None:
    """Listeners read the brand's own timeline too: the reply Heard sent comes back as a post with the id the
    network gave it. It becomes that message's post; the conversation gets no second copy of the answer."""
    from heard.conversations.models import PostRecord
    from heard.posts import RawPost
    from heard.stream.base import append_posts
    from heard.workers.pipeline import PipelineWorker

    cid = _conversation(runtime)
    mid = _queue(runtime, cid)
    runtime.clock.advance(5)  # type: ignore[attr-defined]
    Publisher(runtime).drain()
    with runtime.sessions() as session:
        incoming = session.query(Message).filter_by(conversation_id=cid, direction="incoming").one()
    echo = RawPost(
        network="x",
        external_id=f"replay-{mid}",
        author_id="brand",
        author_handle="AcmeHelp",
        text=REPLY,
        created_at=runtime.clock.now(),
        in_reply_to=incoming.external_id,
        is_brand=True,
    )
    append_posts(runtime.log, [echo])
    assert PipelineWorker(runtime).drain().stored == 1
    with runtime.sessions() as session:
        messages = session.query(Message).filter_by(conversation_id=cid).order_by(Message.id).all()
        conversation = session.get_one(Conversation, cid)
        post = session.query(PostRecord).filter_by(network="x", external_id=f"replay-{mid}").one()
    assert [m.direction for m in messages] == ["incoming", "outgoing"]
    assert messages[1].id == mid
    assert messages[1].post_id == post.id
    assert post.conversation_id == cid
    assert conversation.outgoing_count == 1
    assert conversation.waiting_since is None
