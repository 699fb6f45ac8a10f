"""`heard radar replay`: a count series (Numenta's `timestamp,value`, value = posts in the interval) fed as one
brand's posts into the live radar, with its live settings and a clock that follows the posts.

Each row's value becomes that many posts spread evenly over the row's interval (the gap to the next row), each
from a new author mentioning the brand, so the radar counts them in the brand's series exactly as it counts a live
brand's posts: the same warm-up, budget and cooldown. Because the clock is the posts' own time, a replay raises the
alerts the live radar would have raised, whatever the speed. Series whose values are too large to replay post by
post in reasonable time are scaled down by a whole factor (`scale`: one post per `scale` units), and say so.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from heard.clock import FrozenClock
from heard.posts import Post, RawPost
from heard.radar.radar import Radar
from heard.radar.spike import Sensitivity, Spike

#: Posts a replay makes at most before it scales the values down (about a minute of radar time per file).
MAX_POSTS = 400_000


@dataclass(frozen=True, slots=True)
class Replayed:
    """The spikes the radar opened (not their updates), how many posts were fed, and the scale used."""

    spikes: list[Spike]
    posts: int
    scale: int


def scale_for(values: Sequence[float], max_posts: int = MAX_POSTS) -> int:
    """One post per this many units, so the whole series makes at most `max_posts` posts."""
    total = sum(max(v, 0.0) for v in values if math.isfinite(v))
    return max(1, math.ceil(total / max_posts))


def as_posts(brand: str, times: Sequence[datetime], values: Sequence[float], scale: int = 1) -> Iterator[Post]:
    """Each row's count as that many posts spread evenly over its interval, in time order."""
    serial = 0
    for i, (when, value) in enumerate(zip(times, values, strict=True)):
        gap = (times[i + 1] - when) if i + 1 < len(times) else (when - times[i - 1] if i else timedelta(minutes=5))
        count = round(max(value, 0.0) / scale) if math.isfinite(value) else 0
        for k in range(count):
            serial += 1
            at = when + gap * ((k + 0.5) / count)
            raw = RawPost("replay", f"r{serial}", f"a{serial}", f"a{serial}", f"@{brand} post {serial}", at)
            yield Post(raw=raw, text=raw.text, mentions=(brand,))


def replay(
    times: Sequence[datetime],
    values: Sequence[float],
    brand: str = "replay",
    sensitivity: Sensitivity = "normal",
    max_posts: int = MAX_POSTS,
) -> Replayed:
    """Feed the series into a fresh live radar; the spikes it opened."""
    scale = scale_for(values, max_posts)
    clock = FrozenClock(times[0] if times else None)
    radar = Radar([brand], sensitivity=sensitivity, clock=clock)
    spikes: list[Spike] = []
    posts = 0
    for post in as_posts(brand, times, values, scale):
        clock.set(post.created_at)
        posts += 1
        spikes.extend(s for s in radar.observe(post) if not s.ongoing)
    return Replayed(spikes, posts, scale)
