"""The figures Heard reports for its judgements: macro-F1, F1, accuracy, ROC AUC, macro recall."""

from __future__ import annotations

import numpy as np


def f1(y: np.ndarray, pred: np.ndarray, label: int) -> float:
    tp = float(np.sum((pred == label) & (y == label)))
    fp = float(np.sum((pred == label) & (y != label)))
    fn = float(np.sum((pred != label) & (y == label)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(y: np.ndarray, pred: np.ndarray, labels: list[int]) -> float:
    return float(np.mean([f1(y, pred, label) for label in labels]))


def accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean(y == pred)) if len(y) else 0.0


def macro_recall(y: np.ndarray, pred: np.ndarray, labels: list[int]) -> float:
    recalls = [float(np.mean(pred[y == label] == label)) for label in labels if np.any(y == label)]
    return float(np.mean(recalls)) if recalls else 0.0


def roc_auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half); None when only one class is present."""
    pos = int(np.sum(y == 1))
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score), dtype=np.float64)
    sorted_scores = score[order]
    # Average ranks over ties so that equal scores count half.
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def stratified_folds(y: np.ndarray, k: int, seed: int = 0) -> list[np.ndarray]:
    """Test-index arrays of k folds with each class spread evenly (shuffled with a fixed seed)."""
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[j % k].append(int(i))
    return [np.array(sorted(f), dtype=np.int64) for f in folds]
