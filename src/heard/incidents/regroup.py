"""Periodic re-grouping that keeps incident identities stable.

Online assignment is greedy and order-dependent: an early post can open an incident that a better one
opened later duplicates, and posts stay where they first landed. Re-grouping repairs that, starting from
the current incidents rather than from scratch, so identities carry over by construction:

1. refine: a few rounds of spherical k-means seeded with the current incidents; a post moves only when
   another incident beats its own by `margin` (hysteresis, so re-grouping twice changes nothing more);
2. merge: incidents whose centroids are closer than `merge` become one, keeping the id of the pinned one,
   else the larger, else the older;
3. absorb: incidents smaller than `min_size` join their nearest larger incident when close enough.

Pinned incidents (someone works on them: an owner, a status past investigating, an agent's edit) never
vanish: they can take posts and absorb others, but are never absorbed and their posts never move out;
posts an agent placed by hand (`fixed`) never move either.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from heard.incidents.grouping import GroupingParams

_ROUNDS = 6


@dataclass
class Regrouped:
    """The new incident of each post, and which incidents were folded into which."""

    assignment: list[int]
    merged: dict[int, int] = field(default_factory=dict)

    def moved(self, before: Sequence[int]) -> int:
        return sum(1 for a, b in zip(before, self.assignment, strict=True) if a != b)


def regroup(
    vectors: np.ndarray,
    current: Sequence[int],
    pinned: Collection[int] = (),
    fixed: Sequence[bool] | None = None,
    params: GroupingParams | None = None,
    young: Collection[int] = (),
) -> Regrouped:
    """Re-group the posts (rows of `vectors`, unit length) now in incidents `current`. `young` incidents
    (opened since the last re-grouping) are not absorbed for being small: a new outage starts with one post."""
    params = params or GroupingParams()
    labels = np.asarray(current, dtype=np.int64)
    frozen = np.asarray(fixed if fixed is not None else [False] * len(labels), dtype=bool)
    if len(labels) == 0:
        return Regrouped([])
    pinned_set = set(pinned)
    frozen |= np.isin(labels, list(pinned_set))
    merged: dict[int, int] = {}
    # Repeat until a round changes nothing, so the result is a fixed point: re-grouping it again is a no-op.
    for _ in range(_ROUNDS):
        before = labels.copy()
        for _ in range(params.iterations):
            if not _refine(vectors, labels, frozen, params.margin):
                break
        _merge_close(vectors, labels, pinned_set, params.merge, merged)
        _absorb_small(vectors, labels, pinned_set | set(young), params, merged)
        if np.array_equal(before, labels):
            break
    _emptied(np.asarray(current, dtype=np.int64), labels, merged)
    return Regrouped([int(x) for x in labels], _resolve(merged))


def _emptied(before: np.ndarray, after: np.ndarray, merged: dict[int, int]) -> None:
    """An incident all of whose posts moved away counts as merged into the one that took most of them."""
    remaining = set(after.tolist())
    for incident in set(before.tolist()) - remaining - set(merged):
        homes, counts = np.unique(after[before == incident], return_counts=True)
        merged[int(incident)] = int(homes[int(np.argmax(counts))])


def _centroids(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Incident ids, their mean vectors and sizes. A dot product with a mean is the average cosine with the
    members (average linkage), which does not grow with an incident's size the way a unit centroid's does."""
    ids, inverse, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    totals = np.zeros((len(ids), vectors.shape[1]), dtype=np.float64)
    np.add.at(totals, inverse, vectors)
    return ids, totals / sizes[:, None], sizes


def _refine(vectors: np.ndarray, labels: np.ndarray, frozen: np.ndarray, margin: float) -> bool:
    ids, units, _ = _centroids(vectors, labels)
    sims = vectors @ units.T
    own = sims[np.arange(len(labels)), np.searchsorted(ids, labels)]
    best = np.argmax(sims, axis=1)
    move = (sims[np.arange(len(labels)), best] > own + margin) & ~frozen
    if not move.any():
        return False
    labels[move] = ids[best[move]]
    return True


def _merge_close(
    vectors: np.ndarray, labels: np.ndarray, pinned: set[int], threshold: float, merged: dict[int, int]
) -> None:
    # Rounds of merging reciprocal nearest neighbours (a's nearest is b and b's is a): the same result as
    # merging the closest pair first, but many pairs per round, so thousands of incidents stay fast.
    while True:
        ids, units, sizes = _centroids(vectors, labels)
        if len(ids) < 2:
            return
        sims = (units @ units.T).astype(np.float32)
        np.fill_diagonal(sims, -1.0)
        is_pinned = np.isin(ids, list(pinned))
        sims[np.ix_(is_pinned, is_pinned)] = -1.0
        nearest = np.argmax(sims, axis=1)
        pairs = [(i, int(j)) for i, j in enumerate(nearest) if i < j and nearest[j] == i and sims[i, j] >= threshold]
        if not pairs:
            return
        for i, j in pairs:
            keep, gone = _survivor(int(ids[i]), int(sizes[i]), int(ids[j]), int(sizes[j]), pinned)
            labels[labels == gone] = keep
            merged[gone] = keep


def _survivor(a: int, size_a: int, b: int, size_b: int, pinned: set[int]) -> tuple[int, int]:
    if (a in pinned) != (b in pinned):
        return (a, b) if a in pinned else (b, a)
    if size_a != size_b:
        return (a, b) if size_a > size_b else (b, a)
    return (a, b) if a < b else (b, a)


def _absorb_small(
    vectors: np.ndarray, labels: np.ndarray, kept: set[int], params: GroupingParams, merged: dict[int, int]
) -> None:
    ids, units, sizes = _centroids(vectors, labels)
    large = sizes >= params.min_size
    if not large.any():
        return
    targets = ids[large]
    sims = units @ units[large].T
    for row, incident in enumerate(ids):
        if large[row] or int(incident) in kept:
            continue
        col = int(np.argmax(sims[row]))
        if sims[row, col] >= params.absorb:
            labels[labels == incident] = targets[col]
            merged[int(incident)] = int(targets[col])


def _resolve(merged: dict[int, int]) -> dict[int, int]:
    """Follow chains (a into b, b into c) so every folded incident points at its final home."""
    out: dict[int, int] = {}
    for gone in merged:
        target = merged[gone]
        seen = {gone}
        while target in merged and target not in seen:
            seen.add(target)
            target = merged[target]
        out[gone] = target
    return out
