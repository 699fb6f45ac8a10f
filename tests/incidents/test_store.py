"""Grouping over the real store: the stage, linking stored posts, counts, titles, agents' edits, re-grouping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import heard.schema  # noqa: F401  (all models, so foreign keys resolve)
from heard.conversations.models import PostRecord
from heard.errors import BadInput
from heard.incidents import actions, queries
from heard.incidents.batch import SessionIncidents, link_batch
from heard.incidents.lexical import LexicalEmbedder
from heard.incidents.maintenance import close_small_quiet, regroup_open
from heard.incidents.models import Incident
from heard.ingest.actions import store_batch
from heard.pipeline.group import INCIDENT_KEY, Group
from heard.pipeline.ports import BatchPorts
from heard.pipeline.stage import StageContext
from heard.posts import Post, RawPost
from tests.incidents.fixtures import labelled

EMBED = LexicalEmbedder(stop_terms=["acme", "acmehelp"])
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _posts() -> tuple[list[Post], list[str]]:
    texts, labels = labelled()
    posts = []
    for i, text in enumerate(texts):
        raw = RawPost(
            network="mastodon" if i % 3 == 0 else "x",
            external_id=str(1000 + i),
            author_id=f"u{i % 20}",
            author_handle=f"user{i % 20}",
            text=text,
            created_at=START + timedelta(minutes=7 * i),
            author_followers=10 * (i % 20),
        )
        posts.append(Post(raw=raw, text=text))
    return posts, labels


def _store(sessions: sessionmaker[Session], posts: list[Post]) -> dict[str, int]:
    with sessions.begin() as session:
        store_batch(session, posts, START)  # the worker's store step writes each post's incident
        link_batch(session, posts, EMBED, START)
        rows = session.execute(select(PostRecord.network, PostRecord.external_id, PostRecord.id)).all()
    return {f"{n}:{e}": i for n, e, i in rows}


def _grouped(sessions: sessionmaker[Session]) -> tuple[list[Post], list[str], dict[str, int]]:
    posts, labels = _posts()
    stage = Group(EMBED)
    for start in range(0, len(posts), 8):  # batches, as the worker takes them
        with sessions.begin() as session:
            stage(posts[start : start + 8], _batch(session))
    return posts, labels, _store(sessions, posts)


def _batch(session: Session) -> StageContext:
    """A batch's context, its incident port bound to the batch's transaction (as the worker's)."""
    return StageContext(now=START, ports=BatchPorts(incidents=SessionIncidents(session, EMBED.name)))


def _incident_of(posts: list[Post], labels: list[str], label: str) -> int:
    ids = [p.extra[INCIDENT_KEY] for p, lab in zip(posts, labels, strict=True) if lab == label]
    return max(set(ids), key=ids.count)


def test_complaints_become_incidents_with_counts_titles_and_networks(sessions: sessionmaker[Session]) -> None:
    posts, labels, _ = _grouped(sessions)
    with sessions.begin() as session:
        rows = queries.list_incidents(session)
        refunds = _incident_of(posts, labels, "refund")
        view = queries.incident_view(session, refunds)
    assert 4 <= len(rows) <= 10
    assert sum(r.posts for r in rows) == len(posts)
    assert view is not None
    assert "refund" in view.row.title.lower()
    assert view.row.posts >= 5
    assert view.row.authors <= view.row.posts
    assert set(view.networks) <= {"x", "mastodon"}
    assert sum(count for _, count in view.timeline) == view.row.posts
    assert view.row.reach > 0


def test_a_renamed_incident_keeps_its_id_title_and_posts_through_regrouping(sessions: sessionmaker[Session]) -> None:
    posts, labels, _ids = _grouped(sessions)
    refunds = _incident_of(posts, labels, "refund")
    with sessions.begin() as session:
        actions.rename(session, refunds, "Refunds late after returns", START)
        before = set(session.scalars(select(PostRecord.id).where(PostRecord.incident_id == refunds)))
    with sessions.begin() as session:
        regroup_open(session, EMBED, START)
    with sessions.begin() as session:
        incident = session.get(Incident, refunds)
        after = set(session.scalars(select(PostRecord.id).where(PostRecord.incident_id == refunds)))
    assert incident is not None
    assert incident.merged_into_id is None
    assert incident.title == "Refunds late after returns"
    assert before <= after


def test_merge_split_and_move(sessions: sessionmaker[Session]) -> None:
    posts, labels, ids = _grouped(sessions)
    cards, deliveries = _incident_of(posts, labels, "card"), _incident_of(posts, labels, "delivery")
    with sessions.begin() as session:
        actions.merge(session, cards, [deliveries], EMBED, START)
    with sessions.begin() as session:
        merged = queries.resolve(session, deliveries)
        assert merged is not None
        assert merged.id == cards
        total = merged.post_count
        moving = [ids[p.key] for p, lab in zip(posts, labels, strict=True) if lab == "delivery"]
        created = actions.split(session, cards, moving, EMBED, START)
    with sessions.begin() as session:
        split_off = session.get(Incident, created)
        kept = session.get(Incident, cards)
        assert split_off is not None
        assert kept is not None
        assert split_off.post_count == len(moving)
        assert kept.post_count == total - len(moving)
        actions.move(session, moving[0], cards, EMBED, START)
    with sessions.begin() as session:
        row = session.get(PostRecord, moving[0])
        assert row is not None
        assert row.incident_id == cards
        assert session.get(Incident, created).post_count == len(moving) - 1  # type: ignore[union-attr]


def test_bad_edits_are_refused(sessions: sessionmaker[Session]) -> None:
    posts, labels, _ids = _grouped(sessions)
    refunds = _incident_of(posts, labels, "refund")
    with sessions.begin() as session:
        with pytest.raises(BadInput):
            actions.rename(session, refunds, "   ", START)
        with pytest.raises(BadInput):
            actions.merge(session, refunds, [refunds], EMBED, START)
        with pytest.raises(BadInput):
            actions.split(session, refunds, [10**9], EMBED, START)
        with pytest.raises(BadInput):
            actions.set_status(session, refunds, "gone", START)


def test_brand_posts_and_non_complaints_are_not_grouped(sessions: sessionmaker[Session]) -> None:
    posts, _ = _posts()
    brand = Post(raw=RawPost("x", "b1", "acme", "acme", "sorry about the refund!", START, is_brand=True), text="x")
    praise = Post(raw=posts[0].raw, text="love the app", complaint=0.1)
    judged = Post(raw=posts[1].raw, text=posts[1].text, complaint=0.9)
    with sessions.begin() as session:
        out = Group(EMBED)([brand, praise, judged], _batch(session))
    assert out == [brand, praise, judged]
    assert INCIDENT_KEY not in brand.extra
    assert INCIDENT_KEY not in praise.extra
    assert isinstance(judged.extra[INCIDENT_KEY], int)


def test_grouping_inside_a_batch_that_fails_leaves_no_incident(sessions: sessionmaker[Session]) -> None:
    posts, _ = _posts()
    assert Group(EMBED)(posts[:2], StageContext(now=START)) == posts[:2]  # no incident port: nothing grouped
    assert all(INCIDENT_KEY not in p.extra for p in posts[:2])
    session = sessions()
    Group(EMBED)(posts[:4], _batch(session))
    assert session.scalar(select(func.count()).select_from(Incident)) >= 1
    session.rollback()  # the store step failed: the batch rolls back
    session.close()
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_a_batch_that_commits_links_its_posts_and_counts_them(sessions: sessionmaker[Session]) -> None:
    posts, _ = _posts()
    with sessions.begin() as session:
        Group(EMBED)(posts, _batch(session))
        store_batch(session, posts, START)  # the worker's store step
        link_batch(session, posts, EMBED, START)  # the worker's link step
    with sessions.begin() as session:
        linked = session.scalar(select(func.count()).select_from(PostRecord).where(PostRecord.incident_id.is_not(None)))
        rows = queries.list_incidents(session)
    assert linked == len(posts)
    assert sum(r.posts for r in rows) == len(posts)
    assert all(r.title != "New incident" for r in rows)


def test_small_quiet_incidents_close_and_busy_or_pinned_ones_stay(sessions: sessionmaker[Session]) -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    old = now - timedelta(days=3)
    with sessions.begin() as session:
        rows = [
            Incident(title="small quiet", post_count=2, created_at=old, updated_at=old, last_post_at=old),
            Incident(title="big", post_count=40, created_at=old, updated_at=old, last_post_at=old),
            Incident(title="small, recent", post_count=1, created_at=now, updated_at=now, last_post_at=now),
            Incident(title="pinned", post_count=1, created_at=old, updated_at=old, last_post_at=old, pinned=True),
        ]
        session.add_all(rows)
        session.flush()
        assert close_small_quiet(session, now) == 1
        assert [i.status for i in rows] == ["closed", "investigating", "investigating", "investigating"]
