"""Online grouping: each new complaint joins the nearest open incident when it is close enough, else opens one.

Pure and in memory: `Centroids` holds, for each open incident, the sum of its posts' unit vectors and their
count, so adding a post is exact and order-free, and the centroid direction is the normalised sum. The store
keeps the same two numbers per incident, so a worker restarted tomorrow resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

#: Average cosine a post needs with an incident's posts to join it (measured on the airline negative reasons
#: with the lexical embedder; see docs/decisions/0400-incident-grouping.md).
JOIN_THRESHOLD = 0.10


@dataclass(frozen=True, slots=True)
class GroupingParams:
    """The knobs of online assignment and re-grouping, with the measured defaults."""

    join: float = JOIN_THRESHOLD
    merge: float = 0.08
    absorb: float = 0.04
    min_size: int = 10
    iterations: int = 3
    margin: float = 0.02


class Centroids:
    """The open incidents' vector sums, sizes and unit centroids, in one matrix for fast lookup."""

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self.ids: list[int] = []
        self._row: dict[int, int] = {}
        # Float32 sums and float sizes, preallocated and doubled when full: nearest() is the hot path of the
        # pipeline's group stage, one matrix-vector product per post.
        self._totals = np.zeros((0, dimensions), dtype=np.float32)
        self._sizes = np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, incident_id: int) -> bool:
        return incident_id in self._row

    @property
    def sizes(self) -> list[int]:
        return [int(x) for x in self._sizes[: len(self.ids)]]

    def put(self, incident_id: int, total: np.ndarray, size: int) -> None:
        """Set an incident's sum and size, adding the incident when it is new."""
        if incident_id not in self._row:
            self._grow()
            self._row[incident_id] = len(self.ids)
            self.ids.append(incident_id)
        row = self._row[incident_id]
        self._totals[row] = total
        self._sizes[row] = size

    def _grow(self) -> None:
        if len(self.ids) < self._totals.shape[0]:
            return
        rows = max(16, 2 * self._totals.shape[0])
        totals = np.zeros((rows, self.dimensions), dtype=np.float32)
        sizes = np.zeros(rows, dtype=np.float32)
        totals[: len(self.ids)] = self._totals[: len(self.ids)]
        sizes[: len(self.ids)] = self._sizes[: len(self.ids)]
        self._totals, self._sizes = totals, sizes

    def add(self, incident_id: int, vector: np.ndarray) -> None:
        row = self._row[incident_id]
        self._totals[row] += vector
        self._sizes[row] += 1

    def total(self, incident_id: int) -> np.ndarray:
        total: np.ndarray = self._totals[self._row[incident_id]].astype(np.float64)
        return total

    def size(self, incident_id: int) -> int:
        return int(self._sizes[self._row[incident_id]])

    def nearest(self, vector: np.ndarray) -> tuple[int | None, float]:
        """The incident whose posts are on average most similar to `vector`, and that average cosine.

        The average, not the cosine with the centroid: a centroid of many posts drifts towards what all
        complaints share and would swallow everything; the mean similarity to members does not grow with size.
        """
        if not self.ids:
            return None, 0.0
        count = len(self.ids)
        sims = (self._totals[:count] @ vector) / np.maximum(self._sizes[:count], 1.0)
        row = int(np.argmax(sims))
        return self.ids[row], float(sims[row])


def has_content(vector: np.ndarray) -> bool:
    """A zero vector means the text had nothing to compare (only stop words, emoji or links)."""
    return bool(np.any(vector))


def assign_online(
    centroids: Centroids, vectors: Iterable[np.ndarray], new_id: Callable[[], int], join: float = JOIN_THRESHOLD
) -> list[int | None]:
    """Assign vectors in order, updating `centroids`; posts of one batch can join an incident opened by an
    earlier post of the same batch. Vectors with no content are left out (None)."""
    chosen: list[int | None] = []
    for vector in vectors:
        if not has_content(vector):
            chosen.append(None)
            continue
        best, similarity = centroids.nearest(vector)
        if best is None or similarity < join:
            best = new_id()
            centroids.put(best, np.zeros(centroids.dimensions), 0)
        centroids.add(best, vector)
        chosen.append(best)
    return chosen
