"""Which posts are the brand's own, in the store: the understand stage's port for a reply's parent.

A reply under the brand's post is addressed to the brand even when its text names no account. On X its text
opens with the brand's handle anyway; on Bluesky, Reddit, YouTube, Facebook and LinkedIn it does not, and the
complaint model reads "addressed to an account" from a named handle (`heard.understanding.cues`). The stage
looks for a parent among the batch's own posts (`heard.pipeline.understand.answering_brand`) and asks this
for the rest, in one statement per batch.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.conversations.models import PostRecord
from heard.db.keys import pairs_match


class StoredBrandPosts:
    """The understand stage's `BrandPosts` port (`heard.pipeline.ports`) over one batch's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def __call__(self, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
        if not pairs:
            return set()
        table = PostRecord.__table__.c
        rows = self._session.execute(
            select(table.network, table.external_id).where(
                table.is_brand.is_(True), pairs_match(table.network, table.external_id, pairs)
            )
        )
        return {(network, external_id) for network, external_id in rows}
