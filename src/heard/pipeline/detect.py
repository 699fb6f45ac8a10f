"""detect: count each post in its series (brand, hashtag, topic, incident, thread) and collect the spikes.

The state lives in the radar's detectors, reached through the small `SpikeDetector` protocol, so the stage
itself holds nothing. Posts go on unchanged, except that a post that opened or grew a spike carries the series
keys in `post.extra["spikes"]`; the spikes themselves wait in `pending` for the worker to store as alerts.
"""

from __future__ import annotations

from typing import Protocol

from heard.pipeline.stage import StageContext
from heard.posts import Post
from heard.radar.spike import Spike


class SpikeDetector(Protocol):
    def observe(self, post: Post) -> list[Spike]:
        """Count one post; return the spikes it opened or updated."""
        ...


class Detect:
    """The detect stage. `drain()` hands over the spikes found since the last call."""

    name = "detect"

    def __init__(self, detector: SpikeDetector) -> None:
        self.detector = detector
        self.pending: list[Spike] = []

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        for post in sorted(posts, key=lambda p: p.created_at):
            spikes = self.detector.observe(post)
            if spikes:
                post.extra["spikes"] = [s.series_key for s in spikes]
                self.pending.extend(spikes)
        return posts

    def drain(self) -> list[Spike]:
        spikes, self.pending = self.pending, []
        return spikes
