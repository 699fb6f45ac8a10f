"""Training: the logistic regression solves what it should, and a trained model survives save/load exactly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from heard.cli import build
from heard.lab.understanding import fitting
from heard.understanding.classifier import LinearClassifier
from heard.understanding.embeddings import WEIGHTS_DIR, default_embeddings
from heard.understanding.stacking import complaint_dense, sentiment_dense
from heard.understanding.text import tokens

FIXTURES = Path(__file__).parent / "fixtures"


def test_fit_separates_separable_data_and_platt_is_monotone() -> None:
    x = np.array([[0.0, 1.0], [0.2, 0.9], [1.0, 0.0], [0.9, 0.1]])
    y = np.array([0, 0, 1, 1])
    fitted = fitting.fit(x, y, 2, c=100.0)
    pred = (x @ fitted.weights + fitted.bias).argmax(axis=1)
    assert pred.tolist() == [0, 0, 1, 1]
    a, _ = fitting.platt(np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0]), np.array([0, 0, 1, 0, 1, 1]))
    assert a > 0


def test_balanced_weights_give_each_class_the_same_total() -> None:
    w = fitting.balanced_weights(np.array([0, 0, 0, 1]), 2)
    assert w[:3].sum() == pytest.approx(w[3])


def test_train_complaint_command_saves_a_model_that_loads_and_predicts_the_same(tmp_path: Path) -> None:
    out = tmp_path / "complaint"
    result = CliRunner().invoke(
        build(), ["train", "complaint", "--data", str(FIXTURES / "complaints-small.csv"), "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 8
    assert 0.0 < report["threshold"] < 1.0
    model = LinearClassifier.load(out)
    assert np.load(out.with_suffix(".npz"), allow_pickle=False)["weights"].dtype == np.float16
    texts = ["you lost my luggage and nobody answers", "happy birthday, love you"]
    toks = [tokens(t) for t in texts]
    dense = default_embeddings().embed_tokens(toks)
    sentiment = LinearClassifier.load(WEIGHTS_DIR / "sentiment")
    embedded = dense
    dense = complaint_dense(
        dense, texts, toks, lambda: sentiment.proba(toks, sentiment_dense(embedded, texts, toks, sentiment)), model
    )
    assert model.dense_dim == dense.shape[1]
    probs = model.proba(toks, dense)
    assert probs[0, 1] > probs[1, 1]
    again = LinearClassifier.load(out)
    assert np.array_equal(again.proba(toks, dense), probs)


def test_train_complaint_refuses_a_corpus_folder_without_the_tweets(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build(),
        [
            "train",
            "complaint",
            "--data",
            str(FIXTURES / "complaints-small.csv"),
            "--corpus",
            str(tmp_path),
            "--out",
            str(tmp_path / "complaint"),
        ],
    )
    assert result.exit_code == 2
    assert "is not the shared data folder" in result.output
    assert not (tmp_path / "complaint.npz").exists()
