"""The contract every implementation of each pipeline port passes: the memory ones tools and tests use, and the
store-bound ones the pipeline worker makes for each batch (`heard.workers.stages.store_ports`), on SQLite and
PostgreSQL. A stage that works against one implementation works against all of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from heard.conversations.brand_posts import StoredBrandPosts
from heard.conversations.models import PostRecord
from heard.conversations.stored import StoredPostIndex
from heard.incidents.batch import SessionIncidents
from heard.pipeline.ports import BrandPosts, Grouped, IncidentMatcher, MemoryBrandPosts, MemorySeen, SeenIndex
from tests.fakes.incidents import MemoryIncidents

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
#: (network, external id, is the brand's own post)
STORED = [("x", "1", False), ("x", "2", True), ("mastodon", "1", True), ("x", "a:b", False)]


def _store(session: Session) -> None:
    for network, external_id, is_brand in STORED:
        session.add(
            PostRecord(
                network=network,
                external_id=external_id,
                author_id="a",
                author_handle="acme" if is_brand else "ana",
                is_brand=is_brand,
                text="t",
                created_at=NOW,
                ingested_at=NOW,
            )
        )
    session.flush()


@pytest.fixture(params=["memory", "store"])
def ports(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def _bound(kind: str, sessions: sessionmaker[Session]) -> Iterator[Session | None]:
    if kind == "memory":
        yield None
        return
    with sessions.begin() as session:
        _store(session)
        yield session


def _seen(kind: str, session: Session | None) -> SeenIndex:
    if session is None:
        return MemorySeen(frozenset(f"{n}:{e}" for n, e, _ in STORED))
    return StoredPostIndex(session)


def _brand(kind: str, session: Session | None) -> BrandPosts:
    if session is None:
        return MemoryBrandPosts(frozenset((n, e) for n, e, brand in STORED if brand))
    return StoredBrandPosts(session)


def test_seen_index_names_exactly_the_stored_keys(ports: str, sessions: sessionmaker[Session]) -> None:
    with _bound(ports, sessions) as session:
        index = _seen(ports, session)
        asked = {"x:1", "x:2", "x:3", "mastodon:1", "mastodon:2", "reddit:1", "x:a:b"}
        assert index.seen(asked) == {"x:1", "x:2", "mastodon:1", "x:a:b"}
        assert index.seen(set()) == set()
        many = {f"x:{i}" for i in range(3, 2500)}  # more than one statement's worth of parameters
        assert index.seen(many | {"x:1"}) == {"x:1"}


def test_brand_posts_are_only_the_brands_own(ports: str, sessions: sessionmaker[Session]) -> None:
    with _bound(ports, sessions) as session:
        brand = _brand(ports, session)
        asked = {("x", "1"), ("x", "2"), ("mastodon", "1"), ("x", "9"), ("reddit", "2")}
        assert brand(asked) == {("x", "2"), ("mastodon", "1")}
        assert brand(set()) == set()


def _matcher(kind: str, session: Session | None, dimensions: int) -> IncidentMatcher:
    if session is None:
        return MemoryIncidents(dimensions)
    return SessionIncidents(session, "test-embedder")


def _grouped(i: int) -> Grouped:
    return Grouped(f"x:{100 + i}", "x", f"u{i}", f"text {i}", NOW, 10)


def _unit(*values: float) -> np.ndarray:
    row = np.array(values, dtype=np.float64)
    return row / np.linalg.norm(row)


def test_incident_matcher_groups_alike_and_separates_unlike(ports: str, sessions: sessionmaker[Session]) -> None:
    vectors = np.stack([_unit(1, 0, 0), _unit(0.99, 0.05, 0), _unit(0, 0, 1), np.zeros(3), _unit(0, 0.02, 0.99)])
    with _bound(ports, sessions) as session:
        matcher = _matcher(ports, session, 3)
        first, alike, other, empty, other_alike = matcher.assign(vectors, [_grouped(i) for i in range(5)], NOW)
        assert first is not None
        assert other is not None
        assert alike == first, "a post close to an incident opened earlier in the same batch joins it"
        assert other != first
        assert empty is None, "a text with nothing to compare joins nothing"
        assert other_alike == other
        again = matcher.assign(np.stack([_unit(1, 0.01, 0)]), [_grouped(9)], NOW)
        assert again == [first], "a later batch joins the incident an earlier one opened"
