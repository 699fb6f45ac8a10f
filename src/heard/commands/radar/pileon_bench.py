"""`heard bench pileon`: how many seconds after a pile-on starts does Heard alert, and how often does it cry wolf.

Synthetic brands post at Poisson rates from 1 a minute to 5 a second with a daily cycle (+-50%). Baseline posts
are new complaints and questions, a third of them replies within their own small conversation, some with common
hashtags. A pile-on is one complaint that distinct new authors reply to, quote and "same here", at a rate that
steps (or ramps over 10 minutes) to 5-10x the brand's baseline, for 30-60 minutes, half of them with a new
hashtag. Every post goes through the live pipeline stages (normalize, detect); an hourly-window comparator (last
hour against the mean of the previous 12, as commercial listening tools document) watches the same series in the
same process. The first day of each brand is warm-up; alerts from then on are judged true when they are on the
pile-on's thread, hashtag or brand between its onset and an hour after it ends, else false.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from heard.clock import FrozenClock
from heard.pipeline.detect import Detect
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import Stage, StageContext, run_stages
from heard.posts import Post, RawPost
from heard.radar.radar import Radar
from heard.radar.spike import Sensitivity

RATES_PER_S = (1 / 60, 0.05, 0.2, 1.0, 5.0)
_START = datetime(2026, 3, 2, tzinfo=UTC)
_COMMON_TAGS = ("help", "customerservice", "fail", "delay", "refund", "support", "travel", "app")
_GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class PileOn:
    brand: str
    onset: datetime
    end: datetime
    root_id: str
    hashtag: str

    def covers(self, key: str, at: datetime) -> bool:
        related = key in (f"thread:x:{self.root_id}", f"hashtag:#{self.hashtag}", f"brand:{self.brand}")
        return related and self.onset <= at <= self.end + _GRACE


@dataclass
class Outcome:
    """Alerts of one detector over the bench: delays of caught pile-ons, misses, and false alerts."""

    delays: list[float] = field(default_factory=list)
    missed: int = 0
    false_alerts: int = 0
    false_by_series: dict[str, int] = field(default_factory=dict)

    def summary(self, brand_weeks: float) -> dict[str, object]:
        ordered = sorted(self.delays)
        return {
            "p50_delay_s": _quantile(ordered, 0.5),
            "p95_delay_s": _quantile(ordered, 0.95),
            "caught": len(ordered),
            "missed": self.missed,
            "false_alerts": self.false_alerts,
            "false_alerts_by_series": dict(sorted(self.false_by_series.items())),
            "false_alerts_per_brand_week": round(self.false_alerts / brand_weeks, 3) if brand_weeks else None,
        }


def _quantile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    if len(ordered) == 1:
        return round(ordered[0], 1)
    return round(statistics.quantiles(ordered, n=100, method="inclusive")[round(q * 100) - 1], 1)


def _rate(base: float, when: datetime) -> float:
    hour = when.hour + when.minute / 60.0
    return base * (1.0 + 0.5 * math.sin(2 * math.pi * (hour - 9.0) / 24.0))


def synth_brand(brand: str, base: float, days: float, rng: np.random.Generator) -> tuple[list[RawPost], list[PileOn]]:
    """One brand's posts in time order, and the pile-ons hidden in them."""
    posts: list[RawPost] = []
    pileons = _plan_pileons(brand, days, rng)
    minutes = int(days * 1440)
    counter = 0
    for minute in range(minutes):
        start = _START + timedelta(minutes=minute)
        for offset in np.sort(rng.uniform(0, 60, rng.poisson(_rate(base, start) * 60.0))):
            counter += 1
            posts.append(_baseline_post(brand, counter, start + timedelta(seconds=float(offset)), rng))
        for pile in pileons:
            counter = _pileon_minute(posts, pile, base, start, counter, rng)
    posts.sort(key=lambda p: p.created_at)
    return posts, pileons


def _plan_pileons(brand: str, days: float, rng: np.random.Generator) -> list[PileOn]:
    plans: list[PileOn] = []
    hour = 30.0
    while hour < days * 24 - 3:
        onset = _START + timedelta(hours=hour)
        length = timedelta(minutes=float(rng.uniform(30, 60)))
        plans.append(PileOn(brand, onset, onset + length, f"{brand}-root-{len(plans)}", f"{brand}fail{len(plans)}"))
        hour += float(rng.uniform(6, 12))
    return plans


def _baseline_post(brand: str, n: int, when: datetime, rng: np.random.Generator) -> RawPost:
    tag = f" #{_COMMON_TAGS[int(rng.integers(len(_COMMON_TAGS)))]}" if rng.random() < 0.3 else ""
    # A third of posts are follow-ups in a recent conversation: by its customer, now and then by someone else.
    opener = n - int(rng.integers(1, 30))
    opener -= opener % 3
    reply_to = f"{brand}-{opener}" if n % 3 == 1 and opener > 0 else None
    author = f"{brand}-a{opener}" if reply_to and rng.random() < 0.9 else f"{brand}-a{n}"
    return RawPost(
        network="x",
        external_id=f"{brand}-{n}",
        author_id=author,
        author_handle="someone",
        text=f"@{brand} my order is late again{tag}",
        created_at=when,
        in_reply_to=reply_to,
        author_followers=int(rng.integers(0, 2000)),
    )


def _pileon_minute(
    posts: list[RawPost], pile: PileOn, base: float, start: datetime, counter: int, rng: np.random.Generator
) -> int:
    """Add the pile-on's posts falling in the minute from `start` (in 10-second slices, from its exact onset)."""
    if not (pile.onset - timedelta(minutes=1) < start <= pile.end):
        return counter
    if start <= pile.onset < start + timedelta(minutes=1):
        posts.append(
            RawPost("x", pile.root_id, f"{pile.brand}-victim", "victim", f"@{pile.brand} lost my bag", pile.onset)
        )
    magnitude = 5.0 + 5.0 * ((sum(map(ord, pile.root_id)) % 100) / 100.0)
    ramp = pile.root_id[-1] in "13579"
    for slice_ in range(6):
        lo = max(start + timedelta(seconds=10 * slice_), pile.onset)
        hi = min(start + timedelta(seconds=10 * (slice_ + 1)), pile.end)
        if hi <= lo:
            continue
        grown = min((lo - pile.onset).total_seconds() / 600.0, 1.0) if ramp else 1.0
        extra = (magnitude - 1.0) * grown * _rate(base, lo) * (hi - lo).total_seconds()
        for offset in np.sort(rng.uniform(0, (hi - lo).total_seconds(), rng.poisson(extra))):
            counter += 1
            posts.append(_pileon_post(pile, counter, lo + timedelta(seconds=float(offset)), rng))
    return counter


def _pileon_post(pile: PileOn, n: int, when: datetime, rng: np.random.Generator) -> RawPost:
    tag = f" #{pile.hashtag}" if rng.random() < 0.5 else ""
    return RawPost(
        network="x",
        external_id=f"{pile.brand}-p{n}",
        author_id=f"{pile.brand}-new{n}",
        author_handle="angry",
        text=f"@{pile.brand} same here, this is a disgrace{tag}",
        created_at=when,
        in_reply_to=pile.root_id,
        author_followers=int(rng.integers(0, 5000)),
    )


class HourlyComparator:
    """What commercial tools do: at each hour's end, alert on a series whose last hour is at least twice the
    mean of the 12 before it (and at least 10 posts)."""

    def __init__(self) -> None:
        self._hours: dict[str, deque[int]] = defaultdict(lambda: deque([0] * 13, maxlen=13))
        self._hour: datetime | None = None
        self._touched: set[str] = set()

    def observe(self, keys: list[str], when: datetime) -> Iterator[tuple[str, datetime]]:
        hour = when.replace(minute=0, second=0, microsecond=0)
        if self._hour is None:
            self._hour = hour
        while hour > self._hour:
            yield from self._close(self._hour + timedelta(hours=1))
            self._hour += timedelta(hours=1)
        for key in keys:
            self._hours[key][-1] += 1
            self._touched.add(key)

    def _close(self, boundary: datetime) -> Iterator[tuple[str, datetime]]:
        for key in list(self._touched):
            counts = self._hours[key]
            last, before = counts[-1], list(counts)[:-1]
            mean = sum(before) / 12.0
            if last >= 10 and last >= 2.0 * mean:
                yield key, boundary
            counts.append(0)
            if not any(counts):
                self._touched.discard(key)
                del self._hours[key]


def _judge(alerts: list[tuple[str, datetime]], pileons: list[PileOn], warm_until: datetime, outcome: Outcome) -> None:
    first: dict[int, float] = {}
    for key, at in alerts:
        if at < warm_until:
            continue
        hits = [i for i, pile in enumerate(pileons) if pile.covers(key, at)]
        if not hits:
            outcome.false_alerts += 1
            kind = key.split(":", 1)[0]
            outcome.false_by_series[kind] = outcome.false_by_series.get(kind, 0) + 1
        for i in hits:
            delay = max((at - pileons[i].onset).total_seconds(), 0.0)
            first[i] = min(first.get(i, delay), delay)
    outcome.delays.extend(first.values())
    outcome.missed += len(pileons) - len(first)


def run_brand(
    base: float, days: float, seed: int, sensitivity: Sensitivity, batch_s: float = 1.0
) -> tuple[list[tuple[str, datetime]], list[tuple[str, datetime]], list[PileOn], int]:
    """Replay one synthetic brand; (radar alerts, hourly alerts, pile-ons, posts)."""
    from heard.radar.keys import ThreadRoots, brand_of, series_keys

    brand = f"brand{seed}"
    raws, pileons = synth_brand(brand, base, days, np.random.default_rng(seed))
    clock = FrozenClock(_START)
    radar = Radar([brand], sensitivity=sensitivity, clock=clock)
    detect = Detect(radar)
    stages: list[Stage] = [Normalize(), detect]
    hourly, roots = HourlyComparator(), ThreadRoots()
    ours: list[tuple[str, datetime]] = []
    theirs: list[tuple[str, datetime]] = []
    for batch in _batches(raws, batch_s):
        clock.set(batch[-1].created_at)
        posts = run_stages(stages, [Post(raw=r, text=r.text) for r in batch], StageContext(now=clock.now()))
        ours.extend((s.series_key, s.at) for s in detect.drain() if not s.ongoing)
        for post in posts:
            keys = series_keys(post, brand_of(post, radar.brand_handles), roots.root_of(post))
            theirs.extend(hourly.observe(keys, post.created_at))
    return ours, theirs, pileons, len(raws)


def _batches(raws: list[RawPost], batch_s: float) -> Iterator[list[RawPost]]:
    """Posts grouped as the worker would take them: whatever arrived within `batch_s` seconds."""
    batch: list[RawPost] = []
    for raw in raws:
        if batch and (raw.created_at - batch[0].created_at).total_seconds() >= batch_s:
            yield batch
            batch = []
        batch.append(raw)
    if batch:
        yield batch


def run_bench(days: float, sensitivity: Sensitivity, seeds: int = 1) -> dict[str, object]:
    ours, theirs = Outcome(), Outcome()
    per_rate: dict[str, list[dict[str, object]]] = {}
    total_posts = 0
    brand_weeks = 0.0
    for seed in range(seeds):
        for i, base in enumerate(RATES_PER_S):
            mine, hourly, pileons, posts = run_brand(base, days, 100 * seed + i, sensitivity)
            warm = _START + timedelta(days=1)
            brand_ours, brand_theirs = Outcome(), Outcome()
            _judge(mine, pileons, warm, brand_ours)
            _judge(hourly, pileons, warm, brand_theirs)
            weeks = (days - 1.0) / 7.0
            per_rate.setdefault(f"{base * 60:g}_per_min", []).append(
                {"heard": brand_ours.summary(weeks), "hourly": brand_theirs.summary(weeks)}
            )
            for total, part in ((ours, brand_ours), (theirs, brand_theirs)):
                total.delays += part.delays
                total.missed += part.missed
                total.false_alerts += part.false_alerts
                for kind, count in part.false_by_series.items():
                    total.false_by_series[kind] = total.false_by_series.get(kind, 0) + count
            total_posts += posts
            brand_weeks += weeks
    return {
        **ours.summary(brand_weeks),
        "hourly": theirs.summary(brand_weeks),
        "by_baseline": per_rate,
        "posts": total_posts,
        "brand_weeks": round(brand_weeks, 3),
        "sensitivity": sensitivity,
    }
