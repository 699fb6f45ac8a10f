"""group: put each complaint into the open incident it resembles, or open a new one.

The stage only chooses which posts to group and turns their text into vectors; what the open incidents are,
and which one a vector joins, is behind the `IncidentMatcher` port (the incidents feature implements it over
the store, tests over memory), which the batch brings in `ctx.ports.incidents`; without one, nothing is grouped
(tools that only clean or judge posts). The chosen incident id is left in `post.extra["incident_id"]` for
whoever stores the post. Brand posts are never grouped, and when the understanding stage has judged a post
(`post.complaint` is set) only complaints are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from heard.pipeline.ports import Grouped
from heard.pipeline.stage import StageContext
from heard.posts import Post
from heard.radar.pileon import says_me_too

INCIDENT_KEY = "incident_id"


class Embedder(Protocol):
    """Turns texts into unit-length rows of one float matrix; equal texts give equal rows."""

    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class Group:
    name = "group"

    def __init__(self, embedder: Embedder, min_complaint: float = 0.5) -> None:
        self._embedder = embedder
        self._min_complaint = min_complaint

    def wants(self, post: Post) -> bool:
        if post.is_brand or not post.text.strip():
            return False
        if (post.raw.in_reply_to or post.raw.quote_of) and says_me_too(post.text):
            return True  # "same here" under a complaint: it joins that complaint's incident, whatever it says
        return post.complaint is None or post.complaint >= self._min_complaint

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        matcher = ctx.ports.incidents
        chosen = [p for p in posts if self.wants(p)]
        if matcher is None or not chosen:
            return posts
        vectors = self._embedder.embed([p.text for p in chosen])
        ids = matcher.assign(vectors, [Grouped.of(p) for p in chosen], ctx.now)
        for post, incident_id in zip(chosen, ids, strict=True):
            if incident_id is not None:
                post.extra[INCIDENT_KEY] = incident_id
        return posts
