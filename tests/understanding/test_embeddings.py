"""The static embeddings: unit vectors, similar texts closer than unrelated ones, unknown words skipped."""

from __future__ import annotations

import numpy as np

from heard.understanding.embeddings import embed


def test_unit_length_and_zero_for_nothing_known() -> None:
    vectors = embed(["my flight was delayed", "", "qqqzzzxxx"])
    assert vectors.shape[0] == 3
    assert vectors.dtype == np.float32
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-4
    assert float(np.abs(vectors[1]).sum()) == 0.0
    assert float(np.abs(vectors[2]).sum()) == 0.0


def test_paraphrases_are_closer_than_unrelated_posts() -> None:
    a, b, c = embed(
        ["my luggage was lost on the flight", "the airline lost my suitcase", "happy birthday to my best friend"]
    )
    assert float(a @ b) > float(a @ c) + 0.1
