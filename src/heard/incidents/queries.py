"""What people read about incidents: the list, and one incident with its timeline, networks and alerts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.conversations.models import PostRecord
from heard.incidents.models import Incident


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One line of the incident list."""

    id: int
    title: str
    status: str
    owner_id: int | None
    posts: int
    authors: int
    reach: int
    first_post_at: datetime | None
    last_post_at: datetime | None
    key_phrases: list[str]


@dataclass(frozen=True, slots=True)
class IncidentView:
    """One incident in full: the numbers, where it is said, how it grew, and what was raised on it."""

    row: IncidentRow
    summary: str
    networks: dict[str, int]
    timeline: list[tuple[datetime, int]]
    examples: list[str]


def _row(incident: Incident) -> IncidentRow:
    return IncidentRow(
        incident.id,
        incident.title,
        incident.status,
        incident.owner_id,
        incident.post_count,
        incident.author_count,
        incident.reach,
        incident.first_post_at,
        incident.last_post_at,
        list(incident.key_phrases or []),
    )


def list_incidents(
    session: Session, status: str | None = None, min_posts: int = 1, limit: int = 50
) -> list[IncidentRow]:
    """Live incidents, most posts first; merged-away incidents are left out."""
    query = select(Incident).where(Incident.merged_into_id.is_(None), Incident.post_count >= min_posts)
    if status:
        query = query.where(Incident.status == status)
    query = query.order_by(Incident.post_count.desc(), Incident.id).limit(limit)
    return [_row(i) for i in session.scalars(query)]


def resolve(session: Session, incident_id: int) -> Incident | None:
    """The incident, following merges, so a link to a merged incident lands on the one that holds its posts."""
    incident = session.get(Incident, incident_id)
    seen: set[int] = set()
    while incident is not None and incident.merged_into_id is not None and incident.id not in seen:
        seen.add(incident.id)
        incident = session.get(Incident, incident.merged_into_id)
    return incident


def incident_view(session: Session, incident_id: int, bucket_minutes: int = 60) -> IncidentView | None:
    incident = resolve(session, incident_id)
    if incident is None:
        return None
    rows = session.execute(
        select(PostRecord.network, PostRecord.created_at, PostRecord.text)
        .where(PostRecord.incident_id == incident.id)
        .order_by(PostRecord.created_at)
    ).all()
    networks = Counter(r.network for r in rows)
    buckets: Counter[datetime] = Counter()
    for r in rows:
        stamp = r.created_at
        minute = (stamp.hour * 60 + stamp.minute) // bucket_minutes * bucket_minutes
        buckets[stamp.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0)] += 1
    return IncidentView(
        _row(incident),
        incident.summary,
        dict(networks.most_common()),
        sorted(buckets.items()),
        [r.text for r in rows[:3]],
    )
