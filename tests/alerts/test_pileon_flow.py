"""A replayed pile-on, end to end: real sample posts, then distinct new authors piling onto one complaint.
It raises one alert, linked to the posts behind it, and moves the thread to the top of the inbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from heard.alerts.models import Alert
from heard.alerts.queries import alert_posts, recent_alerts
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.commands.demo import sample_path
from heard.conversations.models import Conversation, PostRecord
from heard.events import POSTS_TOPIC
from heard.inbox.queries import InboxFilter, list_conversations
from heard.posts import RawPost
from heard.settings import Settings
from heard.stream.base import OutMessage
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=db_url, batch_size=500), clock=clock)
    yield rt
    rt.close()


def test_replayed_pileon_raises_one_alert_and_tops_the_inbox(runtime: Runtime, clock: FrozenClock) -> None:
    import_file(runtime, sample_path(), "twcs", limit=1500)
    worker = PipelineWorker(runtime)
    worker.drain()
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 0  # the sample is history
        complaint = session.scalars(
            select(PostRecord)
            .join(Conversation, Conversation.id == PostRecord.conversation_id)
            .where(PostRecord.is_brand.is_(False), PostRecord.in_reply_to.is_(None))
            .order_by(Conversation.last_activity_at)
            .limit(1)
        ).one()
        latest = session.scalar(select(func.max(PostRecord.created_at)))
        assert latest is not None
        root_key = f"{complaint.network}:{complaint.external_id}"
        conversation_id = complaint.conversation_id
    start = latest + timedelta(minutes=1)
    # The replay runs on the sample's own time: the pile-on is news when it arrives, the sample history.
    clock.set(start)
    pile = [
        RawPost(
            network=complaint.network,
            external_id=f"pile-{i}",
            author_id=f"stranger-{i}",
            author_handle=f"stranger{i}",
            text="same here, three days and no answer",
            created_at=start + timedelta(seconds=6 * i),
            in_reply_to=complaint.external_id,
            author_followers=500,
        )
        for i in range(15)
    ]
    runtime.log.append(POSTS_TOPIC, [OutMessage(p.key, p.to_json(), p.key) for p in pile])
    worker.drain()
    with runtime.sessions() as session:
        alerts = session.scalars(select(Alert)).all()
        # One event, one alert: the topic the replies fall under is the pile-on itself, not a second alert.
        assert [a.kind for a in alerts] == ["pileon"]
        alert = recent_alerts(session, limit=1)[0]
        assert alert.kind == "pileon"
        assert alert.series_key == f"thread:{root_key}"
        assert alert.conversation_id == conversation_id
        assert alert.evidence["new_authors"] >= 3
        assert (alert.started_at - start).total_seconds() <= 60
        behind = alert_posts(session, alert)
        assert {p.external_id for p in behind} <= {p.external_id for p in pile}
        assert len(behind) >= 5
        top = list_conversations(session, InboxFilter(status="open")).conversations[0]
        assert top.id == conversation_id
        assert top.priority >= 100
        assert (top.urgency or 0) > 0
