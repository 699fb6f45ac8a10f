"""New hashtag discovery: tags whose use alongside the brand, its products or complaints is rising.

Every post Heard ingests is already about the brand (it came through a listening rule), so each hashtag on it
co-occurs with the brand; complaints weigh double. Per tag it keeps decayed counts over an hour and over a day,
when it was first seen, the distinct authors (capped) and a few example posts. A tag is proposed when its hourly
rate runs well above its daily rate (growth) with enough posts from enough people, and it is not already known.
Memory is bounded: at most `capacity` tags are tracked; the least used is forgotten first (space-saving).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from heard.posts import COMPLAINT_AT

_FAST_TAU = 3600.0
_SLOW_TAU = 86_400.0
_EXAMPLES = 3
_AUTHORS = 64


@dataclass(frozen=True, slots=True)
class HashtagProposal:
    """A hashtag worth listening to, with the evidence for it."""

    tag: str
    first_seen: datetime
    posts: float
    authors: int
    growth: float
    complaint_share: float
    examples: tuple[str, ...]
    #: The brand of the post that made the tag worth proposing (the radar's brand key), so each brand sees its own.
    brand: str | None = None


@dataclass(slots=True)
class _TagStats:
    first_seen: datetime
    last: datetime
    fast: float = 0.0
    slow: float = 0.0
    complaints: float = 0.0
    total: float = 0.0
    authors: set[str] = field(default_factory=set)
    examples: list[str] = field(default_factory=list)
    proposed: bool = False

    def decay(self, when: datetime) -> None:
        gap = (when - self.last).total_seconds()
        if gap > 0:
            self.fast *= math.exp(-gap / _FAST_TAU)
            self.slow *= math.exp(-gap / _SLOW_TAU)
            self.last = when


class HashtagDiscovery:
    """Tracks hashtag use and proposes rising ones. `known` tags (already in the listening rules) are skipped."""

    def __init__(
        self, known: set[str] | None = None, capacity: int = 2000, min_posts: int = 5, min_growth: float = 4.0
    ) -> None:
        self.known = {t.lower().lstrip("#") for t in known or set()}
        self._tags: dict[str, _TagStats] = {}
        self._capacity = capacity
        self._min_posts = min_posts
        self._min_growth = min_growth

    def observe(
        self, when: datetime, tags: tuple[str, ...], post_key: str, author: str, complaint: float | None = None
    ) -> list[HashtagProposal]:
        proposals = []
        weight = 2.0 if complaint is not None and complaint >= COMPLAINT_AT else 1.0
        for raw in dict.fromkeys(t.lower().lstrip("#") for t in tags):
            if not raw or raw in self.known or len(raw) > 100:
                continue
            stats = self._stats(raw, when)
            stats.decay(when)
            stats.fast += weight
            stats.slow += weight
            stats.total += 1.0
            stats.complaints += 1.0 if weight > 1 else 0.0
            if len(stats.authors) < _AUTHORS:
                stats.authors.add(author)
            if len(stats.examples) < _EXAMPLES:
                stats.examples.append(post_key)
            proposal = self._judge(raw, stats, when)
            if proposal is not None:
                proposals.append(proposal)
        return proposals

    def _stats(self, tag: str, when: datetime) -> _TagStats:
        stats = self._tags.get(tag)
        if stats is None:
            if len(self._tags) >= self._capacity:
                weakest = min(self._tags, key=lambda t: self._tags[t].slow)
                del self._tags[weakest]
            stats = self._tags[tag] = _TagStats(first_seen=when, last=when)
        return stats

    def _judge(self, tag: str, stats: _TagStats, when: datetime) -> HashtagProposal | None:
        if stats.proposed or stats.total < self._min_posts or len(stats.authors) < min(self._min_posts, 3):
            return None
        hourly = stats.fast / (_FAST_TAU / 3600.0)
        age_h = max((when - stats.first_seen).total_seconds() / 3600.0, 1.0)
        daily_per_hour = stats.slow / min(age_h * 1.0, _SLOW_TAU / 3600.0) if age_h > 1.0 else stats.slow / 24.0
        growth = hourly / max(daily_per_hour, 1.0 / 24.0)
        if growth < self._min_growth:
            return None
        stats.proposed = True
        return HashtagProposal(
            tag="#" + tag,
            first_seen=stats.first_seen,
            posts=stats.total,
            authors=len(stats.authors),
            growth=round(growth, 2),
            complaint_share=round(stats.complaints / max(stats.total, 1.0), 3),
            examples=tuple(stats.examples),
        )

    def accept(self, tag: str) -> None:
        """The tag joined the listening rules: stop proposing it."""
        self.known.add(tag.lower().lstrip("#"))
        self._tags.pop(tag.lower().lstrip("#"), None)
