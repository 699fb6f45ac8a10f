"""File-level training and evaluation workflows behind `heard train ...` and `heard eval ...`.

Each returns a dict of figures, so the command prints it and the tests check it. Recipes for the committed
models live here (COMPLAINT_RECIPE, SENTIMENT_RECIPE): `--cv` uses the same recipe as `heard train`, so the
cross-validated figure describes the model that ships.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from heard.errors import BadInput
from heard.lab.understanding.datasets import SENTIMENTS, read_airline, read_complaints, read_tweeteval
from heard.lab.understanding.distill import tweets
from heard.lab.understanding.evaluate import (
    complaint_figures,
    cross_validate_complaints,
    cross_validate_sentiment,
    eval_complaints_model,
    eval_sentiment_model,
    holdout_complaints,
    vader_complaint_figures,
    vader_sentiment_figures,
)
from heard.lab.understanding.training import (
    Examples,
    Recipe,
    complaint_inputs,
    examples,
    sentiment_inputs,
    train,
)
from heard.understanding.classifier import LinearClassifier
from heard.understanding.embeddings import WEIGHTS_DIR, StaticEmbeddings, default_embeddings
from heard.understanding.logistic import sigmoid
from heard.understanding.text import GramSpec, tokens
from heard.understanding.topics import Taxonomy, TopicModel
from heard.understanding.vectorize import Vocabulary, build_vocabulary

COMPLAINT_RECIPE = Recipe(
    ["not_complaint", "complaint"],
    GramSpec(2, 2, 5),
    min_df=3,
    c=10.0,
    dense_scale=1.0,
    sentiment_scale=0.3,
    shape=True,
    cues=True,
    unhappy_topic=True,
)
SENTIMENT_RECIPE = Recipe(
    list(SENTIMENTS),
    GramSpec(2, 2, 5),
    min_df=2,
    max_feats=150_000,
    c=1.0,
    dense_scale=1.0,
    calibrate=False,
    extra_weight=0.5,
    valence=1.0,
)
#: Airline negative reasons that mean the tweet reports a problem (the rest: "Can't Tell").
_COMPLAINT_REASONS = {
    "Customer Service Issue",
    "Late Flight",
    "Cancelled Flight",
    "Lost Luggage",
    "Bad Flight",
    "Flight Booking Problems",
    "Flight Attendant Complaints",
    "longlines",
    "Damaged Luggage",
}
#: Airline negative reasons and the topic of the shipped airline taxonomy that should cover them.
REASON_TOPICS = {
    "Late Flight": "delay",
    "Cancelled Flight": "cancellation",
    "Lost Luggage": "baggage",
    "Damaged Luggage": "baggage",
    "Customer Service Issue": "staff",
    "Flight Attendant Complaints": "staff",
    "Flight Booking Problems": "booking",
    "Bad Flight": "inflight",
    "longlines": "airport",
}


def _complaint_examples(
    texts: list[str], labels: list[int], emb: StaticEmbeddings, sentiment: LinearClassifier, weight: float = 1.0
) -> Examples:
    """Complaint examples: n-grams, the static embedding and (per the recipe) the sentiment model's opinion, the
    post's shape and its cues."""
    data = examples(texts, labels, emb, weight)
    return complaint_inputs(data, sentiment, COMPLAINT_RECIPE)


def _sentiment_examples(texts: list[str], labels: list[int], weight: float = 1.0) -> Examples:
    """Sentiment examples: n-grams, the static embedding and (per the recipe) the lexicon's valence."""
    return sentiment_inputs(examples(texts, labels, default_embeddings(), weight), SENTIMENT_RECIPE)


def _weak_complaints(path: Path, emb: StaticEmbeddings, sentiment: LinearClassifier, weight: float) -> Examples:
    """Airline tweets as weak complaint labels: a negative tweet with a concrete reason is a complaint,
    a positive one is not (neutral and "Can't Tell" are left out as too ambiguous)."""
    data = read_airline(path)
    texts, labels = [], []
    for text, row in zip(data.texts, data.extra, strict=True):
        tone, reason = row.get("airline_sentiment"), row.get("negativereason", "")
        if tone == "negative" and reason in _COMPLAINT_REASONS:
            texts.append(text)
            labels.append(1)
        elif tone == "positive":
            texts.append(text)
            labels.append(0)
    return _complaint_examples(texts, labels, emb, sentiment, weight)


def corpus_vocabulary(folder: Path, recipe: Recipe) -> Vocabulary:
    """The n-grams (and their idf) of the unlabelled tweets in `folder` (the shared data folder: TweetEval,
    TwACS, twcs, airline; never the complaints file), kept when seen in at least `recipe.min_df` of them.
    Built without any label, so one vocabulary can serve every cross-validation fold honestly."""
    try:
        texts = tweets(folder)
    except (OSError, KeyError) as exc:
        raise BadInput(f"{folder} is not the shared data folder (TweetEval, TwACS, twcs, airline): {exc}") from exc
    return build_vocabulary([tokens(t) for t in texts], recipe.spec, recipe.min_df, recipe.max_feats)


def eval_complaints(
    file: Path, cv: int = 0, extra: Path | None = None, repeats: int = 1, holdout: float = 0.0
) -> dict[str, Any]:
    data = read_complaints(file)
    if not data.texts:
        raise BadInput(f"{file} has no labelled rows")
    emb = default_embeddings()
    committed = LinearClassifier.load(WEIGHTS_DIR / "complaint")
    sentiment = LinearClassifier.load(WEIGHTS_DIR / "sentiment")
    if holdout:
        if not 0.05 <= holdout <= 0.5:
            raise BadInput("--holdout must be a fraction between 0.05 and 0.5")
        vocab = committed.vocab if committed.meta.get("vocabulary") == "corpus" else None
        recipe = COMPLAINT_RECIPE if vocab is not None else replace(COMPLAINT_RECIPE, min_df=1)
        labelled = _complaint_examples(data.texts, data.labels, emb, sentiment)
        ours = holdout_complaints(labelled, recipe, holdout, max(cv, 2), vocab)
        return {**ours, "skipped_rows": data.skipped}
    if cv:
        if cv < 2 or cv > len(data.texts):
            raise BadInput(f"--cv must be between 2 and the number of rows ({len(data.texts)})")
        weak = _weak_complaints(extra, emb, sentiment, COMPLAINT_RECIPE.extra_weight) if extra else None
        # The committed model's vocabulary came from unlabelled tweets only, so every fold may share it.
        vocab = committed.vocab if committed.meta.get("vocabulary") == "corpus" else None
        recipe = COMPLAINT_RECIPE if vocab is not None else replace(COMPLAINT_RECIPE, min_df=1)
        labelled = _complaint_examples(data.texts, data.labels, emb, sentiment)
        ours = cross_validate_complaints(labelled, recipe, cv, weak, vocab, repeats)
    else:
        ours = eval_complaints_model(committed, emb, data.texts, data.labels, sentiment)
    return {**ours, "skipped_rows": data.skipped, "vader": vader_complaint_figures(data.texts, data.labels)}


def eval_sentiment(
    text: Path, labels: Path, cv: int = 0, train_folder: Path | None = None, airline: Path | None = None
) -> dict[str, Any]:
    """The committed sentiment model on `text`/`labels` (TweetEval val); with `cv` > 1 also `cv`-fold
    cross-validation of its recipe on TweetEval train (`train_folder`, default the folder of `text`), so a
    figure tuned to val alone shows beside one it was never tuned on. `airline` joins every training fold, as
    it joins the committed model's training."""
    data = read_tweeteval(text, labels)
    if not data.texts:
        raise BadInput(f"{text} has no labelled lines")
    model = LinearClassifier.load(WEIGHTS_DIR / "sentiment")
    emb = default_embeddings()
    ours = eval_sentiment_model(model, emb, data.texts, data.labels)
    out = {**ours, "skipped_rows": data.skipped, "vader": vader_sentiment_figures(data.texts, data.labels)}
    if cv:
        folder = train_folder if train_folder is not None else text.parent
        train_data = read_tweeteval(folder / "train_text.txt", folder / "train_labels.txt")
        if cv < 2 or cv > len(train_data.texts):
            raise BadInput(f"--cv must be between 2 and the number of training lines ({len(train_data.texts)})")
        extra = None
        if airline is not None:
            air = read_airline(airline)
            extra = _sentiment_examples(air.texts, air.labels, SENTIMENT_RECIPE.extra_weight)
        # The committed vocabulary was cut from the training texts without their labels, so the folds share it.
        out["cv"] = cross_validate_sentiment(
            _sentiment_examples(train_data.texts, train_data.labels), SENTIMENT_RECIPE, cv, extra, model.vocab
        )
        out["val_macro_recall"] = ours["macro_recall"]
        out["cv_macro_recall"] = out["cv"]["macro_recall"]
    return out


def eval_topics(file: Path, taxonomy: str = "airline") -> dict[str, Any]:
    """Accuracy of the taxonomy's topic on airline tweets whose negative reason maps to one of its topics."""
    data = read_airline(file)
    pairs = [
        (t, REASON_TOPICS[r["negativereason"]])
        for t, r in zip(data.texts, data.extra, strict=True)
        if r.get("negativereason") in REASON_TOPICS
    ]
    if not pairs:
        raise BadInput(f"{file} has no rows with a known negativereason")
    emb = default_embeddings()
    model = TopicModel.train(Taxonomy.load(taxonomy), emb)
    texts = [t for t, _ in pairs]
    predicted = model.predict(texts, emb.embed(texts))
    gold = np.array([g for _, g in pairs])
    got = np.array([p or "" for p, _ in predicted])
    per_topic = {topic: round(100 * float(np.mean(got[gold == topic] == topic)), 2) for topic in sorted(set(gold))}
    return {
        "accuracy": round(100 * float(np.mean(got == gold)), 2),
        "coverage": round(100 * float(np.mean(got != "")), 2),
        "accuracy_when_assigned": round(100 * float(np.mean((got == gold)[got != ""])), 2)
        if np.any(got != "")
        else 0.0,
        "recall_per_topic": per_topic,
        "n": len(pairs),
    }


def train_complaint(data_path: Path, extra: Path | None, out: Path, corpus: Path | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    data = read_complaints(data_path)
    if not data.texts:
        raise BadInput(f"{data_path} has no labelled rows")
    emb = default_embeddings()
    # The committed sentiment model (trained without complaint labels) is stacked in; train it first.
    sentiment = LinearClassifier.load(WEIGHTS_DIR / "sentiment")
    weak = _weak_complaints(extra, emb, sentiment, COMPLAINT_RECIPE.extra_weight) if extra else None
    labelled = _complaint_examples(data.texts, data.labels, emb, sentiment)
    recipe = COMPLAINT_RECIPE if corpus is not None else replace(COMPLAINT_RECIPE, min_df=1)
    vocab = corpus_vocabulary(corpus, recipe) if corpus is not None else None
    model, oof = train(labelled, recipe, weak, vocab=vocab)
    model.meta["vocabulary"] = "corpus" if corpus is not None else "train"
    model.meta["data"] = {"train": data_path.name, "extra": extra.name if extra else None}
    model.save(out)
    cv = None
    if oof is not None:
        cv = complaint_figures(labelled.labels, sigmoid(oof[:, 1] - oof[:, 0]), 0.5)
    return {
        "cv5": cv,
        "out": str(out),
        "n": len(data.texts),
        "n_extra": 0 if weak is None else len(weak.toks),
        "features": model.vocab.size,
        "threshold": round(model.threshold, 4),
        "seconds": round(time.perf_counter() - started, 1),
    }


def train_sentiment(folder: Path, airline: Path | None, out: Path) -> dict[str, Any]:
    started = time.perf_counter()
    data = read_tweeteval(folder / "train_text.txt", folder / "train_labels.txt")
    if not data.texts:
        raise BadInput(f"{folder} has no labelled lines")
    extra = None
    if airline is not None:
        air = read_airline(airline)
        extra = _sentiment_examples(air.texts, air.labels, SENTIMENT_RECIPE.extra_weight)
    # `train` cuts the n-gram vocabulary from the tokens of TweetEval and the airline tweets together.
    model, _ = train(_sentiment_examples(data.texts, data.labels), SENTIMENT_RECIPE, extra)
    model.meta["data"] = {"train": str(folder.name), "airline": airline.name if airline else None}
    model.save(out)
    return {
        "out": str(out),
        "n": len(data.texts) + (len(extra.texts) if extra is not None else 0),
        "airline_weight": SENTIMENT_RECIPE.extra_weight if extra is not None else None,
        "features": model.vocab.size,
        "seconds": round(time.perf_counter() - started, 1),
    }


def train_topic(taxonomy: str, out: Path) -> dict[str, Any]:
    model = TopicModel.train(Taxonomy.load(taxonomy), default_embeddings())
    model.save(out)
    return {"out": str(out), "topics": model.taxonomy.topics}
