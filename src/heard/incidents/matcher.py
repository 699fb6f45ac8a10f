"""The group stage's port over the store: open incidents' centroids in, new incidents and updated centroids out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from heard.db.engine import unit_of_work
from heard.incidents.grouping import Centroids, GroupingParams, assign_online
from heard.incidents.models import Incident
from heard.pipeline.group import Grouped

#: How long an incident with no new post stays open to new posts.
OPEN_WINDOW = timedelta(days=7)
NEW_TITLE = "New incident"


def pack(total: np.ndarray) -> bytes:
    return np.asarray(total, dtype="<f4").tobytes()


def unpack(blob: bytes | None, dimensions: int) -> np.ndarray | None:
    if blob is None or len(blob) != 4 * dimensions:
        return None
    return np.frombuffer(blob, dtype="<f4").astype(np.float64)


def open_incidents(session: Session, now: datetime, window: timedelta = OPEN_WINDOW) -> list[Incident]:
    """Incidents new posts may join: not closed, not merged away, with a post in the window."""
    return list(
        session.scalars(
            select(Incident).where(
                Incident.status != "closed",
                Incident.merged_into_id.is_(None),
                Incident.last_post_at >= now - window,
            )
        )
    )


def load_centroids(incidents: Sequence[Incident], embedder: str, dimensions: int) -> Centroids:
    """Centroids of incidents made by this embedder (others cannot be compared until re-grouped)."""
    centroids = Centroids(dimensions)
    for incident in incidents:
        total = unpack(incident.centroid, dimensions) if incident.embedder == embedder else None
        if total is not None and incident.centroid_size > 0:
            centroids.put(incident.id, total, incident.centroid_size)
    return centroids


class StoredIncidents:
    """Implements the group stage's IncidentMatcher on the database, one transaction per batch."""

    def __init__(
        self, sessions: sessionmaker[Session], embedder: str, dimensions: int, params: GroupingParams | None = None
    ) -> None:
        self._sessions = sessions
        self._embedder = embedder
        self._dimensions = dimensions
        self._params = params or GroupingParams()

    def assign(self, vectors: np.ndarray, posts: Sequence[Grouped], now: datetime) -> list[int | None]:
        # Open means recent relative to the posts, not the wall clock, so an import of last year's posts
        # groups the way the live stream did.
        reference = max((p.created_at for p in posts), default=now)
        with unit_of_work(self._sessions) as session:
            incidents = {i.id: i for i in open_incidents(session, reference)}
            centroids = load_centroids(list(incidents.values()), self._embedder, self._dimensions)

            def opened() -> int:
                incident = Incident(title=NEW_TITLE, created_at=now, updated_at=now, embedder=self._embedder)
                session.add(incident)
                session.flush()
                incidents[incident.id] = incident
                return incident.id

            chosen = assign_online(centroids, list(vectors), opened, self._params.join)
            for incident_id, post in zip(chosen, posts, strict=True):
                if incident_id is not None:
                    _touch(incidents[incident_id], centroids, post, now, self._embedder)
        return chosen


def _touch(incident: Incident, centroids: Centroids, post: Grouped, now: datetime, embedder: str) -> None:
    incident.centroid = pack(centroids.total(incident.id))
    incident.centroid_size = centroids.size(incident.id)
    incident.embedder = embedder
    incident.updated_at = now
    if incident.first_post_at is None or post.created_at < incident.first_post_at:
        incident.first_post_at = post.created_at
    if incident.last_post_at is None or post.created_at > incident.last_post_at:
        incident.last_post_at = post.created_at
