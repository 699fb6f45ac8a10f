"""The pipeline's stage list, in order. Each feature that adds a stage adds it here, once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from heard.alerts.actions import record_proposals, record_spikes
from heard.conversations.brand_posts import StoredBrandPosts
from heard.incidents.batch import BatchIncidents
from heard.incidents.embedders import make_embedder
from heard.pipeline.dedupe import Dedupe, SeenIndex
from heard.pipeline.detect import Detect, SpikeDetector
from heard.pipeline.group import Embedder, Group, IncidentMatcher
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import Stage
from heard.pipeline.understand import Understand
from heard.radar.radar import Radar


def default_stages(
    seen: SeenIndex,
    incidents: IncidentMatcher | None = None,
    embedder: Embedder | None = None,
    brand_terms: Sequence[str] = (),
    radar: SpikeDetector | None = None,
    detect: bool = True,
) -> list[Stage]:
    """normalize -> dedupe -> understand -> group -> detect.

    Group goes after understanding so that it sees `post.complaint`; detect goes last so that it counts posts
    by topic and incident too. Without a matcher, grouping runs inside the batch transaction when the index
    carries the batch's session (the pipeline worker's does), and not at all otherwise (tools that only clean
    posts). `brand_terms` (settings.brand_handles) are ignored when comparing texts. Without `detect` the list
    ends at group (the radar runs in its own process: `heard.workers.radar`).
    """

    def current() -> Session | None:
        """The batch transaction's session, when the index carries one (the pipeline worker's does)."""
        return getattr(seen, "session", None)

    stages: list[Stage] = [Normalize(), Dedupe(seen), Understand(stored_brand_posts=StoredBrandPosts(current))]
    chosen = embedder or make_embedder(brand_terms=brand_terms)
    if incidents is None and hasattr(seen, "session"):
        incidents = BatchIncidents(current, chosen)
    if incidents is not None:
        stages.append(Group(chosen, incidents))
    if detect:
        stages.append(Detect(radar if radar is not None else Radar(brand_terms)))
    return stages


def record_detections(stages: Sequence[Stage], session: Session, now: datetime) -> set[int]:
    """Store what the detect stage found in this batch (alerts, hashtag proposals) in the batch's transaction;
    returns the conversations whose place in the queue changed."""
    touched: set[int] = set()
    for stage in stages:
        if not isinstance(stage, Detect):
            continue
        touched |= record_spikes(session, stage.drain(), now).conversation_ids
        radar = stage.detector
        if isinstance(radar, Radar) and radar.proposals:
            record_proposals(session, radar.proposals, now)
            radar.proposals.clear()
    return touched
