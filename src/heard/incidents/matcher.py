"""The group stage's port over the store: open incidents' centroids in, new incidents and updated centroids out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.incidents.grouping import Centroids, GroupingParams, assign_online
from heard.incidents.models import Incident
from heard.pipeline.ports import Grouped

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


def assign_in(
    session: Session, vectors: np.ndarray, posts: Sequence[Grouped], embedder: str, params: GroupingParams
) -> list[int | None]:
    """Online assignment against the open incidents in the store, opening new incidents as rows (flushed,
    not committed: the caller's transaction decides)."""
    # Open means recent relative to the posts, not the wall clock, so an import of last year's posts
    # groups the way the live stream did.
    now = max((p.created_at for p in posts), default=None)
    if now is None:
        return []
    incidents = {i.id: i for i in open_incidents(session, now)}
    centroids = load_centroids(list(incidents.values()), embedder, vectors.shape[1])

    def opened() -> int:
        incident = Incident(title=NEW_TITLE, created_at=now, updated_at=now, embedder=embedder)
        session.add(incident)
        session.flush()
        incidents[incident.id] = incident
        return incident.id

    chosen = assign_online(centroids, list(vectors), opened, params.join)
    for incident_id, post in zip(chosen, posts, strict=True):
        if incident_id is not None:
            _touch(incidents[incident_id], centroids, post, embedder)
    return chosen


def _touch(incident: Incident, centroids: Centroids, post: Grouped, embedder: str) -> None:
    incident.centroid = pack(centroids.total(incident.id))
    incident.centroid_size = centroids.size(incident.id)
    incident.embedder = embedder
    incident.updated_at = max(incident.updated_at, post.created_at)
    if incident.first_post_at is None or post.created_at < incident.first_post_at:
        incident.first_post_at = post.created_at
    if incident.last_post_at is None or post.created_at > incident.last_post_at:
        incident.last_post_at = post.created_at
