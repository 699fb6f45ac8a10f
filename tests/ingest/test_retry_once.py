"""Issue 21, item 3: when one post makes a batch fail to store, the post-by-post retry counts each post once in
the radar and stores every valid post. The failure is a real one: a database trigger refuses the poison post."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.conversations.models import PostRecord
from heard.events import POSTS_TOPIC
from heard.incidents.embedders import make_embedder
from heard.ingest.models import DeadLetter
from heard.posts import Post
from heard.radar.radar import Radar
from heard.radar.spike import Spike
from heard.settings import Settings
from heard.stream.base import OutMessage
from heard.workers.pipeline import PipelineWorker
from heard.workers.stages import default_stages

START = datetime(2026, 1, 5, 10, tzinfo=UTC)


class CountingRadar(Radar):
    """The real radar, with a tally of how often each post was counted."""

    def __init__(self) -> None:
        super().__init__(())
        self.counted: Counter[str] = Counter()

    def observe(self, post: Post) -> list[Spike]:
        self.counted[post.key] += 1
        return super().observe(post)


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(env="test", database_url=db_url, _env_file=None), clock=clock)
    yield rt
    rt.close()


def _poison_trigger(runtime: Runtime) -> None:
    with runtime.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER poison BEFORE INSERT ON posts WHEN NEW.text LIKE '%poison%' "
                    "BEGIN SELECT RAISE(ABORT, 'poison refused'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.text LIKE '%poison%' THEN "
                    "RAISE EXCEPTION 'poison refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(text("CREATE TRIGGER poison BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION poison()"))


def test_one_bad_post_in_a_burst_is_counted_once_and_takes_no_valid_post_down(runtime: Runtime) -> None:
    _poison_trigger(runtime)
    posts = [
        {
            "network": "mastodon",
            "external_id": str(i),
            "author_id": f"u{i}",
            "author_handle": f"u{i}",
            "created_at": (START + timedelta(seconds=i)).isoformat(),
            "text": f"#outage the app logs me out again {'poison' if i == 7 else ''} {i}",
        }
        for i in range(40)
    ]
    runtime.log.append(POSTS_TOPIC, [OutMessage(p["external_id"], json.dumps(p).encode()) for p in posts])
    radar = CountingRadar()
    stages = default_stages(make_embedder(), radar=radar)
    PipelineWorker(runtime, stages=stages, batch_size=100).drain()
    with runtime.sessions() as session:
        stored = session.execute(select(func.count()).select_from(PostRecord)).scalar_one()
        dead = session.execute(select(DeadLetter.raw)).scalars().all()
    assert stored == 39
    assert len(dead) == 1
    assert "poison" in dead[0]
    assert set(radar.counted.values()) == {1}
    assert len(radar.counted) == 39  # the poison post was never stored, so never counted
