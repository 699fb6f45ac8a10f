"""Import the real twcs sample end to end: file -> event log -> pipeline -> store, on each backend."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.commands.demo import sample_path
from heard.conversations.models import Conversation, Message, PostRecord
from heard.events import EVENTS_TOPIC, POSTS_TOPIC, decode_event
from heard.ingest.models import DeadLetter
from heard.ingest.queries import ingest_counts
from heard.settings import Settings
from heard.stream.base import OutMessage
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=db_url, batch_size=700), clock=clock)
    yield rt
    rt.close()


def reply_trees_with_a_customer(path: Path) -> int:
    """Count the reply trees in the file that hold at least one customer tweet, independently of Heard."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = {r["tweet_id"] for r in rows}
    parent = {r["tweet_id"]: r["in_response_to_tweet_id"] for r in rows}

    def root(tweet: str) -> str:
        while parent.get(tweet) in ids:
            tweet = parent[tweet]
        return tweet

    return len({root(r["tweet_id"]) for r in rows if r["inbound"] == "True"})


def test_twcs_sample_becomes_one_conversation_per_reply_tree(runtime: Runtime) -> None:
    summary = import_file(runtime, sample_path(), "twcs")
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        counts = ingest_counts(session)
        assert counts["posts"] == summary.taken == 4999
        assert counts["conversations"] == reply_trees_with_a_customer(sample_path()) == 1310
        assert counts["messages_incoming"] == 2777  # every customer tweet is in the inbox
        assert counts["dead_letters"] == 0
        # a brand reply is an outgoing message; its author is the brand
        brand = session.execute(
            select(Message.direction, Message.author_handle)
            .join(PostRecord, PostRecord.id == Message.post_id)
            .where(PostRecord.external_id == "1")
        ).one()
        assert brand == ("outgoing", "sprintcare")
        # the brand's own posts never open a conversation
        opened_by_brand = session.execute(
            select(func.count())
            .select_from(Conversation)
            .join(PostRecord, (PostRecord.external_id == Conversation.root_external_id) & PostRecord.is_brand)
        ).scalar_one()
        assert opened_by_brand == 0


def test_reimport_and_redelivery_change_nothing(runtime: Runtime, clock: FrozenClock) -> None:
    import_file(runtime, sample_path(), "twcs", limit=1200)
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        before = ingest_counts(session)
    again = import_file(runtime, sample_path(), "twcs", limit=1200)
    assert again.taken == 0
    assert again.duplicates == 1200
    # a producer that bypasses dedupe (another id) and a consumer that crashes before ack: still no duplicates
    records = runtime.log.read(POSTS_TOPIC, after=0, limit=300)
    runtime.log.append(POSTS_TOPIC, [OutMessage(f"retry-{r.id}", r.payload, r.key) for r in records])
    runtime.log.seek(POSTS_TOPIC, "pipeline", 0)
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        assert ingest_counts(session) == before


def test_bad_rows_are_set_aside_with_reasons_and_the_rest_is_taken(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = {"network": "mastodon", "author_id": "9", "author_handle": "ana", "created_at": "2026-01-05T10:00:00Z"}
    lines = [
        json.dumps({**good, "external_id": "1", "text": "<script>alert(1)</script> my order is late"}),
        "{broken json",
        json.dumps({**good, "external_id": "2", "text": "x" * 100_000}),
        json.dumps({**good, "external_id": "3", "created_at": "last tuesday"}),
        json.dumps([1, 2, 3]),
        json.dumps({**good, "external_id": "4", "text": "\udcff only a broken surrogate"}),
        "",
        json.dumps({**good, "external_id": "5", "text": "🙂🙂🙂"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    summary = import_file(runtime, path, "jsonl")
    assert (summary.taken, summary.set_aside) == (4, 3)
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        reasons = session.execute(select(DeadLetter.reason, DeadLetter.raw)).all()
        assert len(reasons) == 3
        assert any("not JSON" in r and "{broken json" in raw for r, raw in reasons)
        assert any("ISO 8601" in r for r, _ in reasons)
        assert session.execute(select(func.count()).select_from(PostRecord)).scalar_one() == 4
        stored = session.execute(select(PostRecord.text).where(PostRecord.external_id == "1")).scalar_one()
        assert stored.startswith("<script>")  # kept as written; escaping is the web layer's job


def test_poison_payload_on_the_log_is_a_dead_letter_not_a_crash(runtime: Runtime) -> None:
    runtime.log.append(POSTS_TOPIC, [OutMessage("bad-1", b"\x00\xff not a post"), OutMessage("bad-2", b"{}")])
    worker = PipelineWorker(runtime)
    worker.drain()
    assert worker.totals.dead_letters == 2
    assert runtime.log.lag(POSTS_TOPIC, "pipeline") == 0
    with runtime.sessions() as session:
        assert session.execute(select(func.count()).select_from(DeadLetter)).scalar_one() == 2


def test_events_are_published_after_commit(runtime: Runtime) -> None:
    import_file(runtime, sample_path(), "twcs", limit=50)
    worker = PipelineWorker(runtime)
    worker.drain()
    events = [decode_event(r.payload) for r in runtime.log.read(EVENTS_TOPIC, limit=1000)]
    stored = [data for name, data in events if name == "posts.stored"]
    assert len(stored) == worker.totals.batches  # one event per batch, not one per conversation
    # grouping and the radar announce what they changed in the batch's transaction too
    assert {name for name, _ in events} <= {"posts.stored", "incident.updated", "alert.raised", "conversation.updated"}
    opened = [cid for data in stored for cid in data["opened_ids"]]
    with runtime.sessions() as session:
        assert sorted(opened) == sorted(session.execute(select(Conversation.id)).scalars())


@pytest.mark.nats
def test_twcs_sample_through_nats_jetstream(tmp_path: Path) -> None:
    """Distributed mode: the same import and worker over NATS JetStream instead of the SQL log."""
    from tests.contract.test_event_log import NATS_URL, nats_reachable

    if not nats_reachable():
        pytest.skip(f"no NATS server at {NATS_URL}")
    prefix = f"f{uuid.uuid4().hex[:10]}"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'heard.db'}", event_log="nats", nats_url=NATS_URL, nats_prefix=prefix
    )
    rt = build_runtime(settings)
    try:
        import_file(rt, sample_path(), "twcs", limit=1500)
        assert import_file(rt, sample_path(), "twcs", limit=1500).taken == 0  # JetStream dedupes by post key
        PipelineWorker(rt).drain()
        with rt.sessions() as session:
            counts = ingest_counts(session)
        assert counts["posts"] == 1500
        assert counts["dead_letters"] == 0
        assert rt.log.lag(POSTS_TOPIC, "pipeline") == 0
    finally:
        rt.log.delete_streams()  # type: ignore[attr-defined]
        rt.close()


@pytest.mark.parametrize("shuffled", [False, True])
def test_stored_conversation_figures_match_a_recount(runtime: Runtime, shuffled: bool) -> None:
    """However the posts arrive (in order, or shuffled so replies come before their parents and conversations
    merge), each conversation's kept figures are what counting its messages again gives."""
    import random

    from heard.conversations.state import ConversationState
    from heard.lab.synthetic_posts import synthetic_posts

    posts = list(synthetic_posts(2500, seed=3))
    if shuffled:
        random.Random(5).shuffle(posts)
    dead = 0
    for start in range(0, len(posts), 300):
        part = posts[start : start + 300]
        runtime.log.append(POSTS_TOPIC, [OutMessage(p.key, p.to_json(), p.key) for p in part])
        dead += PipelineWorker(runtime).drain().dead_letters
    assert dead == 0, "posts arriving out of order are stored, not set aside"
    with runtime.sessions() as session:
        rows = session.execute(select(Conversation)).scalars().all()
        assert len(rows) > 300
        for row in rows:
            again = ConversationState.recount(session, row.id)
            kept = (row.incoming_count, row.outgoing_count, row.last_incoming_at, row.last_outgoing_at)
            assert kept == (again.incoming_count, again.outgoing_count, again.last_incoming_at, again.last_outgoing_at)
            assert (row.waiting_since, row.last_activity_at) == (again.waiting_since, again.last_activity_at)


def test_a_reply_to_an_early_reply_follows_its_conversation_when_the_root_arrives(
    runtime: Runtime, clock: FrozenClock
) -> None:
    """Batch 1 holds two replies whose root has not come yet (they open a conversation of their own); batch 2
    brings the root, which folds that conversation into its own, and a reply to one of the early replies. The
    whole batch stores at once (it used to fail on a message pointing at the folded conversation, and only the
    worker's post-by-post retry saved it)."""
    from datetime import timedelta

    from heard.ingest.actions import store_batch
    from heard.posts import Post, RawPost

    t0 = clock.now()

    def post(external_id: str, author: str, reply_to: str | None, minutes: int) -> Post:
        raw = RawPost(
            network="x",
            external_id=external_id,
            author_id=author,
            author_handle=author,
            text=f"@acme {external_id}",
            created_at=t0 + timedelta(minutes=minutes),
            in_reply_to=reply_to,
        )
        return Post(raw=raw, text=raw.text)

    with runtime.sessions.begin() as session:
        store_batch(session, [post("r1", "c1", "root", 5), post("r2", "c2", "r1", 6)], clock.now())
    with runtime.sessions.begin() as session:
        store_batch(session, [post("root", "c0", None, 0), post("q", "c3", "r2", 7)], clock.now())
    with runtime.sessions() as session:
        conversations = session.scalars(select(Conversation)).all()
        assert len(conversations) == 1
        texts = session.scalars(select(Message.text).where(Message.conversation_id == conversations[0].id)).all()
        assert sorted(texts) == ["@acme q", "@acme r1", "@acme r2", "@acme root"]
        assert conversations[0].incoming_count == 4
