"""Two pipeline workers on one PostgreSQL database and one NATS JetStream log, at once: nothing lost, nothing
doubled, every conversation's figures equal a recount. Skips without both services."""

from __future__ import annotations

import random
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from heard.app import build_runtime
from heard.conversations.models import Contact, ContactIdentity, Conversation, Message, PostRecord
from heard.conversations.state import ConversationState
from heard.events import POSTS_TOPIC
from heard.ingest.models import DeadLetter
from heard.lab.synthetic_posts import synthetic_posts
from heard.settings import Settings
from heard.stream.base import OutMessage
from heard.workers.pipeline import PipelineWorker
from tests.conftest import database_url
from tests.contract.test_event_log import NATS_URL, nats_reachable

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

POSTS = 3000


def test_two_workers_lose_and_double_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    if not nats_reachable():
        pytest.skip(f"no NATS server at {NATS_URL}")
    with database_url("postgresql", tmp_path) as url:
        settings = Settings(
            database_url=url,
            event_log="nats",
            nats_url=NATS_URL,
            nats_prefix=f"c{uuid.uuid4().hex[:10]}",
            radar_mode="separate",
            batch_size=100,
        )
        runtimes = [build_runtime(settings) for _ in range(2)]
        try:
            _run(runtimes)
        finally:
            runtimes[0].log.delete_streams()  # type: ignore[attr-defined]
            for rt in runtimes:
                rt.close()


def _run(runtimes) -> None:  # type: ignore[no-untyped-def]
    from heard.db.migrate import upgrade

    upgrade(runtimes[0].engine)
    posts = list(synthetic_posts(POSTS, seed=11))
    # Replies before their parents and the same customers in both workers' batches at once: the collisions a
    # cluster meets (contacts created twice, conversations merged and counted by two transactions).
    random.Random(3).shuffle(posts)
    runtimes[0].log.append(POSTS_TOPIC, [OutMessage(p.key, p.to_json(), p.key) for p in posts])
    workers = [PipelineWorker(rt) for rt in runtimes]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop, 0.05)) for w in workers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 240
    while runtimes[0].log.lag(POSTS_TOPIC, "pipeline") and time.monotonic() < deadline:
        time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    assert all(w.totals.batches for w in workers), "both workers took batches"
    with runtimes[0].sessions() as session:
        count = lambda model: session.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
        assert count(DeadLetter) == 0
        assert count(PostRecord) == POSTS
        customer = sum(1 for p in posts if not p.is_brand)
        incoming = session.execute(
            select(func.count(), func.count(func.distinct(Message.post_id))).where(Message.direction == "incoming")
        ).one()
        assert tuple(incoming) == (customer, customer), "one message per customer post"
        authors = {p.author_id for p in posts if not p.is_brand}
        assert count(ContactIdentity) == len(authors)
        assert count(Contact) == len(authors), "no orphan contacts from a lost race"
        threads = {p.external_id.split("-")[0] for p in posts}
        assert count(Conversation) == len(threads), "one conversation per reply chain: no thread split in two"
        for row in session.execute(select(Conversation)).scalars():
            again = ConversationState.recount(session, row.id)
            kept = (row.incoming_count, row.outgoing_count, row.last_incoming_at, row.waiting_since)
            assert kept == (again.incoming_count, again.outgoing_count, again.last_incoming_at, again.waiting_since)
