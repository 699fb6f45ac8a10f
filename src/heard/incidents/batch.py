"""Grouping inside the pipeline worker's batch transaction, in two explicit steps.

The group stage runs before the batch's posts are stored. `SessionIncidents`, the batch's IncidentMatcher, opens
incidents in the batch's own session (flushed, so they have ids); the store step writes each post's chosen
incident into `posts.incident_id` with the row (`heard.ingest.actions`), and after it `link_batch` adds the
batch's posts to their incidents' figures. All of it runs in the batch's transaction: a batch that fails to store
rolls back, leaving no incident behind and no post linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.db.unit import emit
from heard.events import IncidentUpdated
from heard.incidents.actions import count_linked
from heard.incidents.grouping import GroupingParams
from heard.incidents.matcher import assign_in
from heard.incidents.models import Incident
from heard.pipeline.group import INCIDENT_KEY, Embedder
from heard.pipeline.ports import Grouped
from heard.posts import Post


class SessionIncidents:
    """The group stage's IncidentMatcher bound to one batch's session."""

    def __init__(self, session: Session, embedder: str, params: GroupingParams | None = None) -> None:
        self._session = session
        self._embedder = embedder
        self._params = params or GroupingParams()

    def assign(self, vectors: np.ndarray, posts: Sequence[Grouped], now: datetime) -> list[int | None]:
        return assign_in(self._session, vectors, posts, self._embedder, self._params)


def link_batch(session: Session, stored: Sequence[Post], embedder: Embedder, now: datetime) -> set[int]:
    """Count the batch's stored posts (stored with the incidents the group stage chose for them) into their
    incidents' figures; returns the incidents touched (each gets an `incident.updated` event)."""
    chosen = {p.key: int(p.extra[INCIDENT_KEY]) for p in stored if INCIDENT_KEY in p.extra}
    if not chosen:
        return set()
    session.flush()
    touched = set(chosen.values())
    count_linked(session, chosen, embedder, now)
    figures = session.execute(
        select(Incident.id, Incident.status, Incident.post_count).where(Incident.id.in_(sorted(touched)))
    )
    emit(session, *(IncidentUpdated(i, status, count) for i, status, count in figures))
    return touched
