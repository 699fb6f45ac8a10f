"""What a complaint model reads beside its n-grams: the static embedding, then (as its recipe says) the sentiment
model's stacked log-probabilities, the post's shape and its cues. The pipeline stage builds them here at run time;
training and evaluation (`heard.lab.understanding`) build them here too, so always in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from heard.understanding.cues import cue_features
from heard.understanding.shape import shape_features
from heard.understanding.valence import valence_features


class Stacking(Protocol):
    """What a complaint model reads beside its n-grams and the embedding: a `Recipe` when training, the loaded
    `LinearClassifier` (from its recipe) when judging."""

    @property
    def sentiment_scale(self) -> float: ...

    @property
    def shape(self) -> bool: ...

    @property
    def cues(self) -> bool: ...


class Valence(Protocol):
    """What a sentiment model reads beside its n-grams and the embedding: a `Recipe` when training, the loaded
    `LinearClassifier` when judging."""

    @property
    def valence(self) -> float: ...


def sentiment_dense(dense: np.ndarray, texts: Sequence[str], docs: Sequence[list[str]], model: Valence) -> np.ndarray:
    """The dense features a sentiment model reads: the embedding, then (when its `valence` > 0) the lexicon's
    valence features times that scale. Training, evaluation and judging all build them here."""
    if not model.valence:
        return dense
    out: np.ndarray = np.hstack([dense, model.valence * valence_features(texts, docs)]).astype(np.float32)
    return out


def stack_sentiment(dense: np.ndarray, sentiment_probs: np.ndarray, scale: float) -> np.ndarray:
    """Dense features followed by `scale` x log P(sentiment class): how negative a post sounds is evidence of a
    complaint that the complaint data alone (2,300 tweets) is too small to learn, and the sentiment model learnt
    it from ~60k other labelled tweets. Fixed across cross-validation folds: it never saw complaint labels."""
    logp = np.log(np.clip(sentiment_probs, 1e-6, 1.0))
    out: np.ndarray = np.hstack([dense, scale * logp]).astype(np.float32)
    return out


def stack_shape(dense: np.ndarray, docs: Sequence[list[str]]) -> np.ndarray:
    """Dense features followed by the posts' shape features (see `heard.understanding.shape`)."""
    out: np.ndarray = np.hstack([dense, shape_features(docs)]).astype(np.float32)
    return out


def complaint_dense(
    dense: np.ndarray,
    texts: Sequence[str],
    docs: Sequence[list[str]],
    sentiment_probs: Callable[[], np.ndarray],
    stacking: Stacking,
) -> np.ndarray:
    """The dense features a complaint model that stacks `stacking` reads: the embedding, then the sentiment
    model's log-probabilities (when `sentiment_scale` > 0), the shape (when `shape`), the cues (when `cues`);
    `sentiment_probs` is asked only when something needs it. Training, evaluation and the pipeline stage all
    build them here, so in the same order."""
    probs = sentiment_probs() if stacking.sentiment_scale or stacking.cues else None
    if probs is not None and stacking.sentiment_scale:
        dense = stack_sentiment(dense, probs, stacking.sentiment_scale)
    if stacking.shape:
        dense = stack_shape(dense, docs)
    if probs is not None and stacking.cues:
        dense = np.hstack([dense, cue_features(texts, docs, probs)])
    return dense
