"""Measuring the judgements on labelled data, with VADER's figures on the same data beside ours.

VADER (a lexicon, the usual free baseline) is optional: it is a dev dependency, and when it is missing the
report says so instead of failing. For complaints VADER's stand-in is "negative compound score" (< -0.05).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from heard.lab.understanding.datasets import SENTIMENTS
from heard.lab.understanding.metrics import accuracy, f1, macro_f1, macro_recall, roc_auc, stratified_folds
from heard.lab.understanding.training import (
    Examples,
    Recipe,
    complaint_inputs,
    examples,
    fit_model,
    out_of_fold_scores,
)
from heard.understanding.classifier import LinearClassifier
from heard.understanding.embeddings import StaticEmbeddings
from heard.understanding.logistic import sigmoid
from heard.understanding.stacking import sentiment_dense
from heard.understanding.text import tokens
from heard.understanding.vectorize import Vocabulary


def complaint_figures(y: np.ndarray, prob: np.ndarray, threshold: float) -> dict[str, Any]:
    pred = (prob >= threshold).astype(np.int64)
    auc = roc_auc(y, prob)
    return {
        "macro_f1": round(100 * macro_f1(y, pred, [0, 1]), 2),
        "f1_complaint": round(100 * f1(y, pred, 1), 2),
        "accuracy": round(100 * accuracy(y, pred), 2),
        "roc_auc": None if auc is None else round(100 * auc, 2),
        "n": len(y),
    }


def sentiment_figures(y: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    return {
        "macro_recall": round(100 * macro_recall(y, pred, [0, 1, 2]), 2),
        "accuracy": round(100 * accuracy(y, pred), 2),
        "macro_f1": round(100 * macro_f1(y, pred, [0, 1, 2]), 2),
        "n": len(y),
    }


def vader_compound(texts: Sequence[str]) -> np.ndarray | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()
    return np.array([analyzer.polarity_scores(t[:5_000])["compound"] for t in texts], dtype=np.float64)


def vader_sentiment(compound: np.ndarray) -> np.ndarray:
    pred: np.ndarray = np.where(compound >= 0.05, 2, np.where(compound <= -0.05, 0, 1))
    return pred


def eval_complaints_model(
    model: LinearClassifier,
    emb: StaticEmbeddings,
    texts: Sequence[str],
    labels: Sequence[int],
    sentiment: LinearClassifier | None = None,
) -> dict[str, Any]:
    """Figures of the committed complaint model (stacked on `sentiment` and the shape when its recipe says so)."""
    data = examples(texts, labels, emb)
    if sentiment is not None:
        data = complaint_inputs(data, sentiment, model)
    prob = model.proba(data.toks, data.dense)[:, 1]
    return complaint_figures(np.asarray(labels), prob, model.threshold)


def cross_validate_complaints(
    data: Examples,
    recipe: Recipe,
    folds: int,
    extra: Examples | None = None,
    vocab: Vocabulary | None = None,
    repeats: int = 1,
) -> dict[str, Any]:
    """k-fold figures: each text judged by a model trained without it (same recipe as the committed model;
    `vocab`, when given, was built from unlabelled text and is shared by every fold). The figures are those of
    the first split (seed 0); with `repeats` > 1 the whole k-fold run is repeated on other splits (seeds 1, 2,
    ...) and `repeated` gives the macro-F1 of each and their mean, because on a file of a few thousand rows
    the split alone moves macro-F1 by about a point."""
    figures: dict[str, Any] = {}
    per_seed: list[float] = []
    for seed in range(max(repeats, 1)):
        oof = out_of_fold_scores(data, recipe, folds, extra, vocab, seed)
        margin = oof[:, 1] - oof[:, 0]
        run = complaint_figures(data.labels, sigmoid(margin), 0.5)
        per_seed.append(float(run["macro_f1"]))
        if seed == 0:
            figures = run
            figures["folds"] = folds
            # The spread over folds says how much of a difference between two recipes is noise.
            per_fold = [
                100 * macro_f1(data.labels[idx], (margin[idx] >= 0).astype(np.int64), [0, 1])
                for idx in stratified_folds(data.labels, folds)
            ]
            figures["macro_f1_folds"] = [round(x, 2) for x in per_fold]
            figures["macro_f1_sd"] = round(float(np.std(per_fold)), 2)
    if repeats > 1:
        figures["repeated"] = {
            "splits": repeats,
            "macro_f1_per_split": [round(x, 2) for x in per_seed],
            "macro_f1_mean": round(float(np.mean(per_seed)), 2),
            "macro_f1_sd": round(float(np.std(per_seed)), 2),
        }
    return figures


def holdout_complaints(
    data: Examples, recipe: Recipe, fraction: float, folds: int, vocab: Vocabulary | None = None
) -> dict[str, Any]:
    """A stratified `fraction` of the rows set aside (seed 0): `folds`-fold cross-validation on the rest, and a
    model trained on all the rest judged on the rows set aside, at the same decision (the balanced model's own
    boundary). The two agree within the folds' spread when the cross-validated figure is not an artefact of
    choosing settings on the same rows."""
    k = max(2, round(1 / fraction))
    held = stratified_folds(data.labels, k, 0)[0]
    rest = np.setdiff1d(np.arange(len(data.labels)), held)
    train_rows = data.take(rest)
    cv = cross_validate_complaints(train_rows, recipe, folds, None, vocab)
    model = fit_model(train_rows, recipe, vocab)
    test = data.take(held)
    scores = model.scores(test.toks, test.dense)
    figures = complaint_figures(test.labels, sigmoid(scores[:, 1] - scores[:, 0]), 0.5)
    return {"cv_on_the_rest": cv, "held_out": figures, "held_out_fraction": round(len(held) / len(data.labels), 3)}


def cross_validate_sentiment(
    data: Examples,
    recipe: Recipe,
    folds: int,
    extra: Examples | None = None,
    vocab: Vocabulary | None = None,
) -> dict[str, Any]:
    """k-fold figures of the sentiment recipe: each tweet judged by a model trained without it (`extra` joins
    every training fold; `vocab`, cut without labels, is shared by every fold). Labels are TweetEval's order
    (negative, neutral, positive), the recipe's classes too."""
    oof = out_of_fold_scores(data, recipe, folds, extra, vocab)
    order = [recipe.classes.index(name) for name in SENTIMENTS]
    pred = oof[:, order].argmax(axis=1)
    figures = sentiment_figures(data.labels, pred)
    per_fold = [
        100 * macro_recall(data.labels[idx], pred[idx], [0, 1, 2]) for idx in stratified_folds(data.labels, folds)
    ]
    figures["folds"] = folds
    figures["macro_recall_folds"] = [round(x, 2) for x in per_fold]
    figures["macro_recall_sd"] = round(float(np.std(per_fold)), 2)
    return figures


def vader_complaint_figures(texts: Sequence[str], labels: Sequence[int]) -> dict[str, Any] | str:
    compound = vader_compound(texts)
    if compound is None:
        return "vaderSentiment is not installed (pip install vaderSentiment)"
    return complaint_figures(np.asarray(labels), (1.0 - compound) / 2.0, 0.525)


def eval_sentiment_model(
    model: LinearClassifier, emb: StaticEmbeddings, texts: Sequence[str], labels: Sequence[int]
) -> dict[str, Any]:
    toks = [tokens(t) for t in texts]
    probs = model.proba(toks, sentiment_dense(emb.embed_tokens(toks), texts, toks, model))
    order = [model.classes.index(name) for name in SENTIMENTS]
    return sentiment_figures(np.asarray(labels), probs[:, order].argmax(axis=1))


def vader_sentiment_figures(texts: Sequence[str], labels: Sequence[int]) -> dict[str, Any] | str:
    compound = vader_compound(texts)
    if compound is None:
        return "vaderSentiment is not installed (pip install vaderSentiment)"
    return sentiment_figures(np.asarray(labels), vader_sentiment(compound))


__all__ = [
    "complaint_figures",
    "cross_validate_complaints",
    "cross_validate_sentiment",
    "eval_complaints_model",
    "eval_sentiment_model",
    "examples",
    "holdout_complaints",
    "vader_complaint_figures",
    "vader_sentiment_figures",
]
