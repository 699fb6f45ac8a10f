"""An IncidentMatcher in memory: the same online assignment as the store's, without a database."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from heard.incidents.grouping import JOIN_THRESHOLD, Centroids, assign_online
from heard.pipeline.ports import Grouped


class MemoryIncidents:
    def __init__(self, dimensions: int, join: float = JOIN_THRESHOLD) -> None:
        self._centroids = Centroids(dimensions)
        self._ids = itertools.count(1)
        self._join = join

    def assign(self, vectors: np.ndarray, posts: Sequence[Grouped], now: datetime) -> list[int | None]:
        return assign_online(self._centroids, list(vectors), lambda: next(self._ids), self._join)
