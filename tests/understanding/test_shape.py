"""A post's shape features: the counts TF-IDF normalisation hides, on the scale of the other dense features."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.understanding.shape import SHAPE_DIM, shape_features
from heard.understanding.stacking import stack_shape
from heard.understanding.text import tokens


def test_shape_counts_length_handles_links_hashtags_numbers_and_punctuation() -> None:
    toks = tokens("@acme @bob order 12 lost!! why?? #fail https://t.co/x")
    # <user> <user> order <num> lost !! why ?? #fail <url>
    row = shape_features([toks])[0]
    assert row.shape == (SHAPE_DIM,)
    expected = [math.log1p(10) / 3, 1 / 2, 2 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1.0]
    assert row.tolist() == pytest.approx(expected, rel=1e-6)


def test_a_lone_hash_is_not_a_hashtag_and_a_handle_later_does_not_start_the_post() -> None:
    row = shape_features([tokens("thanks # @acme")])[0]
    assert row[3] == 0.0
    assert row[2] == pytest.approx(1 / 3)
    assert row[7] == 0.0


def test_an_empty_post_has_an_all_zero_shape_and_stacking_appends_it() -> None:
    dense = np.ones((2, 3), np.float32)
    out = stack_shape(dense, [[], tokens("hello there")])
    assert out.shape == (2, 3 + SHAPE_DIM)
    assert np.array_equal(out[:, :3], dense)
    assert not out[0, 3:].any()
    assert out[1, 3] == pytest.approx(math.log1p(2) / 3)


def per_token_shape(toks: list[str]) -> list[float]:
    """The shape counted token by token, as the features are defined."""
    if not toks:
        return [0.0] * SHAPE_DIM
    return [
        math.log1p(len(toks)) / 3.0,
        toks.count("<url>") / 2.0,
        toks.count("<user>") / 3.0,
        sum(1 for t in toks if t[0] == "#" and len(t) > 1) / 3.0,
        toks.count("<num>") / 3.0,
        sum(1 for t in toks if "!" in t) / 3.0,
        sum(1 for t in toks if "?" in t) / 3.0,
        1.0 if toks[0] == "<user>" else 0.0,
    ]


PIECES = st.sampled_from([*"ab #!?@<>_'1. \n\u00e9", "http://x.y ", "@acme ", "#tag", "<url>", "!!?", "12.5"])


@given(st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=80))
def test_the_fast_counts_equal_counting_token_by_token(text: str) -> None:
    toks = tokens(text)
    assert shape_features([toks])[0].tolist() == pytest.approx(per_token_shape(toks), rel=1e-6)
