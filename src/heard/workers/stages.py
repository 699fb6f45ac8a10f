"""The pipeline's stage list, in order, and the store-bound ports each batch gives them. Each feature that adds
a stage adds it here, once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from heard.alerts.actions import record_proposals, record_spikes
from heard.brands.attribution import BrandBook
from heard.brands.queries import brand_book
from heard.clock import Clock
from heard.conversations.brand_posts import StoredBrandPosts
from heard.conversations.stored import StoredPostIndex
from heard.incidents.batch import SessionIncidents
from heard.pipeline.attribute import Attribute
from heard.pipeline.dedupe import Dedupe
from heard.pipeline.detect import Detect, SpikeDetector
from heard.pipeline.group import Embedder, Group
from heard.pipeline.normalize import Normalize
from heard.pipeline.ports import BatchPorts
from heard.pipeline.stage import Stage
from heard.pipeline.understand import Understand
from heard.radar.radar import Radar


def default_stages(
    embedder: Embedder,
    brand_terms: Sequence[str] = (),
    radar: SpikeDetector | None = None,
    detect: bool = True,
    clock: Clock | None = None,
    brands: Callable[[], BrandBook] | None = None,
) -> list[Stage]:
    """normalize -> dedupe -> understand -> group -> detect.

    Group goes after understanding so that it sees `post.complaint`; detect goes last so that it counts posts
    by topic and incident too. `brand_terms` (settings.brand_handles) are ignored when comparing texts. Without
    `detect` the list ends at group (the radar runs in its own process: `heard.workers.radar`).
    `clock` is how the radar tells history (learnt from, never alerted on) from news; `brands` gives the brands
    posts are attributed to (right after normalize, so every later stage and the store see them).
    """
    stages: list[Stage] = [Normalize()]
    if brands is not None:
        stages.append(Attribute(brands))
    stages += [Dedupe(), Understand(), Group(embedder)]
    if detect:
        stages.append(Detect(radar if radar is not None else Radar(brand_terms, clock=clock)))
    return stages


def store_ports(session: Session, embedder: Embedder) -> BatchPorts:
    """The ports of one batch, bound to its transaction: dedupe and brand parents read the stored posts, and
    grouping opens incidents in the same transaction (linked after the store step: `incidents.batch.link_batch`)."""
    return BatchPorts(
        seen=StoredPostIndex(session),
        brand_posts=StoredBrandPosts(session),
        incidents=SessionIncidents(session, embedder.name),
    )


def record_detections(stages: Sequence[Stage], session: Session, now: datetime) -> None:
    """Store what the detect stage found in this batch (alerts, hashtag proposals) in the batch's transaction."""
    for stage in stages:
        if not isinstance(stage, Detect):
            continue
        record_spikes(session, stage.drain(), now)
        radar = stage.detector
        if isinstance(radar, Radar) and radar.proposals:
            record_proposals(session, radar.proposals, now)
            radar.proposals.clear()


def stored_brands(sessions: Callable[[], Session]) -> Callable[[], BrandBook]:
    """A brand provider for `default_stages`: the brands as stored now."""

    def load() -> BrandBook:
        with sessions() as session:
            return brand_book(session)

    return load
