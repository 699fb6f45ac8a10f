"""The fast path for counts of events: a Poisson burst test that can fire seconds after a pile-on starts.

Per series it keeps a slow, seasonal estimate of the event rate and exponentially decayed counts of recent
events over a few time constants (1, 5 and 30 minutes). At each event it asks how likely so many recent events
would be at the expected rate (Poisson upper tail); below the preset's probability, with at least `min_posts`
events, it fires. Constant memory per series; event times come from the posts, so replays are deterministic.
"""

from __future__ import annotations

import math
from datetime import datetime

_TAUS = (60.0, 300.0, 1800.0)
_DAY_BINS = 24
_RATE_TAU = 6 * 3600.0
_SEASON_TAU = 3 * 86_400.0
_SHRINK_S = 1800.0
_LAG_TAU = 1800.0
_MODEL_ERROR = 0.25
_PRIOR_S = 600.0
_PRIOR_RATE = 1.0 / 3600.0  # a series nobody has seen is assumed to get one event an hour


def poisson_sf(k: float, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean), with k rounded down; exact for small k, normal beyond."""
    n = math.floor(k)
    if n <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if n > 200:
        z = (n - 0.5 - mean) / math.sqrt(mean)
        return 0.5 * math.erfc(z / math.sqrt(2.0))
    term = math.exp(-mean)
    below = term
    for i in range(1, n):
        term *= mean / i
        below += term
    return max(1.0 - below, _tail_term(n, mean))


def _tail_term(n: int, mean: float) -> float:
    """P(X = n), a floor for the tail where 1 - cdf loses precision."""
    return math.exp(n * math.log(mean) - mean - math.lgamma(n + 1))


class BurstCounter:
    """Decayed recent counts and a seasonal rate for one series of events.

    The rate is a ratio of decayed event counts to decayed exposure (seconds watched), overall (6-hour memory)
    and per hour of the day (3-day memory), the hour shrunk towards the overall rate until it has been watched
    for a while. Events that belong to a spike are counted as recent but kept out of the rate."""

    __slots__ = ("_bin_count", "_bin_exposure", "_count", "_counts", "_exposure", "_last", "_pending")

    def __init__(self) -> None:
        self._counts = [0.0] * len(_TAUS)
        self._last: datetime | None = None
        self._count = 0.0
        self._pending = 0.0
        self._exposure = 0.0
        self._bin_count = [0.0] * _DAY_BINS
        self._bin_exposure = [0.0] * _DAY_BINS

    @property
    def watched_s(self) -> float:
        return self._exposure

    def expected_rate(self, when: datetime) -> float:
        overall = (self._count + _PRIOR_RATE * _PRIOR_S) / (self._exposure + _PRIOR_S)
        b = _bin(when)
        return (self._bin_count[b] + overall * _SHRINK_S) / (self._bin_exposure[b] + _SHRINK_S)

    def _advance(self, when: datetime) -> None:
        if self._last is None:
            self._last = when
            return
        gap = (when - self._last).total_seconds()
        if gap <= 0:
            return
        self._counts = [c * math.exp(-gap / tau) for c, tau in zip(self._counts, _TAUS, strict=True)]
        # Events reach the rate only as they leave `pending` (about half an hour later), so a burst is
        # judged against the rate from before it, not one it has already inflated.
        matured = self._pending * (1.0 - math.exp(-gap / _LAG_TAU))
        self._pending -= matured
        keep = math.exp(-gap / _RATE_TAU)
        self._count = self._count * keep + matured
        self._exposure = self._exposure * keep + gap
        b = _bin(when)
        keep_bin = math.exp(-gap / _SEASON_TAU)
        self._bin_count[b] = self._bin_count[b] * keep_bin + matured
        self._bin_exposure[b] = self._bin_exposure[b] * keep_bin + gap
        self._last = when

    def surprise(self, when: datetime) -> tuple[float, float, float]:
        """(p, observed, expected) for the most surprising time scale, counting one more event at `when`."""
        self._advance(when)
        rate = self.expected_rate(when)
        best = (1.0, 0.0, 0.0)
        for count, tau in zip(self._counts, _TAUS, strict=True):
            observed = count + 1.0
            # A young series has not had time to fill its longer windows; do not expect what it could not see.
            expected = rate * min(tau, max(self._exposure, 60.0))
            # The rate is a model, not the truth: allow it 25% error, which only matters at high volume.
            tolerated = expected * (1.0 + _MODEL_ERROR)
            if observed <= tolerated + 1.0:
                continue  # not even one above expectation: never surprising, and the tail is costly
            p = min(poisson_sf(observed, tolerated) * len(_TAUS), 1.0)
            if p < best[0]:
                best = (p, observed, expected)
        return best

    def add(self, when: datetime, learn: bool = True) -> None:
        """Count an event at `when`; `learn=False` keeps it out of the rate (it belongs to a spike)."""
        self._advance(when)
        self._counts = [c + 1.0 for c in self._counts]
        if learn:
            self._pending += 1.0

    def idle(self, when: datetime) -> None:
        """Let time pass with no event, so quiet periods lower the rate too."""
        self._advance(when)


def _bin(when: datetime) -> int:
    return when.hour * _DAY_BINS // 24
