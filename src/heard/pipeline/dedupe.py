"""dedupe: the same network + post id is never stored twice, within a batch or across redeliveries."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from heard.pipeline.stage import StageContext
from heard.posts import Post


class SeenIndex(Protocol):
    def seen(self, keys: Collection[str]) -> set[str]:
        """Which of these post keys (network:external_id) are already stored."""
        ...


class Dedupe:
    name = "dedupe"

    def __init__(self, index: SeenIndex) -> None:
        self._index = index

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        stored = self._index.seen({p.key for p in posts})
        kept: list[Post] = []
        taken: set[str] = set()
        for post in posts:
            if post.key in stored or post.key in taken:
                continue
            taken.add(post.key)
            kept.append(post)
        return kept
