"""A complaint that names no brand account is filed under the brand that answers it: its thread's customer posts
(before and after the answer), their conversation in the brand's queue, and its incident."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from heard.app import Runtime, build_runtime
from heard.brands.actions import brands_for_accounts
from heard.clock import FrozenClock
from heard.conversations.models import PostBrand, PostRecord
from heard.incidents.models import Incident
from heard.posts import RawPost
from heard.settings import Settings
from heard.stream.base import append_posts
from heard.workers.pipeline import PipelineWorker


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(env="test", database_url=db_url, _env_file=None), clock=clock)
    yield rt
    rt.close()


def test_the_brands_answer_files_the_thread_and_its_incident_under_the_brand(runtime: Runtime) -> None:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        brands_for_accounts(session, "twitter", ["CenturyLinkHelp", "Delta"], now)
    worker = PipelineWorker(runtime)

    def send(*posts: RawPost) -> None:
        append_posts(runtime.log, list(posts))
        worker.drain()

    at = [now + timedelta(minutes=i) for i in range(6)]
    send(
        RawPost("twitter", "c1", "u1", "ana", "@115712 my internet has been down for two days, no fix", at[0]),
        RawPost("twitter", "r1", "u2", "bob", "same here, internet down since Monday", at[1], in_reply_to="c1"),
        RawPost("twitter", "x1", "u9", "zed", "@998877 my parcel never arrived, tracking is stuck", at[1]),
    )
    with runtime.sessions() as session:
        assert session.scalar(select(PostRecord.brand).where(PostRecord.external_id == "c1")) is None
    send(RawPost("twitter", "a1", "b1", "CenturyLinkHelp", "@ana sorry, please DM us", at[2], in_reply_to="c1"))
    send(RawPost("twitter", "r2", "u3", "cy", "me too, no internet at all", at[3], in_reply_to="c1"))

    with runtime.sessions() as session:
        brands = dict(session.execute(select(PostRecord.external_id, PostRecord.brand)).all())
        filed = set(
            session.execute(select(PostRecord.external_id).join(PostBrand).where(PostBrand.brand == "centurylinkhelp"))
            .scalars()
            .all()
        )
        incidents = dict(session.execute(select(PostRecord.external_id, Incident.brand).join(Incident)).all())
    assert {k: brands[k] for k in ("c1", "r1", "a1", "r2")} == dict.fromkeys(
        ("c1", "r1", "a1", "r2"), "centurylinkhelp"
    )
    assert {"c1", "r1", "r2"} <= filed
    assert incidents["c1"] == "centurylinkhelp"
    assert incidents["r1"] == incidents["r2"] == "centurylinkhelp"
    # A thread no brand answered stays unfiled.
    assert brands["x1"] is None
    assert "x1" not in filed
    assert incidents.get("x1") is None
