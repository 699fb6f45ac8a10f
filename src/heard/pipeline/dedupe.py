"""dedupe: the same network + post id is never stored twice, within a batch or across redeliveries."""

from __future__ import annotations

from heard.pipeline.stage import StageContext
from heard.posts import Post


class Dedupe:
    """Drops posts the batch's `SeenIndex` port knows as stored, and repeats within the batch."""

    name = "dedupe"

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        stored = ctx.ports.seen.seen({p.key for p in posts})
        kept: list[Post] = []
        taken: set[str] = set()
        for post in posts:
            if post.key in stored or post.key in taken:
                continue
            taken.add(post.key)
            kept.append(post)
        return kept
