"""The pipeline's stage list, in order. Each feature that adds a stage adds it here, once."""

from __future__ import annotations

from heard.pipeline.dedupe import Dedupe, SeenIndex
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import Stage
from heard.pipeline.understand import Understand


def default_stages(seen: SeenIndex) -> list[Stage]:
    """normalize -> dedupe -> (understand -> group -> detect, as those features land)."""
    return [Normalize(), Dedupe(seen), Understand()]
