"""The ports the stages ask the store through, bound to one batch.

Stages are built once and hold no database handle; what they need to know about stored posts and open incidents
comes in the batch's `StageContext.ports`, made for that batch (the pipeline worker binds them to the batch's
transaction, `heard.workers.stages.store_ports`). A tool that only cleans or judges posts runs with the default
ports: nothing stored, no brand posts, no grouping. Every implementation of each port passes the same contract
suite (`tests/contract/test_pipeline_ports.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np

from heard.posts import Post
from heard.radar.pileon import says_me_too


class SeenIndex(Protocol):
    def seen(self, keys: Collection[str]) -> set[str]:
        """Which of these post keys (network:external_id) are already stored."""
        ...


class BrandPosts(Protocol):
    def __call__(self, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these posts, named by (network, external id), are the brand's own posts in the store."""
        ...


@dataclass(frozen=True, slots=True)
class Grouped:
    """What an incident matcher needs to know about one post besides its vector."""

    key: str
    network: str
    author_id: str
    text: str
    created_at: datetime
    reach: int
    #: The post's main brand (`post.extra["brands"]`): incidents are grouped within a brand.
    brand: str | None = None
    #: For a "same here" reply, the key of the post it replies to: it joins that post's incident.
    same_as: str | None = None

    @classmethod
    def of(cls, post: Post) -> Grouped:
        raw = post.raw
        brands = post.extra.get("brands")
        brand = str(brands[0])[:64] if isinstance(brands, list) and brands else None
        parent = raw.in_reply_to or raw.quote_of
        same_as = f"{raw.network}:{parent}" if parent is not None and says_me_too(post.text) else None
        return cls(
            post.key, raw.network, raw.author_id, post.text, raw.created_at, raw.author_followers or 0, brand, same_as
        )


class IncidentMatcher(Protocol):
    def assign(self, vectors: np.ndarray, posts: Sequence[Grouped], now: datetime) -> list[int | None]:
        """The incident id for each row: an open incident it is close to, or a new one opened for it;
        None when the text had nothing to compare."""
        ...


@dataclass(frozen=True, slots=True)
class MemorySeen:
    """A SeenIndex over a set of keys (tools, tests)."""

    keys: frozenset[str] = frozenset()

    def seen(self, keys: Collection[str]) -> set[str]:
        return {k for k in keys if k in self.keys}


@dataclass(frozen=True, slots=True)
class MemoryBrandPosts:
    """BrandPosts over a set of (network, external id) pairs (tools, tests)."""

    pairs: frozenset[tuple[str, str]] = frozenset()

    def __call__(self, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
        return pairs & self.pairs


@dataclass(frozen=True, slots=True)
class BatchPorts:
    """The ports one batch's stages use. `incidents` None: the group stage leaves posts ungrouped."""

    seen: SeenIndex = field(default_factory=MemorySeen)
    brand_posts: BrandPosts = field(default_factory=MemoryBrandPosts)
    incidents: IncidentMatcher | None = None
