"""`heard eval grouping`: the product's grouping run over a labelled file, scored beside a plain baseline.

The run replays the file in order through online assignment, re-grouping every `regroup_every` posts and
once at the end, exactly as the worker and the scheduler do. The baselines are TF-IDF + k-means and MiniLM
(the static table distilled from it) + k-means, both given the true number of labels (an advantage the product
never has), fitted on the same file in the same run.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from heard.errors import BadInput
from heard.incidents.embedders import make_embedder, static_embedder
from heard.incidents.grouping import Centroids, GroupingParams, assign_online
from heard.incidents.regroup import regroup
from heard.pipeline.group import Embedder


@dataclass(frozen=True, slots=True)
class Labelled:
    texts: list[str]
    labels: list[str]


def read_labelled(path: Path, text: str = "text", label: str = "label", skip: Collection[str] = ()) -> Labelled:
    """Rows of a CSV with text and label columns; rows with an empty label, or one in `skip`, are left out."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {text, label} <= set(reader.fieldnames):
            raise BadInput(f"{path} needs the columns {text},{label}", "")
        rows = [(r[text] or "", r[label]) for r in reader if r.get(label) and r[label] not in skip]
    if not rows:
        raise BadInput(f"{path} has no labelled rows", "")
    return Labelled([t for t, _ in rows], [lab for _, lab in rows])


def scores(labels: Sequence[str], groups: Sequence[int | str]) -> dict[str, float | int]:
    """NMI, ARI, accuracy under the best one-to-one matching of groups to labels, and the group count."""
    label_ids = {v: i for i, v in enumerate(sorted(set(labels)))}
    group_ids = {v: i for i, v in enumerate(sorted(set(groups), key=str))}
    table = np.zeros((len(label_ids), len(group_ids)))
    for label, group in zip(labels, groups, strict=True):
        table[label_ids[label], group_ids[group]] += 1
    rows, cols = linear_sum_assignment(-table)
    return {
        "nmi": round(float(normalized_mutual_info_score(labels, [str(g) for g in groups])), 4),
        "ari": round(float(adjusted_rand_score(labels, [str(g) for g in groups])), 4),
        "accuracy": round(float(table[rows, cols].sum() / len(labels)), 4),
        "groups": len(group_ids),
    }


def run_grouping(vectors: np.ndarray, params: GroupingParams, regroup_every: int = 500) -> tuple[list[int], list[int]]:
    """(online-only groups, groups after re-grouping) for the vectors taken in order. Posts with no content
    words each stand alone, as they would stay ungrouped in the product. Incidents opened since the previous
    re-grouping are young (not absorbed for being small), as in the product."""
    centroids = Centroids(vectors.shape[1])
    counter = iter(range(1, 10**9))
    online: list[int] = []
    final: list[int] = []
    for start in range(0, len(vectors), regroup_every):
        chunk = vectors[start : start + regroup_every]
        known = set(centroids.ids)
        got = assign_online(centroids, chunk, lambda: next(counter), params.join)
        online.extend(-(start + i) - 1 if g is None else g for i, g in enumerate(got))
        final.extend(online[start:])
        young = set(centroids.ids) - known
        final[:] = _regrouped(vectors, final, centroids, params, young)
    return online, final


def _regrouped(
    vectors: np.ndarray, current: list[int], centroids: Centroids, params: GroupingParams, young: set[int]
) -> list[int]:
    grouped = [i for i, g in enumerate(current) if g > 0]
    result = regroup(vectors[grouped], [current[i] for i in grouped], params=params, young=young)
    out = list(current)
    for i, g in zip(grouped, result.assignment, strict=True):
        out[i] = g
    _reload(centroids, vectors[grouped], result.assignment)
    return out


def _reload(centroids: Centroids, vectors: np.ndarray, assignment: list[int]) -> None:
    fresh = Centroids(centroids.dimensions)
    labels = np.asarray(assignment)
    for incident in np.unique(labels):
        members = labels == incident
        fresh.put(int(incident), vectors[members].sum(axis=0), int(members.sum()))
    centroids.__dict__.update(fresh.__dict__)


def baseline(data: Labelled, seed: int = 0) -> list[int]:
    """TF-IDF (words, English stop words removed) and k-means with k = the true number of labels."""
    k = len(set(data.labels))
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(data.texts)
    return [int(x) for x in KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(matrix)]


def minilm_baseline(data: Labelled, seed: int = 0) -> dict[str, Any]:
    """MiniLM sentence vectors + k-means with k = the true number of labels. The MiniLM here is the static table
    distilled from all-MiniLM-L6-v2 that ships with the understanding feature (`heard.understanding.embeddings`):
    the transformer itself needs torch and weights from a hub, neither of which Heard loads at run time."""
    try:
        embedder = static_embedder()
    except BadInput as exc:
        return {"unavailable": str(exc)}
    k = len(set(data.labels))
    vectors = embedder.embed(data.texts)
    groups = [int(x) for x in KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors)]
    return {**scores(data.labels, groups), "embedder": embedder.name}


def evaluate(data: Labelled, embedder: Embedder, params: GroupingParams, regroup_every: int = 500) -> dict[str, Any]:
    started = time.perf_counter()
    vectors = embedder.embed(data.texts)
    online, final = run_grouping(vectors, params, regroup_every)
    seconds = time.perf_counter() - started
    return {
        "file_rows": len(data.texts),
        "labels": len(set(data.labels)),
        "embedder": embedder.name,
        "heard": {**scores(data.labels, final), "seconds": round(seconds, 2)},
        "heard_online_only": scores(data.labels, online),
        "baseline_tfidf_kmeans": scores(data.labels, baseline(data)),
        "baseline_minilm_kmeans": minilm_baseline(data),
    }


def evaluate_file(
    path: Path,
    embedder: str,
    brand_terms: Collection[str] = (),
    label: str = "label",
    skip: Collection[str] = (),
    regroup_every: int = 1000,
) -> dict[str, Any]:
    """`heard eval grouping`: the texts of a labelled CSV grouped with the named embedder and scored."""
    chosen = make_embedder(embedder, brand_terms=brand_terms)
    data = read_labelled(path, label=label, skip=skip)
    return evaluate(data, chosen, GroupingParams(), regroup_every)
