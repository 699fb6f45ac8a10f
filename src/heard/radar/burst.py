"""The fast path for counts of events: a Poisson scan test that can fire seconds after a pile-on starts.

Per series it keeps a slow, seasonal estimate of the event rate, the times of the last few events and
exponentially decayed counts. At each event it counts the events in the last 10 s, 30 s, 1, 2 and 5 min (exactly,
from the kept times, while they fit; decayed counts beyond) and in a decayed 30-minute window, and asks how
likely so many would be at the expected rate (Poisson upper tail). The smallest probability, times the number of
looks, is compared with a threshold set from the series' own rate so that the whole family of looks, evaluated at
every event, raises at most the preset's number of false alarms per week (see `threshold`). Constant memory per
series; event times come from the posts, so replays are deterministic.
"""

from __future__ import annotations

import math
from array import array
from datetime import datetime

#: Scan windows (seconds): exact counts (up to 5 min) while the last `_KEEP` event times cover them, decayed beyond.
_WINDOWS = (10.0, 30.0, 60.0, 120.0, 300.0, 1800.0)
_EXACT = 5  # the first five windows are counted exactly from the kept event times
_KEEP = 32
_DAY_BINS = 24
_RATE_TAU = 6 * 3600.0
_SEASON_TAU = 3 * 86_400.0
_SHRINK_S = 1800.0
_LAG_TAU = 1800.0
_MODEL_ERROR = 0.25
_PRIOR_S = 600.0
_PRIOR_RATE = 1.0 / 3600.0  # a series nobody has seen is assumed to get one event an hour
_WEEK_S = 7 * 86_400.0
LOOKS = len(_WINDOWS)


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


def threshold(false_alarms_per_week: float, rate_per_s: float) -> float:
    """The family-wise p below which a series with this event rate fires.

    The test is evaluated at every event, about `rate * week` times a week; a union bound over those evaluations
    gives at most `false_alarms_per_week` false alarms when each fires with probability below this (the looks are
    already folded into p). The bound is loose (consecutive evaluations share most of their events), so the real
    rate is lower; `heard bench pileon` measures it."""
    events = max(rate_per_s, _PRIOR_RATE) * _WEEK_S
    return min(false_alarms_per_week / events, 1e-3)


class BurstCounter:
    """Recent event counts and a seasonal rate for one series of events.

    The rate is a ratio of decayed event counts to decayed exposure (seconds watched), overall (6-hour memory)
    and per hour of the day (3-day memory), the hour shrunk towards the overall rate until it has been watched
    for a while. Events that belong to a spike are counted as recent but kept out of the rate."""

    __slots__ = (
        "_bin_count",
        "_bin_exposure",
        "_count",
        "_counts",
        "_exposure",
        "_last",
        "_next",
        "_pending",
        "_seen",
        "_times",
    )

    def __init__(self) -> None:
        self._counts = [0.0] * len(_WINDOWS)
        self._last: datetime | None = None
        self._count = 0.0
        self._pending = 0.0
        self._exposure = 0.0
        self._bin_count = [0.0] * _DAY_BINS
        self._bin_exposure = [0.0] * _DAY_BINS
        self._times = array("d", [-math.inf] * _KEEP)
        self._next = 0
        self._seen = 0

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
        self._counts = [c * math.exp(-gap / tau) for c, tau in zip(self._counts, _WINDOWS, strict=True)]
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

    def _exact_counts(self, now: float) -> list[int]:
        """Events in each exact window before `now`, walking the kept times back from the newest; a window the
        kept times do not cover gets -1."""
        counts = [0] * _EXACT
        walked = 0
        for step in range(1, _KEEP + 1):
            age = now - self._times[(self._next - step) % _KEEP]
            if age >= _WINDOWS[_EXACT - 1]:
                break
            walked = step
            for look in range(_EXACT):
                if age < _WINDOWS[look]:
                    counts[look] += 1
        if walked == _KEEP and self._seen > _KEEP:
            counts = [-1 if c == _KEEP else c for c in counts]
        return counts

    def surprise(self, when: datetime) -> tuple[float, float, float]:
        """(p, observed, expected) for the most surprising window, counting one more event at `when`; p is
        already multiplied by the number of looks."""
        self._advance(when)
        rate = self.expected_rate(when)
        exact = self._exact_counts(when.timestamp())
        best = (1.0, 0.0, 0.0)
        for look, window in enumerate(_WINDOWS):
            if look >= _EXACT:
                observed = self._counts[look] + 1.0
            elif exact[look] >= 0:
                observed = exact[look] + 1.0
            else:  # more events than the kept times: the decayed count (the window's at a steady rate) stands in
                observed = max(self._counts[look], float(_KEEP)) + 1.0
            # A young series has not had time to fill its longer windows; do not expect what it could not see.
            expected = rate * min(window, max(self._exposure, 10.0))
            # The rate is a model, not the truth: allow it 25% error, which only matters at high volume.
            tolerated = expected * (1.0 + _MODEL_ERROR)
            if observed <= tolerated + 1.0:
                continue  # not even one above expectation: never surprising, and the tail is costly
            p = min(poisson_sf(observed, tolerated) * LOOKS, 1.0)
            if p < best[0]:
                best = (p, observed, expected)
        return best

    def add(self, when: datetime, learn: bool = True) -> None:
        """Count an event at `when`; `learn=False` keeps it out of the rate (it belongs to a spike)."""
        self._advance(when)
        self._counts = [c + 1.0 for c in self._counts]
        self._times[self._next] = when.timestamp()
        self._next = (self._next + 1) % _KEEP
        self._seen += 1
        if learn:
            self._pending += 1.0

    def learn(self, when: datetime) -> None:
        """Count a past event (history: a back-fill, an import) in the rate only, at once: it teaches the series
        its baseline but is not recent news, so it stays out of the windows a live event is judged on."""
        self._advance(when)
        self._count += 1.0
        self._bin_count[_bin(when)] += 1.0

    def idle(self, when: datetime) -> None:
        """Let time pass with no event, so quiet periods lower the rate too."""
        self._advance(when)


def _bin(when: datetime) -> int:
    return when.hour * _DAY_BINS // 24
