"""Stacking: the sentiment model's opinion joins a complaint model's dense features."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from heard.understanding.stacking import complaint_dense, stack_sentiment, unhappy_topic


def test_stacked_sentiment_adds_scaled_log_probabilities_and_survives_zero_probabilities() -> None:
    dense = np.ones((2, 4), np.float32)
    probs = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    out = stack_sentiment(dense, probs, 0.3)
    assert out.shape == (2, 7)
    assert np.array_equal(out[:, :4], dense)
    assert out[0, 4] == pytest.approx(0.3 * np.log(0.5))
    assert out[1, 4] == pytest.approx(0.0)
    assert np.all(np.isfinite(out))


def test_the_unhappy_topic_is_the_embedding_weighted_by_negative_tone_only_when_addressed() -> None:
    embedding = np.array([[0.6, 0.8], [0.6, 0.8], [1.0, 0.0]], np.float32)
    probs = np.array([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05], [0.2, 0.3, 0.5]])
    docs = [["<user>", "my", "order"], ["my", "order"], ["thanks", "<user>"]]
    out = unhappy_topic(embedding, docs, probs)
    assert out.shape == (3, 2)
    assert out[0] == pytest.approx([0.54, 0.72])
    assert np.array_equal(out[1], [0.0, 0.0])
    assert out[2] == pytest.approx([0.2, 0.0])


@dataclass
class _Stacks:
    sentiment_scale: float = 0.0
    shape: bool = False
    cues: bool = False
    unhappy_topic: bool = False


def test_complaint_dense_crosses_the_embedding_not_what_was_stacked_before_it() -> None:
    embedding = np.array([[0.6, 0.8]], np.float32)
    probs = np.array([[0.5, 0.25, 0.25]])
    docs = [["<user>", "broken"]]
    out = complaint_dense(embedding, ["@acme broken"], docs, lambda: probs, _Stacks(0.3, unhappy_topic=True))
    assert out.shape == (1, 2 + 3 + 2)
    assert out[0, -2:] == pytest.approx([0.3, 0.4])
    plain = complaint_dense(embedding, ["@acme broken"], docs, lambda: probs, _Stacks(0.3))
    assert plain.shape == (1, 5)
