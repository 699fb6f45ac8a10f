"""The group stage's port over the store: open incidents' centroids in, new incidents and updated centroids out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.conversations.models import PostRecord
from heard.db.keys import pairs_match
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
    chosen: list[int | None] = [None] * len(posts)
    joined = _same_as(session, posts, incidents)
    # Incidents this batch opens go by a negative stand-in id until all are inserted together at the end: a
    # batch of new complaints opens hundreds, and a flush each was a statement and an ORM round each.
    new: dict[int, Incident] = {}
    # Within a brand, never across: one brand's outage is not another's, however alike the words.
    for brand in dict.fromkeys(p.brand for p in posts):
        rows = [i for i, p in enumerate(posts) if p.brand == brand and i not in joined]
        mine = [i for i in incidents.values() if i.brand == brand]
        centroids = load_centroids(mine, embedder, vectors.shape[1])

        def opened(brand: str | None = brand) -> int:
            stand_in = -(len(new) + 1)
            new[stand_in] = Incident(title=NEW_TITLE, created_at=now, updated_at=now, embedder=embedder, brand=brand)
            return stand_in

        got = assign_online(centroids, [vectors[i] for i in rows], opened, params.join)
        for row, incident_id in zip(rows, got, strict=True):
            chosen[row] = incident_id
            if incident_id is not None:
                incident = new[incident_id] if incident_id < 0 else incidents[incident_id]
                _touch(incident, incident_id, centroids, posts[row], embedder)
    if new:
        session.add_all(new.values())
        session.flush()
        chosen = [new[i].id if i is not None and i < 0 else i for i in chosen]
    for row, incident_id in joined.items():
        chosen[row] = incident_id
        incident = incidents[incident_id]
        # The reply counts in the incident (people, reach, follow-up when the fix is out); its words, often
        # just "same here", stay out of the centroid that describes the problem.
        incident.updated_at = max(incident.updated_at, posts[row].created_at)
        if incident.last_post_at is None or posts[row].created_at > incident.last_post_at:
            incident.last_post_at = posts[row].created_at
    return chosen


def _same_as(session: Session, posts: Sequence[Grouped], incidents: dict[int, Incident]) -> dict[int, int]:
    """Rows that are "same here" replies to a post in an open incident, and that incident."""
    wanted = {p.same_as for p in posts if p.same_as is not None}
    if not wanted:
        return {}
    pairs = [(key.partition(":")[0], key.partition(":")[2]) for key in wanted]
    chosen = pairs_match(PostRecord.__table__.c.network, PostRecord.__table__.c.external_id, pairs)
    found = {
        f"{network}:{external_id}": incident_id
        for network, external_id, incident_id in session.execute(
            select(PostRecord.network, PostRecord.external_id, PostRecord.incident_id).where(chosen)
        )
        if incident_id is not None
    }
    joined: dict[int, int] = {}
    for row, post in enumerate(posts):
        incident = _live(session, found.get(post.same_as or ""), incidents)
        # Within a brand here too: a reply filed under a brand (its answer came) does not join an incident of
        # another brand or of none; it is grouped within its brand instead.
        if incident is not None and (post.brand is None or incident.brand == post.brand):
            joined[row] = incident.id
    return joined


def _live(session: Session, incident_id: int | None, incidents: dict[int, Incident]) -> Incident | None:
    """The incident a parent post is in, followed through merges; None when it is closed. An incident quiet
    past the open window takes the reply all the same: someone has the same problem again."""
    seen: set[int] = set()
    while incident_id is not None and incident_id not in seen:
        seen.add(incident_id)
        incident = incidents.get(incident_id) or session.get(Incident, incident_id)
        if incident is None or (incident.status == "closed" and incident.merged_into_id is None):
            return None
        if incident.merged_into_id is None:
            incidents[incident.id] = incident
            return incident
        incident_id = incident.merged_into_id
    return None


def _touch(incident: Incident, incident_id: int, centroids: Centroids, post: Grouped, embedder: str) -> None:
    incident.centroid = pack(centroids.total(incident_id))
    incident.centroid_size = centroids.size(incident_id)
    incident.embedder = embedder
    incident.updated_at = max(incident.updated_at, post.created_at)
    if incident.first_post_at is None or post.created_at < incident.first_post_at:
        incident.first_post_at = post.created_at
    if incident.last_post_at is None or post.created_at > incident.last_post_at:
        incident.last_post_at = post.created_at
