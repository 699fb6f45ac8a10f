"""The streaming detector every Heard series runs through, from a brand's post counts to a NAB metric.

`SeriesDetector.update(when, value)` takes one observation, returns an anomaly score in [0, 1] for it, and
keeps O(1) state: it is causal (it scores a value before learning from it) and online. It models:
- level: a slow exponentially weighted mean, updated with clipped (Huber-like) steps so a burst does not drag it;
- time of day: one offset per 30-minute bin of the day (daily seasonality), used only while it predicts better
  than the level alone (both errors are tracked);
- time of week: one offset per day, the same way;
- noise: an exponentially weighted mean absolute residual, and, for counts, the Poisson floor sqrt(expected).
Three surprises are computed at each step (this value, the mean of the last few, the spread of the last few)
and turned into tail probabilities; the smallest (corrected for the three looks) is the raw surprise. Like
Numenta's anomaly likelihood, the raw surprise is then compared with its own recent distribution, so a series
that is always jumpy does not alarm all the time. Value streams (not post counts) also score contextual novelty, in
the spirit of NAB's CAD OSE: the last `context_len` values cut into `context_levels` coarse levels of the range
seen so far form a context, and a context never seen before scores by how rare new contexts have been in this
series (its own running rate of them), so a repetitive series that suddenly shows a new pattern alarms while a
noisy one, which shows new contexts all the time, does not. The seen contexts are bits of a fixed 8 KiB set.
After a detection the score is damped for `cooldown` steps: one alarm per event, not one per step.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from dataclasses import dataclass
from datetime import datetime

_DAY_BINS = 48
_DAY_S = 86_400.0
_CONTEXT_BITS = 1 << 16  # the seen-context set: 8 KiB per value stream


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Tunable constants; `heard.radar.presets` names the combinations users choose from."""

    level_alpha: float = 0.005
    scale_alpha: float = 0.02
    season_alpha: float = 0.1
    short_alpha: float = 0.2
    warmup: int = 30
    cooldown: int = 20
    alarm: float = 0.05
    damp: float = 0.0
    record_decay: float = 0.9999
    record_floor: float = 12.0
    record_k: float = 1.0
    record_warmup: int = 600
    z_clip: float = 50.0
    smooth_alpha: float = 0.05
    novelty_weight: float = 1.0
    novelty_k: float = 0.1
    range_decay: float = 1.0
    counts: bool = False
    #: Time of day as the mean value of each of `profile_bins` bins (288 = 5 minutes), each bin averaged over its
    #: first visits and then tracked with `profile_alpha`; used while it predicts better than the level. 0 turns
    #: it off in favour of the offset model (48 half-hour offsets plus weekday offsets, learnt from residuals).
    profile_alpha: float = 0.2
    profile_bins: int = 288
    #: Contextual novelty for value streams: the last `context_len` values cut into `context_levels` equal bins of the
    #: range seen (laid again, forgetting what was seen, when the range outgrows the grid `context_regrid` times); a
    #: never-seen context scores `1 - rate / context_rate`, where rate is the series' running rate of never-seen
    #: contexts (a mean, then decayed with `context_alpha`). 0 turns it off; post counts (`counts`) never use it.
    context_len: int = 6
    context_levels: int = 8
    context_rate: float = 0.01
    context_alpha: float = 0.001
    context_regrid: float = 2.0


def _tail(z: float) -> float:
    """Two-sided normal tail probability, floored so logs stay finite."""
    return max(math.erfc(abs(z) / math.sqrt(2.0)), 1e-300)


class SeriesDetector:
    """One series' online anomaly detector. Constant memory: a few floats, small seasonal arrays and, for value
    streams, the seen-context bit set."""

    __slots__ = (
        "_bin_err",
        "_bin_mean",
        "_bin_visits",
        "_cfg",
        "_ctx_base",
        "_ctx_count",
        "_ctx_rate",
        "_ctx_recent",
        "_ctx_seen",
        "_ctx_width",
        "_day",
        "_day_err",
        "_flat_err",
        "_hi",
        "_level",
        "_lo",
        "_n",
        "_quiet",
        "_records",
        "_scale",
        "_short",
        "_short_sq",
        "_smooth",
        "_smooth_hi",
        "_smooth_lo",
        "_week",
    )

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self._cfg = config or DetectorConfig()
        self._n = 0
        self._level = 0.0
        self._scale = 0.0
        self._day = [0.0] * _DAY_BINS
        bins = self._cfg.profile_bins if self._cfg.profile_alpha > 0 else 0
        self._bin_mean = array("d", [0.0] * bins)
        self._bin_visits = array("l", [0] * bins)
        self._bin_err = 0.0
        self._week = [0.0] * 7
        self._day_err = 0.0
        self._flat_err = 0.0
        self._short = 0.0
        self._short_sq = 1.0
        self._records = [0.0, 0.0, 0.0]
        self._lo = math.inf
        self._hi = -math.inf
        self._smooth = 0.0
        self._smooth_lo = math.inf
        self._smooth_hi = -math.inf
        self._quiet = 0
        on = self._cfg.context_len > 0 and not self._cfg.counts
        self._ctx_seen = array("B", bytes(_CONTEXT_BITS // 8 if on else 0))
        self._ctx_recent: deque[int] = deque(maxlen=max(self._cfg.context_len, 1))
        self._ctx_base = 0.0
        self._ctx_width = 0.0
        self._ctx_rate = 1.0
        self._ctx_count = 0

    @property
    def observations(self) -> int:
        return self._n

    def expected(self, when: datetime) -> float:
        """What the detector expects at `when`, from what it has seen so far."""
        return self._level + self._seasonal(when)

    def spread(self, when: datetime) -> float:
        """The noise scale it expects around `expected(when)`."""
        base = self._scale * 1.2533  # mean absolute deviation -> standard deviation for normal noise
        if self._cfg.counts:
            base = max(base, math.sqrt(max(self.expected(when), 0.25)))
        return max(base, 1e-9 + 1e-6 * abs(self._level))

    def _seasonal(self, when: datetime) -> float:
        if self._cfg.profile_alpha > 0:
            b = _day_bin(when, self._cfg.profile_bins)
            # Two visits are enough: with three, the third day's first hours still fell back to the level and a
            # clean daily shape looked like a 50-sigma jump there (a false alarm in eight of NAB's artificial files).
            if self._bin_visits[b] >= 2 and self._bin_err < self._flat_err * 0.9:
                return self._bin_mean[b] - self._level
            return 0.0
        if self._day_err < self._flat_err * 0.9:
            return self._day[_day_bin(when)] + self._week[when.weekday()]
        return 0.0

    def update(self, when: datetime, value: float) -> float:
        """Score `value` observed at `when` (0 = ordinary, 1 = certainly anomalous), then learn from it."""
        if not math.isfinite(value):
            return 0.0
        cfg = self._cfg
        if self._n == 0:
            self._level = value
        expected = self.expected(when)
        sigma = self.spread(when)
        z = (value - expected) / sigma
        score = self._score(z, value) if self._n >= cfg.warmup else 0.0
        self._learn(when, value, z)
        return score

    def _features(self, z: float) -> tuple[float, float, float]:
        a = self._cfg.short_alpha
        zc = max(-self._cfg.z_clip, min(self._cfg.z_clip, z))
        short = (1 - a) * self._short + a * zc
        short_sq = (1 - a) * self._short_sq + a * zc * zc
        z_mean = abs(short) / math.sqrt(a / (2 - a))
        z_var = max(short_sq - 1.0, 0.0) / math.sqrt(2.0 * a / (2 - a))
        return abs(zc), z_mean, z_var

    def _novelty(self, value: float) -> float:
        """How far outside the range seen so far `value` (or its smoothed level) lies, as a fraction of that range."""
        span = max(self._hi - self._lo, 1e-9 + 1e-6 * abs(self._hi))
        novel = max(value - self._hi, self._lo - value, 0.0) / span
        if self._n > 20:
            smooth = self._smooth + self._cfg.smooth_alpha * (value - self._smooth)
            novel = max(novel, max(smooth - self._smooth_hi, self._smooth_lo - smooth, 0.0) / span)
        return novel

    def _score(self, z: float, value: float) -> float:
        cfg = self._cfg
        ratio = 0.0
        for feature, record in zip(self._features(z), self._records, strict=True):
            ratio = max(ratio, feature / max(record, cfg.record_floor))
        excess = max(ratio - 1.0, 0.0)
        novel = self._novelty(value)
        raw = max(excess / (excess + cfg.record_k), cfg.novelty_weight * novel / (novel + cfg.novelty_k))
        raw = max(raw, self._context_surprise(value))
        if self._quiet > 0:
            raw *= cfg.damp
        elif raw >= cfg.alarm:
            self._quiet = cfg.cooldown
        return raw

    def _learn(self, when: datetime, value: float, z: float) -> None:
        cfg = self._cfg
        self._n += 1
        if self._quiet > 0:
            self._quiet -= 1
        features = self._features(z)
        a = cfg.short_alpha
        zc = max(-self._cfg.z_clip, min(self._cfg.z_clip, z))
        self._short = (1 - a) * self._short + a * zc
        self._short_sq = (1 - a) * self._short_sq + a * zc * zc
        # Records set while the model was still learning the series would mute it for a long time.
        decay = cfg.record_decay if self._n > cfg.record_warmup else 0.99
        self._records = [max(r * decay, f) for r, f in zip(self._records, features, strict=True)]
        if self._n == 1:
            self._lo = self._hi = self._smooth = value
        self._smooth += cfg.smooth_alpha * (value - self._smooth)
        if self._n > 20:
            self._smooth_lo = min(self._smooth_lo, self._smooth)
            self._smooth_hi = max(self._smooth_hi, self._smooth)
        mid = (self._hi + self._lo) / 2.0
        self._hi = max(value, mid + (self._hi - mid) * cfg.range_decay)
        self._lo = min(value, mid + (self._lo - mid) * cfg.range_decay)
        self._learn_context(value)
        self._learn_model(when, value)

    def _context_slot(self, value: float) -> int | None:
        """The bit of the context ending in `value` (None while too few values have been seen)."""
        length = self._cfg.context_len
        if not self._ctx_seen or self._ctx_width <= 0.0 or len(self._ctx_recent) < length - 1:
            return None
        key = 0
        for level in (*list(self._ctx_recent)[len(self._ctx_recent) - (length - 1) :], self._ctx_level(value)):
            key = ((key ^ (level & 0xFFFF)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF  # FNV-1a over the levels
        return (key ^ (key >> 29)) & (_CONTEXT_BITS - 1)

    def _ctx_level(self, value: float) -> int:
        return math.floor(max(-1e9, min(1e9, (value - self._ctx_base) / self._ctx_width)))

    def _context_surprise(self, value: float) -> float:
        """Contextual novelty: 0 for a context of coarse levels seen before, else how rare new contexts have been."""
        slot = self._context_slot(value)
        if slot is None or self._ctx_seen[slot >> 3] & (1 << (slot & 7)):
            return 0.0
        return max(0.0, 1.0 - self._ctx_rate / self._cfg.context_rate)

    def _learn_context(self, value: float) -> None:
        """Learn the context ending in `value`; lay the level grid again when the range outgrows it."""
        cfg = self._cfg
        if not self._ctx_seen:
            return
        span = self._hi - self._lo
        if self._ctx_width <= 0.0 or span > cfg.context_regrid * self._ctx_width * cfg.context_levels:
            if span <= 0.0:
                return
            self._ctx_width = span / cfg.context_levels
            self._ctx_base = self._lo
            self._ctx_seen = array("B", bytes(_CONTEXT_BITS // 8))
            self._ctx_recent.clear()
            self._ctx_rate = 1.0
            self._ctx_count = 0
        slot = self._context_slot(value)
        if slot is not None:
            byte, bit = slot >> 3, 1 << (slot & 7)
            novel = 0.0 if self._ctx_seen[byte] & bit else 1.0
            self._ctx_seen[byte] |= bit
            self._ctx_count += 1
            self._ctx_rate += max(cfg.context_alpha, 1.0 / self._ctx_count) * (novel - self._ctx_rate)
        self._ctx_recent.append(self._ctx_level(value))

    def _learn_model(self, when: datetime, value: float) -> None:
        cfg = self._cfg
        if cfg.profile_alpha > 0:
            self._learn_profile(when, value)
        day_bin = _day_bin(when)
        seasonal = self._day[day_bin] + self._week[when.weekday()]
        flat_residual = value - self._level
        day_residual = flat_residual - seasonal
        ea = cfg.scale_alpha
        self._flat_err = (1 - ea) * self._flat_err + ea * abs(flat_residual)
        self._day_err = (1 - ea) * self._day_err + ea * abs(day_residual)
        residual = value - self._level - self._seasonal(when)
        scale = self._scale if self._n > 1 else abs(residual)
        limit = 4.0 * max(scale, 1e-9)
        clipped = max(-limit, min(limit, residual))
        alpha = cfg.level_alpha if self._n > cfg.warmup else 1.0 / self._n
        self._level += alpha * clipped
        self._scale = (1 - ea) * self._scale + ea * min(abs(residual), limit) if self._n > 1 else abs(residual)
        sa = cfg.season_alpha
        target = max(-limit, min(limit, flat_residual))
        self._day[day_bin] += sa * (target - self._week[when.weekday()] - self._day[day_bin])
        self._week[when.weekday()] += sa * 0.1 * (target - self._day[day_bin] - self._week[when.weekday()])

    def _learn_profile(self, when: datetime, value: float) -> None:
        b = _day_bin(when, self._cfg.profile_bins)
        if self._bin_visits[b] >= 1:
            ea = self._cfg.scale_alpha
            self._bin_err = (1 - ea) * self._bin_err + ea * abs(value - self._bin_mean[b])
        self._bin_visits[b] += 1
        rate = max(self._cfg.profile_alpha, 1.0 / self._bin_visits[b])
        self._bin_mean[b] += rate * (value - self._bin_mean[b])


def _day_bin(when: datetime, bins: int = _DAY_BINS) -> int:
    seconds = when.hour * 3600 + when.minute * 60 + when.second
    return int(seconds * bins / _DAY_S) % bins
