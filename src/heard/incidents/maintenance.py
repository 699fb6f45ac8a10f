"""The periodic re-grouping of open incidents over the store (run by `heard incidents regroup` or a scheduler),
which also closes incidents that stayed small and quiet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from heard.conversations.models import Conversation, PostRecord
from heard.incidents.actions import refresh
from heard.incidents.grouping import GroupingParams
from heard.incidents.matcher import OPEN_WINDOW, open_incidents
from heard.incidents.models import Incident
from heard.incidents.regroup import regroup
from heard.pipeline.group import Embedder

#: Incidents opened this recently are not absorbed for being small: a new outage starts with one post.
YOUNG = timedelta(hours=1)
#: An incident that stays this small and this quiet closes itself, so the list stays short.
SMALL_POSTS = 2
QUIET = timedelta(days=1)


def close_small_quiet(session: Session, now: datetime, most: int = SMALL_POSTS, quiet: timedelta = QUIET) -> int:
    """Close incidents of at most `most` posts with none for `quiet`, unless someone works on them (pinned);
    returns how many. A "same here" reply reopens nothing: it joins only incidents that are not closed."""
    stale = session.scalars(
        select(Incident).where(
            Incident.status != "closed",
            Incident.merged_into_id.is_(None),
            Incident.pinned.is_(False),
            Incident.post_count <= most,
            Incident.last_post_at < now - quiet,
        )
    ).all()
    for incident in stale:
        incident.status = "closed"
        incident.updated_at = now
    return len(stale)


@dataclass
class RegroupReport:
    """What one re-grouping did."""

    posts: int = 0
    moved: int = 0
    merged: dict[int, int] = field(default_factory=dict)
    closed: int = 0


def regroup_open(
    session: Session,
    embedder: Embedder,
    now: datetime,
    params: GroupingParams | None = None,
    window: timedelta = OPEN_WINDOW,
) -> RegroupReport:
    """Re-group the posts of open incidents; ids of surviving incidents never change."""
    newest = session.scalar(select(func.max(Incident.last_post_at)).where(Incident.merged_into_id.is_(None)))
    closed = close_small_quiet(session, newest or now)
    incidents = {i.id: i for i in open_incidents(session, newest or now, window)}
    if not incidents:
        return RegroupReport(closed=closed)
    rows = session.execute(
        select(PostRecord.id, PostRecord.text, PostRecord.incident_id)
        .where(PostRecord.incident_id.in_(incidents))
        .order_by(PostRecord.id)
    ).all()
    if not rows:
        return RegroupReport(closed=closed)
    vectors = embedder.embed([r.text or "" for r in rows])
    before = [int(r.incident_id) for r in rows]
    pinned = {i for i, incident in incidents.items() if incident.pinned}
    young = {i for i, incident in incidents.items() if incident.created_at >= (newest or now) - YOUNG}
    after = list(before)
    merged: dict[int, int] = {}
    # Each brand's incidents are re-grouped apart: posts never move, and incidents never merge, across brands.
    for brand in dict.fromkeys(incidents[i].brand for i in before):
        picked = [k for k, i in enumerate(before) if incidents[i].brand == brand]
        result = regroup(vectors[picked], [before[k] for k in picked], pinned=pinned, params=params, young=young)
        for k, new in zip(picked, result.assignment, strict=True):
            after[k] = new
        merged.update(result.merged)
    changed: set[int] = set()
    for row, old, new in zip(rows, before, after, strict=True):
        if old != new:
            session.execute(update(PostRecord).where(PostRecord.id == row.id).values(incident_id=new))
            changed |= {old, new}
    for gone, into in merged.items():
        _fold(session, incidents[gone], into, now)
    refresh(session, changed - set(merged), embedder, now)
    moved = sum(1 for a, b in zip(before, after, strict=True) if a != b)
    return RegroupReport(len(rows), moved, merged, closed)


def _fold(session: Session, gone: Incident, into: int, now: datetime) -> None:
    gone.merged_into_id = into
    gone.status = "closed"
    gone.post_count = gone.author_count = gone.reach = 0
    gone.updated_at = now
    session.execute(update(Conversation).where(Conversation.incident_id == gone.id).values(incident_id=into))
