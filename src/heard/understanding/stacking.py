"""What a complaint model reads beside its n-grams: the static embedding, then (as its recipe says) the sentiment
model's stacked log-probabilities, the post's shape, its cues and its unhappy topic. The pipeline stage builds
them here at run time; training and evaluation (`heard.lab.understanding`) build them here too, so always in the
same order.
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

    @property
    def unhappy_topic(self) -> bool: ...


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


def unhappy_topic(embedding: np.ndarray, docs: Sequence[list[str]], sentiment_probs: np.ndarray) -> np.ndarray:
    """The embedding times P(negative) (the sentiment model's first class) times whether the post names an
    account: what an unhappy post addressed to someone is about. The cues cross the tone with the address, but
    a linear model then weighs every unhappy addressed post alike; this lets it learn which subjects (an order,
    a flight, an app) make such a post a complaint and which (a politician, a match) do not. Zero for a post
    that names no account, so it costs nothing where it cannot apply."""
    addressed = np.fromiter(("<user>" in toks for toks in docs), dtype=np.float32, count=len(docs))
    weight = np.asarray(sentiment_probs, np.float32)[:, 0] * addressed
    out: np.ndarray = (embedding * weight[:, None]).astype(np.float32)
    return out


def complaint_dense(
    dense: np.ndarray,
    texts: Sequence[str],
    docs: Sequence[list[str]],
    sentiment_probs: Callable[[], np.ndarray],
    stacking: Stacking,
) -> np.ndarray:
    """The dense features a complaint model that stacks `stacking` reads: the embedding, then the sentiment
    model's log-probabilities (when `sentiment_scale` > 0), the shape (when `shape`), the cues (when `cues`),
    the unhappy topic (when `unhappy_topic`); `sentiment_probs` is asked only when something needs it.
    Training, evaluation and the pipeline stage all build them here, so in the same order."""
    embedding = dense
    needs_probs = stacking.sentiment_scale or stacking.cues or stacking.unhappy_topic
    probs = sentiment_probs() if needs_probs else None
    if probs is not None and stacking.sentiment_scale:
        dense = stack_sentiment(dense, probs, stacking.sentiment_scale)
    if stacking.shape:
        dense = stack_shape(dense, docs)
    if probs is not None and stacking.cues:
        dense = np.hstack([dense, cue_features(texts, docs, probs)])
    if probs is not None and stacking.unhappy_topic:
        dense = np.hstack([dense, unhappy_topic(embedding, docs, probs)])
    return dense
