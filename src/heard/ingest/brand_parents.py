"""Which of a batch's replies answer one of the brand's own posts: the understand stage's port over the store.

A reply under the brand's post is addressed to the brand even when its text names no account. On X its text
opens with the brand's handle anyway; on Bluesky, Reddit, YouTube, Facebook and LinkedIn it does not, and the
complaint model reads "addressed to an account" from a named handle (`heard.understanding.cues`). The parent is
looked up among the batch's own posts first, then among the stored ones, in one statement per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.db.keys import pairs_match
from heard.ingest.models import Post as PostRow
from heard.posts import Post


class StoredBrandParents:
    """`heard.pipeline.understand.BrandParents` over the batch transaction's session (`current`); without one,
    only parents in the batch count."""

    def __init__(self, current: Callable[[], Session | None]) -> None:
        self._current = current

    def __call__(self, posts: Sequence[Post]) -> set[str]:
        brand = {p.key for p in posts if p.is_brand}
        replies = {p.key: (p.raw.network, p.raw.in_reply_to) for p in posts if p.raw.in_reply_to and not p.is_brand}
        missing = {pair for pair in replies.values() if f"{pair[0]}:{pair[1]}" not in brand}
        session = self._current()
        if missing and session is not None:
            table = PostRow.__table__.c
            rows = session.execute(
                select(table.network, table.external_id).where(
                    table.is_brand.is_(True), pairs_match(table.network, table.external_id, missing)
                )
            )
            brand |= {f"{network}:{external_id}" for network, external_id in rows}
        return {key for key, (network, parent) in replies.items() if f"{network}:{parent}" in brand}
