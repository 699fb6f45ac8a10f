"""`heard train coach`: fit the rule weights on real replies with k-fold cross-validation, and keep what generalises.

Each reply becomes a vector of rule strengths (how strongly each rule fired); the target is whether the customer
answered warmly. A logistic model with non-negative penalties (a rule can only cost points) is fitted per fold, and
blends of it with the hand priors are compared on the held-out folds. The blend with the best held-out ROC AUC wins;
rules that fire too rarely in the data to be judged keep their prior.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from heard.coach.phrases import PHRASES_FILE
from heard.coach.reviewer import collect_findings
from heard.coach.rules import RULE_IDS
from heard.coach.text import Draft
from heard.coach.weights import HAND_WEIGHTS, WEIGHTS_FILE
from heard.lab.coach import phrases as learned_phrases
from heard.lab.coach.evaluation import context_for, judge_posts, roc_auc
from heard.lab.coach.outcome import outcome
from heard.lab.coach.phrases import labels_of, learn, out_of_fold
from heard.lab.coach.twacs import Exchange, read_exchanges

BLENDS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: A rule that fires on fewer labelled replies than this keeps its prior: too few to learn a weight from.
MIN_SUPPORT = 30
FLOOR = 0.25
#: Rules that keep their prior whatever TwACS says (docs/decisions/0301-coach-reads-the-moment.md): what they catch
#: (cheer to an angry customer, a bare "DM us") is what the product exists to stop, TwACS's agents seldom did it,
#: and where the rule fires there the post's mood is mostly misjudged mixed praise, so the outcome cannot judge it.
GUARD_RULES = frozenset({"tone.mismatch", "deflect.private"})

Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class Dataset:
    """Rule strengths per labelled reply (rows) and whether the customer answered warmly."""

    x: Matrix
    warm: NDArray[np.bool_]


def build_dataset(exchanges: Sequence[Exchange]) -> Dataset:
    index = {rule: i for i, rule in enumerate(RULE_IDS)}
    rows, labels = [], []
    # The learned phrases' strength is read out of fold, so their rule's weight is fitted on held-out evidence.
    tables = out_of_fold(exchanges, labels_of(exchanges))
    judged = judge_posts(exchanges)
    for ex, table in zip(exchanges, tables, strict=True):
        label = outcome(ex.next_turn)
        if label is None:
            continue
        row = np.zeros(len(RULE_IDS))
        for f in collect_findings(Draft.of(ex.reply), context_for(ex, judged), table):
            if f.rule in index:
                row[index[f.rule]] = max(row[index[f.rule]], f.strength)
        rows.append(row)
        labels.append(label == "warm")
    return Dataset(np.array(rows).reshape(-1, len(RULE_IDS)), np.array(labels, dtype=bool))


def fit_penalties(x: Matrix, warm: NDArray[np.bool_], l2: float = 1.0, steps: int = 400) -> Matrix:
    """Non-negative penalties w maximising the likelihood of P(warm) = sigmoid(b - x @ w), by projected gradient."""
    w = np.zeros(x.shape[1])
    b = float(np.log((warm.mean() + 1e-6) / (1 - warm.mean() + 1e-6)))
    y = warm.astype(float)
    rate = 1.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(b - x @ w)))
        gw = (x.T @ (y - p)) / len(y) + l2 * w / len(y)
        gb = float((y - p).mean())
        w = np.maximum(0.0, w - rate * gw)
        b += rate * gb
    return w


def as_points(w: Matrix, support: Matrix) -> dict[str, float]:
    """Fitted penalties rescaled to the priors' total points; rules without enough support keep their prior."""
    learnable = (support >= MIN_SUPPORT) & np.array([r not in GUARD_RULES for r in RULE_IDS])
    prior = np.array([HAND_WEIGHTS[r] for r in RULE_IDS])
    total = w[learnable].sum()
    scale = prior[learnable].sum() / total if total > 0 else 0.0
    points = np.where(learnable, w * scale, prior)
    return {rule: round(float(p), 2) for rule, p in zip(RULE_IDS, points, strict=True)}


def blend(fitted: Mapping[str, float], alpha: float) -> dict[str, float]:
    """alpha of the fitted weights and the rest of the priors; no rule falls below FLOOR of its prior, because
    every rule is part of the product and a finding that costs nothing would be ignored."""
    mixed = {r: alpha * fitted[r] + (1 - alpha) * HAND_WEIGHTS[r] for r in RULE_IDS}
    return {r: round(max(w, FLOOR * HAND_WEIGHTS[r]), 2) for r, w in mixed.items()}


def _auc(data: Dataset, weights: Mapping[str, float]) -> float:
    w = np.array([weights[r] for r in RULE_IDS])
    score = np.clip(100 - data.x @ w, 0, 100)
    return roc_auc(list(score[data.warm]), list(score[~data.warm])) or 0.5


def cross_validate(data: Dataset, folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Held-out ROC AUC of each blend over k folds, and the weights of the winner fitted on all the data."""
    order = np.random.default_rng(seed).permutation(len(data.warm))
    per_blend: dict[float, list[float]] = {a: [] for a in BLENDS}
    for k in range(folds):
        test = np.zeros(len(order), bool)
        test[order[k::folds]] = True
        train, held = Dataset(data.x[~test], data.warm[~test]), Dataset(data.x[test], data.warm[test])
        fitted = as_points(fit_penalties(train.x, train.warm), (train.x > 0).sum(axis=0))
        for alpha in BLENDS:
            per_blend[alpha].append(_auc(held, blend(fitted, alpha)))
    means = {a: float(np.mean(v)) for a, v in per_blend.items()}
    best = _one_standard_error(means, per_blend, folds)
    fitted_all = as_points(fit_penalties(data.x, data.warm), (data.x > 0).sum(axis=0))
    return {
        "folds": folds,
        "n": len(data.warm),
        "heldout_roc_auc_by_blend": {str(a): round(m, 4) for a, m in means.items()},
        "heldout_roc_auc_std_by_blend": {str(a): round(float(np.std(v)), 4) for a, v in per_blend.items()},
        "chosen_blend": best,
        "weights": blend(fitted_all, best),
    }


def train_file(path: Path, folds: int = 5, write: bool = False) -> dict[str, Any]:
    """`heard train coach`: cross-validate on a TwACS conversations CSV; with `write`, the chosen weights become the
    shipped weights.json (its path is then in "written"), and the scripted phrases learned on every labelled
    reply become the shipped phrases.json."""
    exchanges = read_exchanges(path)
    result = cross_validate(build_dataset(exchanges), folds=folds)
    if write:
        payload = {"source": path.name, **result}
        WEIGHTS_FILE.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        table = learn(exchanges, labels_of(exchanges))
        phrases = {
            "source": path.name,
            "min_support": learned_phrases.MIN_SUPPORT,
            "c": learned_phrases.C,
            "phrases": dict(table.weights),
        }
        PHRASES_FILE.write_text(json.dumps(phrases, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        result["written"] = str(WEIGHTS_FILE)
        result["phrases_written"] = str(PHRASES_FILE)
        result["phrases"] = len(table.weights)
    return result


def _one_standard_error(means: Mapping[float, float], runs: Mapping[float, list[float]], folds: int) -> float:
    """The blend closest to the priors whose held-out AUC is within one standard error of the best: a gain
    smaller than the noise between folds is not worth moving away from the product's priors for."""
    top = max(means, key=lambda a: means[a])
    margin = float(np.std(runs[top])) / np.sqrt(folds)
    return min(a for a in BLENDS if means[a] >= means[top] - margin)
