"""Order statistics for report figures (nearest-rank, so a figure is always a value that really occurred)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(ordered: Sequence[float], pct: float) -> float | None:
    """The nearest-rank percentile of an already sorted sequence; None when it is empty."""
    if not ordered:
        return None
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return float(ordered[min(rank, len(ordered)) - 1])


def median(ordered: Sequence[float]) -> float | None:
    return percentile(ordered, 50)
