"""The pipeline's stage list, in order. Each feature that adds a stage adds it here, once."""

from __future__ import annotations

from heard.pipeline.dedupe import Dedupe, SeenIndex
from heard.pipeline.detect import Detect, SpikeDetector
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import Stage


def default_stages(seen: SeenIndex, radar: SpikeDetector | None = None) -> list[Stage]:
    """normalize -> dedupe -> (understand -> group, as those features land) -> detect."""
    stages: list[Stage] = [Normalize(), Dedupe(seen)]
    if radar is not None:
        stages.append(Detect(radar))
    return stages
