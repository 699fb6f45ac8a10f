"""Multinomial logistic regression with L2, fitted by L-BFGS (scipy), and Platt calibration.

Small and exact: the models are linear on purpose (fast on one core, weights a person can inspect), so the
trainer is a convex problem solved to convergence, with the same objective scikit-learn uses
(C * sum of weighted log-loss + 1/2 |W|^2, bias not penalised). Deterministic: no random initialisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, sparse

Matrix = Any  # a scipy sparse matrix or a dense array


@dataclass
class Fitted:
    """Weights (features x classes) and bias (classes)."""

    weights: np.ndarray
    bias: np.ndarray


def balanced_weights(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Per-sample weights that give each class the same total weight (scikit-learn's 'balanced')."""
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    per_class = len(y) / (n_classes * np.maximum(counts, 1.0))
    out: np.ndarray = per_class[y]
    return out


def fit(
    x: Matrix,
    y: np.ndarray,
    n_classes: int,
    c: float = 1.0,
    sample_weight: np.ndarray | None = None,
    max_iter: int = 500,
) -> Fitted:
    """Fit softmax regression; `y` holds class indices 0..n_classes-1."""
    n, d = x.shape
    k = n_classes
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    # The weights are float64 (L-BFGS works in it): a float32 matrix would be converted again on every product,
    # which doubled the time of a fit on TweetEval.
    x = x.astype(np.float64)
    xt = x.T.tocsr() if sparse.issparse(x) else x.T

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k)
        b = theta[d * k :]
        z = np.asarray(x @ w) + b
        z -= z.max(axis=1, keepdims=True)
        logsum = np.log(np.exp(z).sum(axis=1, keepdims=True))
        logp = z - logsum
        loss = -c * float((sw[:, None] * onehot * logp).sum()) + 0.5 * float((w * w).sum())
        resid = c * sw[:, None] * (np.exp(logp) - onehot)
        grad_w = np.asarray(xt @ resid) + w
        return loss, np.concatenate([grad_w.ravel(), resid.sum(axis=0)])

    theta0 = np.zeros(d * k + k)
    result = optimize.minimize(objective, theta0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    theta = result.x
    return Fitted(theta[: d * k].reshape(d, k).astype(np.float32), theta[d * k :].astype(np.float32))


def platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) such that sigmoid(a * score + b) is a calibrated probability of y == 1."""
    feats = np.asarray(scores, dtype=np.float64).reshape(-1, 1)
    fitted = fit(feats, y.astype(np.int64), 2, c=1e4)
    a = float(fitted.weights[0, 1] - fitted.weights[0, 0])
    b = float(fitted.bias[1] - fitted.bias[0])
    return a, b
