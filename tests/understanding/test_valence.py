"""The lexicon's valence features: signs, negation, "but", the raw text's signals, and who reads them."""

from __future__ import annotations

import numpy as np

from heard.understanding.classifier import LinearClassifier
from heard.understanding.embeddings import WEIGHTS_DIR
from heard.understanding.stacking import sentiment_dense
from heard.understanding.text import tokens
from heard.understanding.valence import WIDTH, lexicon, valence_features

POS_SUM, NEG_SUM, BALANCE, NEG_AFTER_BUT, ANY_RATED = 0, 1, 7, 9, 10
FACES_POS, FACES_NEG, SHOUTED, BANGS, QUESTIONS = 11, 12, 13, 14, 15


def features(text: str) -> np.ndarray:
    out: np.ndarray = valence_features([text], [tokens(text)])[0]
    return out


def test_the_lexicon_rates_words_slang_and_emoji() -> None:
    rated = lexicon()
    assert rated["good"] > 0 > rated["awful"]
    assert rated["lol"] > 0
    assert rated["😠"] < 0 < rated["😀"]


def test_a_negation_turns_a_good_word_against_the_post() -> None:
    plain, negated = features("the service was good"), features("the service was not good at all")
    assert plain[BALANCE] > 0 > negated[BALANCE]
    assert negated[NEG_SUM] > 0
    assert negated[POS_SUM] == 0


def test_what_follows_but_is_kept_apart() -> None:
    assert features("nice crew but the delay was awful")[NEG_AFTER_BUT] > 0
    assert features("the delay was awful but nice crew")[NEG_AFTER_BUT] == 0


def test_the_raw_text_gives_faces_shouting_and_punctuation() -> None:
    row = features("WORST airline EVER!!! why?? :(")
    assert row[FACES_NEG] > 0
    assert row[FACES_POS] == 0
    assert row[SHOUTED] > 0
    assert row[BANGS] > row[QUESTIONS] > 0
    assert features("thanks :)")[FACES_POS] > 0


def test_text_with_no_rated_word_gets_zeros_and_any_batch_the_same_width() -> None:
    assert features("flight 1234 to boston")[ANY_RATED] == 0
    assert valence_features([], []).shape == (0, WIDTH)
    hostile = "<script>" * 10_000
    assert valence_features([hostile], [tokens(hostile)]).shape == (1, WIDTH)


def test_the_shipped_sentiment_model_reads_the_valence_and_an_older_one_does_not() -> None:
    model = LinearClassifier.load(WEIGHTS_DIR / "sentiment")
    texts = ["not good at all", "great!"]
    emb = np.zeros((2, 128), np.float32)
    assert model.valence > 0
    assert model.dense_dim == 128 + WIDTH
    assert sentiment_dense(emb, texts, [tokens(t) for t in texts], model).shape == (2, model.dense_dim)
    model.meta["recipe"] = {k: v for k, v in model.meta["recipe"].items() if k != "valence"}
    assert sentiment_dense(emb, texts, [tokens(t) for t in texts], model) is emb
