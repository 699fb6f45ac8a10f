"""The pipeline's stage list, in order. Each feature that adds a stage adds it here, once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from heard.alerts.actions import record_proposals, record_spikes
from heard.pipeline.dedupe import Dedupe, SeenIndex
from heard.pipeline.detect import Detect, SpikeDetector
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import Stage
from heard.radar.radar import Radar


def default_stages(seen: SeenIndex, radar: SpikeDetector | None = None) -> list[Stage]:
    """normalize -> dedupe -> (understand -> group, as those features land) -> detect."""
    return [Normalize(), Dedupe(seen), Detect(radar if radar is not None else Radar())]


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
