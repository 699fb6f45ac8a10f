"""A post's cues: whom it addresses, in whose voice, and its tone crossed with its address."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.lab.understanding.training import Recipe
from heard.understanding.cues import CUES_DIM, cue_features
from heard.understanding.shape import SHAPE_DIM
from heard.understanding.stacking import complaint_dense
from heard.understanding.text import tokens

NEGATIVE = np.array([[0.8, 0.15, 0.05]], np.float32)


def cues(text: str, probs: np.ndarray = NEGATIVE) -> np.ndarray:
    row: np.ndarray = cue_features([text], [tokens(text)], probs)[0]
    return row


def test_a_complaint_to_a_care_account_carries_its_tone_on_all_three_address_cues() -> None:
    row = cues("@AcmeSupport my order never came and you don't answer!!")
    assert row.shape == (CUES_DIM,)
    care, digits, first, second, negations = row[:5]
    assert (care, digits) == (1.0, 0.0)
    assert first == pytest.approx(1 / 3)  # my
    assert second == pytest.approx(1 / 3)  # you
    assert negations == pytest.approx(2 / 3)  # never, don't
    crossed = row[7:].reshape(3, 3)  # sentiment class x (names an account, opens with one, names a care account)
    assert crossed[0].tolist() == pytest.approx([0.8, 0.8, 0.8])
    assert crossed[2].tolist() == pytest.approx([0.05, 0.05, 0.05])


def test_the_same_tone_unaddressed_crosses_to_nothing() -> None:
    row = cues("my order never came")
    assert not row[7:].any()
    assert row[2] == pytest.approx(1 / 3)


def test_a_handle_later_in_the_post_is_named_but_does_not_open_it() -> None:
    crossed = cues("my order never came @acme")[7:].reshape(3, 3)
    assert crossed[0].tolist() == pytest.approx([0.8, 0.0, 0.0])


def test_care_words_and_two_digits_are_read_from_handles_only() -> None:
    assert cues("@AskAcme hello")[0] == 1.0
    assert cues("@acme_help hello")[0] == 1.0
    assert cues("@bob I need support and help")[0] == 0.0
    assert cues("@jane1987 hello")[1] == 1.0
    assert cues("@acme order 1987")[1] == 0.0


def test_which_ordinary_handle_it_is_changes_nothing() -> None:
    assert np.array_equal(cues("@bob this is awful"), cues("@janedoe this is awful"))


def test_shouting_and_elongation_are_counted_from_the_raw_text() -> None:
    row = cues("WHY is my order SO late, sooooo tired")
    assert row[5] == pytest.approx(2 / 3)
    assert row[6] == pytest.approx(1 / 2)


def test_an_empty_post_has_no_cues() -> None:
    assert not cues("").any()
    assert not cues("   ").any()


def test_a_complaint_model_with_cues_reads_them_after_the_shape() -> None:
    texts = ["@acme my bag is lost", ""]
    docs = [tokens(t) for t in texts]
    dense = np.ones((2, 4), np.float32)
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]], np.float32)
    recipe = Recipe(["no", "yes"], sentiment_scale=0.3, shape=True, cues=True)
    out = complaint_dense(dense, texts, docs, lambda: probs, recipe)
    assert out.shape == (2, 4 + 3 + SHAPE_DIM + CUES_DIM)
    assert np.array_equal(out[:, 4 + 3 + SHAPE_DIM :], cue_features(texts, docs, probs))
    without = complaint_dense(dense, texts, docs, lambda: probs, Recipe(["no", "yes"], sentiment_scale=0.3, shape=True))
    assert np.array_equal(out[:, : without.shape[1]], without)


@given(st.text(max_size=400))
def test_any_text_gives_finite_cues(text: str) -> None:
    row = cues(text)
    assert row.shape == (CUES_DIM,)
    assert np.all(np.isfinite(row))
