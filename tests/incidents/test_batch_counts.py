"""The pipeline adds each batch's posts to their incidents' figures incrementally; after many small batches
(authors coming back across batches) the figures equal a full recount from the posts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.commands.demo import sample_path
from heard.conversations.models import PostRecord
from heard.incidents.models import Incident
from heard.settings import Settings
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(env="test", database_url=db_url, batch_size=60, _env_file=None), clock=clock)
    yield rt
    rt.close()


def test_incremental_incident_figures_equal_a_recount(runtime: Runtime) -> None:
    import_file(runtime, sample_path(), "twcs", limit=1200)
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        incidents = session.scalars(select(Incident).where(Incident.post_count > 0)).all()
        assert len(incidents) >= 5
        assert max(i.post_count for i in incidents) >= 3
        for incident in incidents:
            linked = select(PostRecord).where(PostRecord.incident_id == incident.id).subquery()
            count, first, last = session.execute(
                select(func.count(), func.min(linked.c.created_at), func.max(linked.c.created_at))
            ).one()
            per_author = (
                select(func.max(func.coalesce(linked.c.author_followers, 0)).label("followers"))
                .group_by(linked.c.network, linked.c.author_id)
                .subquery()
            )
            authors, reach = session.execute(
                select(func.count(), func.coalesce(func.sum(per_author.c.followers), 0))
            ).one()
            assert (incident.post_count, incident.author_count) == (count, authors), incident.id
            assert incident.reach == reach
            assert (incident.first_post_at, incident.last_post_at) == (first, last)
