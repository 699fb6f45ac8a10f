"""The committed weights reproduce the figures recorded in docs/understanding.md (on ../shared/data).

`weights/figures.json` holds what `heard eval ...` printed when the weights were committed; the committed
files must still give those figures (within a small tolerance for float16 and BLAS order).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heard.lab.understanding.workflows import eval_complaints, eval_sentiment
from tests.conftest import shared_path

FIGURES = json.loads((Path(__file__).resolve().parents[3] / "src/heard/understanding/weights/figures.json").read_text())
TOLERANCE = 0.5


def test_complaint_weights_reproduce_their_figures() -> None:
    figures = eval_complaints(shared_path("data", "complaints", "complaints-dev.csv"))
    for key in ("macro_f1", "f1_complaint", "accuracy", "roc_auc"):
        assert figures[key] == pytest.approx(FIGURES["complaints_dev_fit"][key], abs=TOLERANCE)


def test_complaint_recipe_cross_validates_to_its_recorded_figure_and_the_target() -> None:
    # The fit figure above is ~100 by construction; this is the honest one (`heard eval complaints --cv 5`).
    figures = eval_complaints(shared_path("data", "complaints", "complaints-dev.csv"), cv=5)
    recorded = FIGURES["complaints_dev_cv5"]
    for key in ("macro_f1", "roc_auc"):
        assert figures[key] == pytest.approx(recorded[key], abs=TOLERANCE)
    assert figures["macro_f1"] >= 85.0


def test_sentiment_weights_reproduce_their_figures() -> None:
    folder = shared_path("data", "tweeteval-sentiment")
    figures = eval_sentiment(folder / "val_text.txt", folder / "val_labels.txt")
    for key in ("macro_recall", "accuracy"):
        assert figures[key] == pytest.approx(FIGURES["tweeteval_val"][key], abs=TOLERANCE)
    assert figures["macro_recall"] >= 65.0
