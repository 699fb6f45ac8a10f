"""NAB scoring (Numenta Anomaly Benchmark v1.1), implemented from its published description. Pure: no I/O.

For one file, every time step gets a weighted score for "a detection here":
- inside a labelled window, `tp_weight * scaled_sigmoid(position)`, where position runs from -1 at the window's
  first row to 0 at its last, so an early detection earns nearly 1 and a late one nearly 0;
- outside windows, `fp_weight * scaled_sigmoid(distance past the previous window / its width)` (so a false
  positive right after a window costs little, one far away costs the full fp_weight); -fp_weight before any window;
- rows in the probationary period (the first 15% of the file, at most 750 rows) are not scored.
At a threshold, a window earns the best (earliest) of its detections or `-fn_weight` when it has none; every
detection outside windows adds its (negative) score. The threshold is the one that maximises the summed raw score
over all files (NAB sweeps every distinct anomaly score). The normalised score is
`100 * (raw - null) / (perfect - null)`, where null misses every window and perfect catches each at its start.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class CostMatrix:
    """Weights of one NAB application profile."""

    tp_weight: float = 1.0
    fn_weight: float = 1.0
    fp_weight: float = 0.11


STANDARD = CostMatrix()
PROFILES = {
    "standard": STANDARD,
    "reward_low_FP_rate": CostMatrix(fp_weight=0.22),
    "reward_low_FN_rate": CostMatrix(fn_weight=2.0),
}
PROBATION_PERCENT = 0.15


def scaled_sigmoid(position: float) -> float:
    """NAB's reward curve: about +1 at a window's start, 0 at its end, -1 well past it."""
    if position > 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def probation_length(rows: int) -> int:
    return int(min(math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000))


@dataclass(frozen=True, slots=True)
class Window:
    """A labelled anomaly window as row indices, both ends included."""

    start: int
    end: int


@dataclass(slots=True)
class ScoredRows:
    """Per-row sweep data of one file: which window a row is in (-1 none, -2 probation) and its weighted score."""

    window: list[int]
    weight: list[float]
    n_windows: int


def sweep_rows(rows: int, windows: Sequence[Window], costs: CostMatrix = STANDARD) -> ScoredRows:
    """The weighted score a detection would get at each row, and the window each row belongs to."""
    probation = probation_length(rows)
    inside = [-1] * rows
    for number, win in enumerate(windows):
        for i in range(max(win.start, 0), min(win.end, rows - 1) + 1):
            inside[i] = number
    weight = [0.0] * rows
    previous: Window | None = None
    for i in range(rows):
        number = inside[i]
        if number >= 0:
            win = windows[number]
            width = float(win.end - win.start + 1)
            weight[i] = costs.tp_weight * scaled_sigmoid(-(win.end - i + 1) / width)
            if i == win.end:
                previous = win
        elif previous is None:
            weight[i] = -costs.fp_weight
        else:
            prev_width = float(previous.end - previous.start + 1)
            past = abs(previous.end - i) / max(prev_width - 1.0, 1.0)
            weight[i] = costs.fp_weight * scaled_sigmoid(past)
    window = [(-2 if i < probation else inside[i]) for i in range(rows)]
    return ScoredRows(window, weight, len(windows))


@dataclass(slots=True)
class FileResult:
    """Outcome of one file at one threshold."""

    score: float
    tp: int
    tn: int
    fp: int
    fn: int
    windows_found: int
    detection_delays: list[int] = field(default_factory=list)


def score_at(rows: ScoredRows, scores: Sequence[float], threshold: float, costs: CostMatrix = STANDARD) -> FileResult:
    """Score one file's detector output at a threshold (a row is a detection when its score >= threshold)."""
    best = [-costs.fn_weight] * rows.n_windows
    first: list[int | None] = [None] * rows.n_windows
    window_starts: dict[int, int] = {}
    fp_sum = 0.0
    tp = tn = fp = fn = 0
    for i, (where, value) in enumerate(zip(rows.window, scores, strict=True)):
        if where == -2:
            continue
        if where >= 0:
            window_starts.setdefault(where, i)
        hit = value >= threshold
        if where == -1:
            if hit:
                fp += 1
                fp_sum += rows.weight[i]
            else:
                tn += 1
            continue
        if not hit:
            fn += 1
            continue
        tp += 1
        if first[where] is None:
            first[where] = i
            best[where] = max(best[where], rows.weight[i])
    delays = [hit - window_starts[w] for w, hit in enumerate(first) if hit is not None and w in window_starts]
    found = sum(1 for hit in first if hit is not None)
    return FileResult(sum(best) + fp_sum, tp, tn, fp, fn, found, delays)


def candidate_thresholds(all_scores: Sequence[Sequence[float]], limit: int = 400) -> list[float]:
    """Distinct anomaly scores to sweep, thinned to `limit` quantiles (NAB sweeps every distinct value; a
    detector's scores above the useful range are few, so the quantiles of the top values keep the optimum)."""
    values = sorted({round(v, 9) for scores in all_scores for v in scores}, reverse=True)
    if len(values) <= limit:
        return values
    head = values[: limit // 2]
    tail = values[limit // 2 :]
    step = max(1, len(tail) // (limit - len(head)))
    return head + tail[::step]


def null_score(rows: Sequence[ScoredRows], costs: CostMatrix = STANDARD) -> float:
    return -costs.fn_weight * sum(r.n_windows for r in rows)


def perfect_score(rows: Sequence[ScoredRows], costs: CostMatrix = STANDARD) -> float:
    return costs.tp_weight * sum(r.n_windows for r in rows)


def normalised(raw: float, null: float, perfect: float) -> float:
    if perfect == null:
        return 0.0
    return 100.0 * (raw - null) / (perfect - null)
