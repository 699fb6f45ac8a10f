"""Stacking: the sentiment model's opinion joins a complaint model's dense features."""

from __future__ import annotations

import numpy as np
import pytest

from heard.understanding.stacking import stack_sentiment


def test_stacked_sentiment_adds_scaled_log_probabilities_and_survives_zero_probabilities() -> None:
    dense = np.ones((2, 4), np.float32)
    probs = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    out = stack_sentiment(dense, probs, 0.3)
    assert out.shape == (2, 7)
    assert np.array_equal(out[:, :4], dense)
    assert out[0, 4] == pytest.approx(0.3 * np.log(0.5))
    assert out[1, 4] == pytest.approx(0.0)
    assert np.all(np.isfinite(out))
