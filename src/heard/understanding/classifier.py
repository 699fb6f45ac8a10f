"""A linear classifier over TF-IDF n-grams plus dense features, stored as .npz + JSON (no pickle).

Scores are `tfidf @ W_sparse + dense @ W_dense + bias`. A binary model also stores Platt calibration
(so its probability means what it says) and the decision threshold chosen on held-out folds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from heard.understanding.logistic import sigmoid, softmax
from heard.understanding.vectorize import Vocabulary


@dataclass
class LinearClassifier:
    """Class scores from n-grams (through `vocab`) and `dense_dim` dense features scaled by `dense_scale`."""

    classes: list[str]
    vocab: Vocabulary
    weights: np.ndarray
    bias: np.ndarray
    dense_dim: int = 0
    dense_scale: float = 1.0
    calibration: tuple[float, float] | None = None
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)

    def _recipe(self) -> dict[str, Any]:
        """The recipe the model was trained with (see `heard.lab.understanding.training.Recipe`); empty when its
        JSON has none, so a model saved before a setting existed reads that setting as off."""
        recipe = self.meta.get("recipe", {})
        return recipe if isinstance(recipe, dict) else {}

    @property
    def sentiment_scale(self) -> float:
        """How much a sentiment model's stacked log-probabilities weigh in the dense features (0: not stacked)."""
        return float(self._recipe().get("sentiment_scale", 0.0))

    @property
    def shape(self) -> bool:
        """Whether the post's shape features (`heard.understanding.shape`) end its dense features."""
        return bool(self._recipe().get("shape", False))

    @property
    def valence(self) -> float:
        """How much the lexicon's valence features (`heard.understanding.valence`) weigh after the embedding in a
        sentiment model's dense features (0: not read)."""
        return float(self._recipe().get("valence", 0.0))

    @property
    def cues(self) -> bool:
        """Whether the post's cues (`heard.understanding.cues`) end its dense features."""
        return bool(self._recipe().get("cues", False))

    @property
    def unhappy_topic(self) -> bool:
        """Whether the embedding crossed with negative tone and address (`heard.understanding.stacking`) ends its
        dense features."""
        return bool(self._recipe().get("unhappy_topic", False))

    def features(self, docs: list[list[str]], dense: np.ndarray | None) -> sparse.csr_matrix:
        return self.with_dense(self.vocab.transform(docs), dense)

    def with_dense(self, rows: sparse.csr_matrix, dense: np.ndarray | None) -> sparse.csr_matrix:
        """The model's TF-IDF rows followed by its dense features (zeros when none are given)."""
        if not self.dense_dim:
            return rows
        block = np.zeros((rows.shape[0], self.dense_dim), np.float32) if dense is None else dense
        return sparse.hstack([rows, sparse.csr_matrix(block * self.dense_scale)], format="csr")

    def scores(self, docs: list[list[str]], dense: np.ndarray | None = None) -> np.ndarray:
        return self.scores_of(self.features(docs, dense))

    def scores_of(self, features: sparse.csr_matrix) -> np.ndarray:
        out: np.ndarray = np.asarray(features @ self.weights) + self.bias
        return out

    def proba(self, docs: list[list[str]], dense: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities (rows sum to 1); calibrated for binary models."""
        return self.proba_from_scores(self.scores(docs, dense))

    def proba_of_rows(self, rows: sparse.csr_matrix, dense: np.ndarray | None = None) -> np.ndarray:
        """`proba` from TF-IDF rows already made for this model's vocabulary (`SharedLexicon.rows`)."""
        return self.proba_from_scores(self.scores_of(self.with_dense(rows, dense)))

    def proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        if self.calibration is None or len(self.classes) != 2:
            return softmax(scores)
        a, b = self.calibration
        p1 = sigmoid(a * (scores[:, 1] - scores[:, 0]) + b)
        return np.stack([1.0 - p1, p1], axis=1)

    def save(self, stem: Path) -> None:
        """Write `<stem>.npz` (arrays) and `<stem>.json` (vocabulary and settings)."""
        stem.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            stem.with_suffix(".npz"), weights=self.weights.astype(np.float16), bias=self.bias, idf=self.vocab.idf
        )
        doc = {
            "classes": self.classes,
            "dense_dim": self.dense_dim,
            "dense_scale": self.dense_scale,
            "calibration": list(self.calibration) if self.calibration else None,
            "threshold": self.threshold,
            "meta": self.meta,
            "vocab": self.vocab.to_json(),
        }
        stem.with_suffix(".json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, stem: Path) -> LinearClassifier:
        doc = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        with np.load(stem.with_suffix(".npz"), allow_pickle=False) as arrays:
            weights = arrays["weights"].astype(np.float32)
            bias = arrays["bias"].astype(np.float32)
            idf = arrays["idf"]
        calibration = doc.get("calibration")
        return cls(
            classes=list(doc["classes"]),
            vocab=Vocabulary.from_json(doc["vocab"], idf),
            weights=weights,
            bias=bias,
            dense_dim=int(doc["dense_dim"]),
            dense_scale=float(doc["dense_scale"]),
            calibration=(float(calibration[0]), float(calibration[1])) if calibration else None,
            threshold=float(doc["threshold"]),
            meta=dict(doc.get("meta", {})),
        )
