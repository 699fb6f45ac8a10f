"""The pipeline's stage list, in order. Each feature that adds a stage adds it here, once."""

from __future__ import annotations

from collections.abc import Sequence

from heard.incidents.batch import BatchIncidents
from heard.incidents.embedders import make_embedder
from heard.pipeline.dedupe import Dedupe, SeenIndex
from heard.pipeline.group import Embedder, Group, IncidentMatcher
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import Stage
from heard.pipeline.understand import Understand


def default_stages(
    seen: SeenIndex,
    incidents: IncidentMatcher | None = None,
    embedder: Embedder | None = None,
    brand_terms: Sequence[str] = (),
) -> list[Stage]:
    """normalize -> dedupe -> understand -> group -> (detect, as that feature lands).

    Group goes after understanding so that it sees `post.complaint`. Without a matcher, grouping runs inside
    the batch transaction when the index carries the batch's session (the pipeline worker's does), and not at
    all otherwise (tools that only clean posts). `brand_terms` (settings.brand_handles) are ignored when
    comparing texts.
    """
    stages: list[Stage] = [Normalize(), Dedupe(seen), Understand()]
    chosen = embedder or make_embedder(brand_terms=brand_terms)
    if incidents is None and hasattr(seen, "session"):
        incidents = BatchIncidents(lambda: getattr(seen, "session", None), chosen)
    if incidents is not None:
        stages.append(Group(chosen, incidents))
    return stages
