"""The radar: every series' detectors, fed one post at a time, raising Spikes. Pure and in memory.

For each series key (brand, hashtag, topic, incident, thread) it keeps a `BurstCounter` (the seconds-fast
Poisson burst test) and, for all but threads, a `SeriesDetector` over 5-minute counts (the same detector
`heard detect` runs on NAB). Threads also keep a `ThreadPileOn`. A spike opens when a detector fires, then stays
open (updates are `ongoing`, severity growing) until `cooldown_s` passes with no further firing. The number of
series kept is capped; the least recently used is forgotten first, so memory is bounded however many keys come.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from heard.clock import Clock, SystemClock
from heard.posts import Post
from heard.radar.burst import BurstCounter, poisson_sf, threshold
from heard.radar.hashtags import HashtagDiscovery, HashtagProposal
from heard.radar.keys import ThreadRoots, brand_of, grievance, series_keys
from heard.radar.pileon import PileOnState, ThreadPileOn, says_me_too
from heard.radar.series import DetectorConfig, SeriesDetector
from heard.radar.spike import BURST_PRESETS, Sensitivity, Spike

BUCKET_S = 300.0
_WARMUP_S = 3600.0
#: A post older than this (against the radar's clock) when it is observed is history: a back-fill, an import, a
#: first load. It is learnt from (rates, thread roots) but raises nothing: it is not news any more.
LIVE_LAG_S = 3600.0
_MAX_BRANDS = 10_000
_MAX_EVIDENCE = 25
_LEAD_POSTS = 10
#: Post counts keep the offset model (half-hour and weekday offsets): it carries weekly seasonality and stays
#: small per series; the time-of-day profile is for value streams (NAB), where it was measured.
COUNT_CONFIG = DetectorConfig(counts=True, profile_alpha=0.0)


@dataclass(slots=True)
class _OpenSpike:
    started_at: datetime
    last_fired: datetime
    peak: float
    post_keys: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Series:
    burst: BurstCounter = field(default_factory=BurstCounter)
    volume: SeriesDetector | None = None
    bucket_start: datetime | None = None
    bucket_count: int = 0
    pileon: ThreadPileOn | None = None
    open: _OpenSpike | None = None
    #: Event time of the first post counted, and how many were counted: the volume warm-up (a baseline).
    first_seen: datetime | None = None
    counted: int = 0
    #: The last few posts counted, so a spike's evidence includes the posts that led up to it.
    recent: deque[str] = field(default_factory=lambda: deque(maxlen=_LEAD_POSTS))


class Radar:
    """All series of one Heard installation. `observe` a post, get the spikes it opened or updated."""

    def __init__(
        self,
        brand_handles: Iterable[str] = (),
        sensitivity: Sensitivity = "normal",
        clock: Clock | None = None,
        capacity: int = 50_000,
        known_hashtags: set[str] | None = None,
    ) -> None:
        self.brand_handles = frozenset(h.lower().lstrip("@") for h in brand_handles)
        self.preset = BURST_PRESETS[sensitivity]
        self._bucket_p = self.preset.false_alarms_per_week * BUCKET_S / (7 * 86_400.0)
        self.clock = clock or SystemClock()
        self.hashtags = HashtagDiscovery(known_hashtags)
        self.proposals: list[HashtagProposal] = []
        self._series: OrderedDict[str, _Series] = OrderedDict()
        self._roots = ThreadRoots()
        self._capacity = capacity
        #: Per brand, the rate at which new people join any of its threads: how many times a week thread
        #: pile-ons are judged, so the whole brand (not each thread) keeps the false-alarm budget.
        self._joins: OrderedDict[str, BurstCounter] = OrderedDict()
        self._thread_brand: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._series)

    def observe(self, post: Post) -> list[Spike]:
        """Count one post in each of its series; return the spikes it opened or made worse."""
        when = post.created_at
        live = (self.clock.now() - when).total_seconds() <= LIVE_LAG_S
        root = self._roots.root_of(post)
        brand = brand_of(post, self.brand_handles)
        keys = series_keys(post, brand, root)
        if not post.is_brand and live:
            found = self.hashtags.observe(when, post.hashtags, post.key, post.raw.author_id, post.complaint)
            self.proposals.extend(replace(p, brand=brand) for p in found)
        spikes = []
        for key in keys:
            series = self._get(key, root)
            if series.pileon is not None and key not in self._thread_brand:
                # A thread is filed under the brand its first counted post addressed, the complaint's brand.
                self._thread_brand[key] = brand
                while len(self._thread_brand) > self._capacity:
                    self._thread_brand.popitem(last=False)
            joins = None
            if series.pileon is not None and not post.is_brand and self._joins_friendly(root, post):
                continue
            if series.pileon is not None:
                fresh = series.pileon.add(when, post.raw.author_id, post.is_brand, post.text, post.raw.author_followers)
                if not fresh:
                    continue
                joins = self._brand_joins(brand)
            elif post.is_brand:
                continue
            spike = self._count(key, series, when, post.key, live, joins)
            if spike is not None:
                spike.evidence["brand"] = self._thread_brand.get(key, brand)
                spikes.append(spike)
        return spikes

    def _joins_friendly(self, root: str | None, post: Post) -> bool:
        """A pile-on is people joining a grievance: those who join a friendly thread (a brand's banter, a
        customer's praise) with friendly posts are a conversation, however many they are."""
        if root is None or not self._roots.friendly(root):
            return False
        return grievance(post) is not True and not says_me_too(post.text)

    def thread_state(self, thread_root: str) -> PileOnState | None:
        series = self._series.get(f"thread:{thread_root}")
        if series is None or series.pileon is None:
            return None
        return series.pileon.state(self.clock.now())

    def _get(self, key: str, root: str | None) -> _Series:
        series = self._series.get(key)
        if series is None:
            series = _Series()
            if key.startswith("thread:"):
                series.pileon = ThreadPileOn(key, self._roots.author_of(key.removeprefix("thread:")))
            else:
                series.volume = SeriesDetector(COUNT_CONFIG)
            self._series[key] = series
            while len(self._series) > self._capacity:
                self._series.popitem(last=False)
        else:
            self._series.move_to_end(key)
        return series

    def _brand_joins(self, brand: str) -> BurstCounter:
        joins = self._joins.get(brand)
        if joins is None:
            joins = self._joins[brand] = BurstCounter()
            while len(self._joins) > _MAX_BRANDS:
                self._joins.popitem(last=False)
        else:
            self._joins.move_to_end(brand)
        return joins

    def _count(
        self,
        key: str,
        series: _Series,
        when: datetime,
        post_key: str,
        live: bool = True,
        joins: BurstCounter | None = None,
    ) -> Spike | None:
        if series.first_seen is None or when < series.first_seen:
            series.first_seen = when
        if not live:
            self._roll_buckets(series, when)
            series.burst.learn(when)
            series.bucket_count += 1
            series.counted += 1
            if joins is not None:
                joins.learn(when)
            return None
        volume_score = self._roll_buckets(series, when)
        p, observed, expected = series.burst.surprise(when)
        rate = series.burst.expected_rate(when)
        if joins is not None:
            # A thread is new by nature and judged against the prior, but it is one of all the brand's threads:
            # the test runs each time someone joins any of them, so the budget is spread over those joins.
            rate = max(rate, joins.expected_rate(when))
            joins.add(when)
            warm, fewest = True, self.preset.min_people
        else:
            # Other series need a baseline of their own first: history in event time and enough posts.
            aged = (when - series.first_seen).total_seconds() >= self.preset.warmup_s
            warm = aged and series.counted >= self.preset.warmup_posts and series.burst.watched_s >= _WARMUP_S
            fewest = self.preset.min_posts
        if not warm:
            volume_score = 0.0
        limit = threshold(self.preset.false_alarms_per_week, rate)
        fired = warm and p <= limit and observed >= fewest
        in_spike = series.open is not None and (when - series.open.last_fired).total_seconds() < self.preset.cooldown_s
        series.burst.add(when)
        series.bucket_count += 1
        series.counted += 1
        series.recent.append(post_key)
        if (fired or volume_score >= 0.9) and series.pileon is None and self._explained_by_pileon(series, when):
            # Most of what this series just counted is one thread's pile-on, already raised as such: one event,
            # one alert, with one count of people.
            fired, volume_score = False, 0.0
        if not fired and volume_score < 0.9:
            if in_spike and series.open is not None and series.pileon is not None:
                # Every person joining an open pile-on updates it, so its count of people is the thread's own.
                joined: dict[str, object] = {"p": p, "volume_score": 0.0, "window": "joined"}
                joined.update(_pileon_evidence(series.pileon.state(when)))
                return self._grow(key, series.open, when, post_key, observed, expected, 0.0, joined)
            if in_spike and series.open is not None and len(series.open.post_keys) < _MAX_EVIDENCE:
                series.open.post_keys.append(post_key)
            return None
        severity = _severity(p, observed, expected)
        evidence: dict[str, object] = {
            "p": p,
            "volume_score": round(volume_score, 4),
            "window": "burst" if fired else "5min",
        }
        if series.pileon is not None:
            state = series.pileon.state(when)
            evidence.update(_pileon_evidence(state))
        if in_spike and series.open is not None:
            return self._grow(key, series.open, when, post_key, observed, expected, severity, evidence)
        lead = list(series.recent)
        series.open = _OpenSpike(when, when, severity, lead)
        kind = "pileon" if series.pileon is not None else "volume"
        return Spike(
            kind, key, when, when, observed, round(expected, 4), 1.0 - p, severity, False, tuple(lead), evidence
        )

    def _explained_by_pileon(self, series: _Series, when: datetime) -> bool:
        piled = 0
        for post_key in series.recent:
            root = self._roots._roots.get(post_key)
            thread = self._series.get(f"thread:{root}") if root is not None else None
            opened = thread.open if thread is not None else None
            if opened is not None and (when - opened.last_fired).total_seconds() < self.preset.cooldown_s:
                piled += 1
        return piled * 2 >= len(series.recent) > 0

    def _grow(
        self,
        key: str,
        open_: _OpenSpike,
        when: datetime,
        post_key: str,
        observed: float,
        expected: float,
        severity: float,
        evidence: dict[str, object],
    ) -> Spike:
        # A late post (a network delivering out of order, a backfill) may be older than the spike it joins.
        lasted_min = max((when - open_.started_at).total_seconds(), 0.0) / 60.0
        grown = max(open_.peak, min(1.0, severity + 0.02 * math.log1p(lasted_min)))
        open_.peak, open_.last_fired = grown, when
        if len(open_.post_keys) < _MAX_EVIDENCE:
            open_.post_keys.append(post_key)
        kind = "pileon" if key.startswith("thread:") else "volume"
        spike = Spike(kind, key, when, open_.started_at, observed, round(expected, 4), 1.0, grown, True)
        return replace(spike, post_keys=tuple(open_.post_keys), evidence=evidence)

    def _roll_buckets(self, series: _Series, when: datetime) -> float:
        """Close the 5-minute buckets that ended before `when` and score them; the best score of those closed."""
        if series.volume is None:
            return 0.0
        if series.bucket_start is None:
            series.bucket_start = when
            return 0.0
        best = 0.0
        step = timedelta(seconds=BUCKET_S)
        closed = 0
        while when - series.bucket_start >= step and closed < 288:
            expected = max(series.volume.expected(series.bucket_start), 0.0)
            score = series.volume.update(series.bucket_start, float(series.bucket_count))
            # The 5-minute score is learnt, not calibrated: it may only fire on a bucket that is also improbable
            # under Poisson (with the burst test's 25% model error), at the preset's false alarms a week.
            improbable = poisson_sf(series.bucket_count, expected * 1.25 + 1e-9) <= self._bucket_p
            if series.bucket_count >= self.preset.min_posts and series.bucket_count > expected and improbable:
                best = max(best, score)
            series.bucket_start += step
            series.bucket_count = 0
            closed += 1
        if when - series.bucket_start >= step:
            series.bucket_start = when
        return best


def _severity(p: float, observed: float, expected: float) -> float:
    """0..1 from how improbable and how big: 5 posts at p 1e-7 is about 0.13, 50 posts at 1e-40 about 0.63."""
    improbable = 1.0 - math.exp(math.log10(max(p, 1e-300)) / 40.0)
    size = 1.0 - math.exp(-max(observed - expected, 0.0) / 50.0)
    return round(max(0.0, min(1.0, 0.5 * improbable + 0.5 * size)), 4)


def _pileon_evidence(state: PileOnState) -> dict[str, object]:
    return {
        "new_authors": state.new_authors,
        "velocity_per_min": state.velocity_per_min,
        "acceleration_per_min2": state.acceleration_per_min2,
        "reach": state.reach,
        "me_too": state.me_too,
        "unanswered_s": state.unanswered_s,
        "joined_over_s": state.joined_over_s,
        "urgency": state.urgency,
    }
