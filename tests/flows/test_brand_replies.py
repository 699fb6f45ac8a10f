"""A reply under the brand's own post is judged as addressed to the brand, whether the brand's post came in the
same batch or was stored long before, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.conversations.models import PostRecord
from heard.posts import RawPost
from heard.settings import Settings
from heard.stream.base import append_posts
from heard.workers.pipeline import PipelineWorker

#: A Bluesky reply carries no handle in its text; the same words on X would open with "@acmehelp".
COMPLAINT = "my order never came and nobody answers!!"


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=db_url, brand_handles=["acme.bsky.social"], _env_file=None), clock=clock)
    yield rt
    rt.close()


def _post(clock: FrozenClock, ext: str, handle: str, text: str, parent: str | None = None) -> RawPost:
    clock.advance(30)
    brand = handle == "acme.bsky.social"
    return RawPost("bluesky", ext, f"did:{handle}", handle, text, clock.now(), is_brand=brand, in_reply_to=parent)


def _complaints(runtime: Runtime) -> dict[str, float | None]:
    with runtime.sessions() as session:
        return {
            row.external_id: row.complaint
            for row in session.execute(select(PostRecord.external_id, PostRecord.complaint))
        }


def test_a_reply_to_the_brands_post_is_judged_as_addressed_to_it(runtime: Runtime, clock: FrozenClock) -> None:
    worker = PipelineWorker(runtime)
    append_posts(
        runtime.log,
        [
            _post(clock, "brand1", "acme.bsky.social", "Our spring sale starts today!"),
            _post(clock, "cust1", "jo.bsky.social", "Anyone else shopping the sale?"),
            _post(clock, "same-batch", "sam.bsky.social", COMPLAINT, parent="brand1"),
        ],
    )
    worker.run_once()
    # Later batches: the brand's post is only in the store now.
    append_posts(
        runtime.log,
        [
            _post(clock, "stored-parent", "kim.bsky.social", COMPLAINT, parent="brand1"),
            _post(clock, "customer-parent", "lee.bsky.social", COMPLAINT, parent="cust1"),
            _post(clock, "unknown-parent", "max.bsky.social", COMPLAINT, parent="gone"),
            _post(clock, "on-its-own", "ann.bsky.social", COMPLAINT),
        ],
    )
    worker.run_once()
    got = _complaints(runtime)
    assert got["brand1"] is None  # the brand's own post gets no complaint probability
    addressed = [got["same-batch"], got["stored-parent"]]
    others = [got["customer-parent"], got["unknown-parent"], got["on-its-own"]]
    assert all(p is not None for p in addressed + others)
    assert addressed[0] == pytest.approx(addressed[1], abs=1e-4)
    assert min(p for p in addressed if p is not None) > 0.8
    assert max(p for p in others if p is not None) < 0.7
