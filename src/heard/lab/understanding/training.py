"""Training and cross-validating the linear models (complaint, sentiment) from labelled texts.

The recipe is one function for both: TF-IDF word and character n-grams plus the static sentence embedding
as dense features (for complaints also the sentiment model's stacked log-probabilities, the post's shape and
its cues, see `heard.understanding.stacking`), class-balanced softmax regression, and for binary models Platt
calibration fitted on out-of-fold scores (so a probability of 0.8 means about 8 in 10 such posts are
complaints). Extra weakly labelled data (airline tweets for complaints) can be added with a lower weight; it is
never used to measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from heard.lab.understanding import fitting
from heard.lab.understanding.metrics import stratified_folds
from heard.understanding.classifier import LinearClassifier
from heard.understanding.embeddings import StaticEmbeddings
from heard.understanding.logistic import sigmoid
from heard.understanding.stacking import Stacking, complaint_dense, sentiment_dense
from heard.understanding.text import GramSpec, tokens
from heard.understanding.vectorize import Vocabulary, build_vocabulary


@dataclass
class Recipe:
    """The settings of one model; stored in the model's JSON so a figure can be traced to how it was made."""

    classes: list[str]
    spec: GramSpec = field(default_factory=GramSpec)
    min_df: int = 1
    max_feats: int = 200_000
    c: float = 10.0
    dense_scale: float = 1.0
    balanced: bool = True
    calibrate: bool = True
    extra_weight: float = 0.3
    max_iter: int = 500
    #: > 0: the sentiment model's log-probabilities, times this, join the dense features
    #: (see `heard.understanding.stacking`).
    sentiment_scale: float = 0.0
    #: The post's shape (length, handles, links, ... see `heard.understanding.shape`) joins the dense features.
    shape: bool = False
    #: Whom the post addresses and in whose voice, crossed with its sentiment (`heard.understanding.cues`).
    cues: bool = False
    #: > 0: the lexicon's valence features (`heard.understanding.valence`), times this, join a sentiment model's
    #: dense features.
    valence: float = 0.0
    #: The embedding times P(negative) times "names an account" (`heard.understanding.stacking.unhappy_topic`).
    unhappy_topic: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "spec": self.spec.to_json(),
            "min_df": self.min_df,
            "max_feats": self.max_feats,
            "c": self.c,
            "dense_scale": self.dense_scale,
            "balanced": self.balanced,
            "extra_weight": self.extra_weight,
            "max_iter": self.max_iter,
            "sentiment_scale": self.sentiment_scale,
            "shape": self.shape,
            "cues": self.cues,
            "valence": self.valence,
            "unhappy_topic": self.unhappy_topic,
        }


@dataclass
class Examples:
    """Texts, their tokens, their labels, per-example weights and dense features."""

    texts: list[str]
    toks: list[list[str]]
    labels: np.ndarray
    weights: np.ndarray
    dense: np.ndarray | None

    def take(self, idx: np.ndarray) -> Examples:
        dense = None if self.dense is None else self.dense[idx]
        return Examples(
            [self.texts[i] for i in idx], [self.toks[i] for i in idx], self.labels[idx], self.weights[idx], dense
        )

    def plus(self, other: Examples) -> Examples:
        dense = None
        if self.dense is not None and other.dense is not None:
            dense = np.vstack([self.dense, other.dense])
        return Examples(
            self.texts + other.texts,
            self.toks + other.toks,
            np.concatenate([self.labels, other.labels]),
            np.concatenate([self.weights, other.weights]),
            dense,
        )


def examples(
    texts: Sequence[str], labels: Sequence[int], emb: StaticEmbeddings | None, weight: float = 1.0
) -> Examples:
    toks = [tokens(t) for t in texts]
    dense = emb.embed_tokens(toks) if emb is not None else None
    return Examples(list(texts), toks, np.asarray(labels, dtype=np.int64), np.full(len(toks), weight), dense)


def sentiment_inputs(data: Examples, model: LinearClassifier | Recipe) -> Examples:
    """The examples with the dense features a sentiment model made by `model` reads (`sentiment_dense`)."""
    if data.dense is None:
        return data
    dense = sentiment_dense(data.dense, data.texts, data.toks, model)
    return Examples(data.texts, data.toks, data.labels, data.weights, dense)


def complaint_inputs(data: Examples, sentiment: LinearClassifier, stacking: Stacking) -> Examples:
    """The examples with the dense features a complaint model stacking `stacking` reads (`complaint_dense`)."""
    if data.dense is None:
        return data
    source = data.dense
    dense = complaint_dense(
        source,
        data.texts,
        data.toks,
        lambda: sentiment.proba(data.toks, sentiment_dense(source, data.texts, data.toks, sentiment)),
        stacking,
    )
    return Examples(data.texts, data.toks, data.labels, data.weights, dense)


def fit_model(train: Examples, recipe: Recipe, vocab: Vocabulary | None = None) -> LinearClassifier:
    """One fit, without calibration; the n-gram vocabulary is `vocab` when given (one built from unlabelled
    text), else the training texts' own."""
    k = len(recipe.classes)
    if vocab is None:
        vocab = build_vocabulary(train.toks, recipe.spec, recipe.min_df, recipe.max_feats)
    dense_dim = 0 if train.dense is None else train.dense.shape[1]
    model = LinearClassifier(
        recipe.classes, vocab, np.zeros((0, k), np.float32), np.zeros(k, np.float32), dense_dim, recipe.dense_scale
    )
    x = model.features(train.toks, train.dense)
    weights = train.weights.copy()
    if recipe.balanced:
        weights *= fitting.balanced_weights(train.labels, k)
    fitted = fitting.fit(x, train.labels, k, c=recipe.c, sample_weight=weights, max_iter=recipe.max_iter)
    model.weights, model.bias = fitted.weights, fitted.bias
    model.meta = {"recipe": recipe.to_json(), "n_train": len(train.toks)}
    return model


def out_of_fold_scores(
    data: Examples,
    recipe: Recipe,
    folds: int,
    extra: Examples | None = None,
    vocab: Vocabulary | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Scores of each example from a model that did not see it (extra data joins every training fold; a given
    vocabulary, built without labels, is shared by every fold; `seed` picks the split)."""
    out = np.zeros((len(data.toks), len(recipe.classes)), np.float32)
    for test_idx in stratified_folds(data.labels, folds, seed):
        train_idx = np.setdiff1d(np.arange(len(data.toks)), test_idx)
        train = data.take(train_idx)
        if extra is not None:
            train = train.plus(extra)
        model = fit_model(train, recipe, vocab)
        test = data.take(test_idx)
        out[test_idx] = model.scores(test.toks, test.dense)
    return out


def train(
    data: Examples,
    recipe: Recipe,
    extra: Examples | None = None,
    folds: int = 5,
    vocab: Vocabulary | None = None,
) -> tuple[LinearClassifier, np.ndarray | None]:
    """Fit on all data; binary models get Platt calibration from `folds`-fold out-of-fold scores, which are
    returned too (they are the cross-validation of this very recipe)."""
    calibration = None
    oof = None
    if recipe.calibrate and len(recipe.classes) == 2:
        oof = out_of_fold_scores(data, recipe, folds, extra, vocab)
        calibration = fitting.platt(oof[:, 1] - oof[:, 0], data.labels)
    model = fit_model(data if extra is None else data.plus(extra), recipe, vocab)
    if calibration is not None:
        model.calibration = calibration
        # The balanced model's own decision (score margin 0) is what maximises macro-F1 on held-out folds;
        # the threshold is that point on the calibrated scale.
        model.threshold = float(sigmoid(np.array([calibration[1]]))[0])
    return model, oof
