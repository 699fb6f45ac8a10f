"""What people read about incidents: the list, and one incident with its timeline, networks and alerts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

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


#: The most bars the posts-per-hour chart draws before it counts by day.
MAX_BARS = 14 * 24


def timeline(stamps: list[datetime], bucket_minutes: int = 60) -> list[tuple[datetime, int]]:
    """Posts per bucket from the first post's bucket to the last's, empty buckets included (a quiet hour is part
    of the story: a chart that skips it makes a lull look like a steady stream)."""
    buckets: Counter[datetime] = Counter()
    for stamp in stamps:
        minute = (stamp.hour * 60 + stamp.minute) // bucket_minutes * bucket_minutes
        day = stamp.replace(hour=0, minute=0, second=0, microsecond=0)
        buckets[day + timedelta(minutes=minute)] += 1
    if not buckets:
        return []
    step = timedelta(minutes=bucket_minutes)
    first, last = min(buckets), max(buckets)
    out = []
    at = first
    while at <= last:
        out.append((at, buckets.get(at, 0)))
        at += step
    return out


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
    stamps = [r.created_at for r in rows]
    if stamps and stamps[-1] - stamps[0] > timedelta(minutes=bucket_minutes * MAX_BARS):
        bucket_minutes = 1440  # a long incident is drawn by day, so the chart stays readable
    return IncidentView(
        _row(incident),
        incident.summary,
        dict(networks.most_common()),
        timeline(stamps, bucket_minutes),
        [r.text for r in rows[:3]],
    )
