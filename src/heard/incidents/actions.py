"""What changes incidents: linking stored posts, refreshing counts and titles, agents' edits, re-grouping.

Each function works inside the caller's session (one unit of work) and returns what the caller may want to
announce. Agents' edits pin the incident, so the next re-grouping respects them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from heard.conversations.models import Conversation, PostRecord
from heard.db.keys import pairs_match
from heard.errors import BadInput, NotFound
from heard.incidents.matcher import NEW_TITLE, pack
from heard.incidents.models import STATUSES, Incident
from heard.incidents.titles import describe
from heard.pipeline.group import Embedder


def _keys_by_incident(assignments: Mapping[str, int]) -> dict[int, list[tuple[str, str]]]:
    by_incident: dict[int, list[tuple[str, str]]] = {}
    for key, incident_id in assignments.items():
        network, _, external_id = key.partition(":")
        by_incident.setdefault(incident_id, []).append((network, external_id))
    return by_incident


def count_linked(session: Session, assignments: Mapping[str, int], embedder: Embedder, now: datetime) -> None:
    """Add a batch's newly linked posts to their incidents' figures without recounting every post of each
    incident (which made each batch cost more as incidents grew). Post count and first/last post are exact;
    an author counts as new unless they already have a post in the incident (looked up through the contact
    index, so the cost follows the batch, not the incident); reach adds new authors' followers (a known
    author's grown follower count waits for the next full recount by re-grouping). Incidents with a post of
    unknown contact are recounted in full. Titles are redrawn when an incident's size passes a power of two."""
    by_incident = _keys_by_incident(assignments)
    if not by_incident:
        return
    ids = sorted(by_incident)
    batch_keys = [key for keys in by_incident.values() for key in keys]
    # Two statements for the whole batch, not two per incident: a batch of new complaints touches hundreds.
    linked: dict[int, list[tuple[str, str, int | None, int, datetime]]] = {}
    for incident_id, network, author, contact, count, created in session.execute(
        select(
            PostRecord.incident_id,
            PostRecord.network,
            PostRecord.author_id,
            PostRecord.contact_id,
            func.coalesce(PostRecord.author_followers, 0),
            PostRecord.created_at,
        ).where(pairs_match(PostRecord.network, PostRecord.external_id, batch_keys), PostRecord.incident_id.in_(ids))
    ):
        if incident_id is not None:  # the query asks for linked posts only
            linked.setdefault(incident_id, []).append((network, author, contact, int(count), created))
    contacts = sorted({contact for rows in linked.values() for _, _, contact, _, _ in rows if contact is not None})
    known: set[tuple[int, str, str]] = set()
    if contacts:
        earlier = (
            select(PostRecord.incident_id, PostRecord.network, PostRecord.author_id)
            .where(
                PostRecord.contact_id.in_(contacts),
                PostRecord.incident_id.in_(ids),
                ~pairs_match(PostRecord.network, PostRecord.external_id, batch_keys),
            )
            .distinct()
        )
        known = {(i, network, author) for i, network, author in session.execute(earlier) if i is not None}
    full: list[int] = []
    grown: list[Incident] = []
    for incident in session.scalars(select(Incident).where(Incident.id.in_(ids))):
        rows = linked.get(incident.id, [])
        if not rows:
            continue
        if any(contact is None for _, _, contact, _, _ in rows):
            full.append(incident.id)
            continue
        followers: dict[tuple[str, str], int] = {}
        for network, author, _, count, _ in rows:
            followers[(network, author)] = max(followers.get((network, author), 0), count)
        fresh = {author: f for author, f in followers.items() if (incident.id, *author) not in known}
        before = incident.post_count
        times = [created for *_, created in rows]
        incident.post_count += len(rows)
        incident.author_count += len(fresh)
        incident.reach += sum(fresh.values())
        incident.first_post_at = min([t for t in (incident.first_post_at, *times) if t is not None])
        incident.last_post_at = max([t for t in (incident.last_post_at, *times) if t is not None])
        incident.updated_at = now
        if _grew_a_lot(before, incident):
            grown.append(incident)
    _redescribe(session, grown, embedder)
    refresh(session, full, embedder, now, recentre=False, redescribe=False)


#: Posts a title and summary are drawn from: the most recent ones, so a huge incident refreshes quickly.
DESCRIBE_SAMPLE = 300


def refresh(
    session: Session,
    incident_ids: Iterable[int],
    embedder: Embedder,
    now: datetime,
    recentre: bool = True,
    redescribe: bool = True,
) -> None:
    """Recount posts, authors and reach; redraw the title and summary from recent posts (with `redescribe`);
    and recompute the centroid from all posts (with `recentre`, after posts moved: the group stage keeps
    centroids up to date itself)."""
    wanted = sorted(set(incident_ids))
    if not wanted:
        return
    counts = _counts(session, wanted)
    to_describe: list[Incident] = []
    for incident in session.scalars(select(Incident).where(Incident.id.in_(wanted))):
        before = incident.post_count
        count, authors, reach, first, last = counts.get(incident.id, (0, 0, 0, None, None))
        incident.post_count, incident.author_count, incident.reach = count, authors, reach
        incident.first_post_at, incident.last_post_at = first, last
        incident.updated_at = now
        if redescribe or _grew_a_lot(before, incident):
            to_describe.append(incident)
        if recentre:
            _recentre(session, incident, embedder)
    _redescribe(session, to_describe, embedder)


def _grew_a_lot(before: int, incident: Incident) -> bool:
    # Titles settle as an incident grows: redraw when it is new or its size passed a power of two, so a
    # batch touching hundreds of incidents stays cheap.
    after = incident.post_count
    return incident.title == NEW_TITLE or (after > before and after.bit_length() > before.bit_length())


def _counts(session: Session, ids: list[int]) -> dict[int, tuple[int, int, int, datetime | None, datetime | None]]:
    """Posts, distinct authors, reach (each author's largest follower count, summed), first and last post."""
    per_author = (
        select(
            PostRecord.incident_id.label("incident_id"),
            func.max(func.coalesce(PostRecord.author_followers, 0)).label("followers"),
        )
        .where(PostRecord.incident_id.in_(ids))
        .group_by(PostRecord.incident_id, PostRecord.network, PostRecord.author_id)
        .subquery()
    )
    authors = {
        row.incident_id: (int(row.authors), int(row.reach or 0))
        for row in session.execute(
            select(
                per_author.c.incident_id,
                func.count().label("authors"),
                func.sum(per_author.c.followers).label("reach"),
            ).group_by(per_author.c.incident_id)
        )
    }
    out: dict[int, tuple[int, int, int, datetime | None, datetime | None]] = {}
    for row in session.execute(
        select(PostRecord.incident_id, func.count(), func.min(PostRecord.created_at), func.max(PostRecord.created_at))
        .where(PostRecord.incident_id.in_(ids))
        .group_by(PostRecord.incident_id)
    ):
        if row[0] is None:
            continue
        people, reach = authors.get(row[0], (0, 0))
        out[row[0]] = (int(row[1]), people, reach, row[2], row[3])
    return out


def _redescribe(session: Session, incidents: list[Incident], embedder: Embedder) -> None:
    samples = _samples(session, incidents)
    flat = [t for texts in samples.values() for t in texts]
    vectors = embedder.embed(flat)  # one call for all: embedding has a fixed cost per call
    start = 0
    for incident in incidents:
        texts = samples[incident.id]
        if not texts:
            continue
        described = describe(texts, vectors[start : start + len(texts)], authors=incident.author_count)
        start += len(texts)
        incident.key_phrases = described.key_phrases
        incident.summary = described.summary.replace(f"{len(texts)} posts", f"{incident.post_count} posts", 1)
        if not incident.title_locked:
            incident.title = described.title


def _samples(session: Session, incidents: list[Incident]) -> dict[int, list[str]]:
    """Each incident's most recent posts: the small ones (most of a batch's: new incidents) in one statement,
    each larger one in a statement of its own that reads only its sample."""
    small = sorted(i.id for i in incidents if i.post_count <= DESCRIBE_SAMPLE)
    samples: dict[int, list[str]] = {incident_id: [] for incident_id in small}
    if small:
        query = (
            select(PostRecord.incident_id, PostRecord.text)
            .where(PostRecord.incident_id.in_(small))
            .order_by(PostRecord.incident_id, PostRecord.created_at.desc(), PostRecord.id.desc())
        )
        for incident_id, text in session.execute(query):
            sample = samples.get(incident_id) if incident_id is not None else None
            if sample is not None and len(sample) < DESCRIBE_SAMPLE:  # a count behind its posts: no more than that
                sample.append(text or "")
    for incident in incidents:
        if incident.id not in samples:
            samples[incident.id] = _sample(session, incident.id)
    return samples


def _sample(session: Session, incident_id: int) -> list[str]:
    query = (
        select(PostRecord.text)
        .where(PostRecord.incident_id == incident_id)
        .order_by(PostRecord.created_at.desc(), PostRecord.id.desc())
        .limit(DESCRIBE_SAMPLE)
    )
    return [t or "" for t in session.scalars(query)]


def _recentre(session: Session, incident: Incident, embedder: Embedder) -> None:
    total = np.zeros(embedder.dimensions, dtype=np.float64)
    size = 0
    query = select(PostRecord.text).where(PostRecord.incident_id == incident.id).order_by(PostRecord.id)
    texts = [t or "" for t in session.scalars(query)]
    for start in range(0, len(texts), 2000):
        vectors = embedder.embed(texts[start : start + 2000])
        total += vectors.sum(axis=0)
        size += int(np.any(vectors, axis=1).sum())
    incident.centroid = pack(total)
    incident.centroid_size = size
    incident.embedder = embedder.name


def _incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    if incident.merged_into_id is not None:
        raise BadInput(f"incident {incident_id} was merged into {incident.merged_into_id}", "")
    return incident


def move_posts(session: Session, post_ids: Collection[int], to_id: int) -> set[int]:
    """Put posts (and their conversations) in incident `to_id`; returns the incidents they left."""
    wanted = set(post_ids)
    rows = session.execute(
        select(PostRecord.id, PostRecord.incident_id, PostRecord.conversation_id).where(PostRecord.id.in_(wanted))
    ).all()
    if len(rows) != len(wanted):
        raise BadInput("some of these posts do not exist", "")
    left = {r.incident_id for r in rows if r.incident_id is not None and r.incident_id != to_id}
    session.execute(update(PostRecord).where(PostRecord.id.in_(wanted)).values(incident_id=to_id))
    conversation_ids = {r.conversation_id for r in rows if r.conversation_id is not None}
    if conversation_ids:
        session.execute(update(Conversation).where(Conversation.id.in_(conversation_ids)).values(incident_id=to_id))
    return left


def move(session: Session, post_id: int, to_id: int, embedder: Embedder, now: datetime) -> None:
    """An agent moves one post; the incident it joins is pinned so re-grouping leaves it there."""
    target = _incident(session, to_id)
    target.pinned = True
    left = move_posts(session, [post_id], to_id)
    refresh(session, left | {to_id}, embedder, now)


def merge(session: Session, into_id: int, from_ids: Collection[int], embedder: Embedder, now: datetime) -> None:
    """Fold incidents into `into_id`; they stay as rows pointing at it, so old links still resolve."""
    target = _incident(session, into_id)
    target.pinned = True
    for from_id in from_ids:
        if from_id == into_id:
            raise BadInput("an incident cannot be merged into itself", "")
        gone = _incident(session, from_id)
        post_ids = list(session.scalars(select(PostRecord.id).where(PostRecord.incident_id == from_id)))
        move_posts(session, post_ids, into_id)
        _repoint(session, from_id, into_id)
        gone.merged_into_id = into_id
        gone.status = "closed"
        gone.post_count = gone.author_count = gone.reach = 0
        gone.updated_at = now
    refresh(session, [into_id], embedder, now)


def _repoint(session: Session, from_id: int, into_id: int) -> None:
    session.execute(update(Conversation).where(Conversation.incident_id == from_id).values(incident_id=into_id))


def split(session: Session, incident_id: int, post_ids: Collection[int], embedder: Embedder, now: datetime) -> int:
    """Take some posts out of an incident into a new one (both pinned); returns the new incident's id."""
    source = _incident(session, incident_id)
    inside = set(
        session.scalars(select(PostRecord.id).where(PostRecord.incident_id == incident_id, PostRecord.id.in_(post_ids)))
    )
    if not post_ids or inside != set(post_ids):
        raise BadInput(f"every post to split off must be in incident {incident_id}", "")
    if len(inside) == source.post_count:
        raise BadInput("a split must leave some posts behind", "")
    created = Incident(title=NEW_TITLE, created_at=now, updated_at=now, pinned=True, embedder=embedder.name)
    session.add(created)
    session.flush()
    source.pinned = True
    move_posts(session, inside, created.id)
    refresh(session, [incident_id, created.id], embedder, now)
    return created.id


def rename(session: Session, incident_id: int, title: str, now: datetime) -> None:
    """Give an incident a title a person chose; automatic titles never overwrite it."""
    clean = " ".join(title.split())[:256]
    if not clean:
        raise BadInput("a title cannot be empty", title)
    incident = _incident(session, incident_id)
    incident.title = clean
    incident.title_locked = True
    incident.pinned = True
    incident.updated_at = now


def set_status(session: Session, incident_id: int, status: str, now: datetime, owner_id: int | None = None) -> None:
    if status not in STATUSES:
        raise BadInput(f"status must be one of {', '.join(STATUSES)}", status)
    incident = _incident(session, incident_id)
    incident.status = status
    if owner_id is not None:
        incident.owner_id = owner_id
    incident.pinned = incident.pinned or status != "investigating" or incident.owner_id is not None
    incident.updated_at = now
