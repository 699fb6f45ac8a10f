"""The pipeline's path through the vocabulary (character n-gram ids remembered per word) gives exactly the
TF-IDF rows of cutting every n-gram, also when its memory fills and starts again."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.understanding import vectorize
from heard.understanding.judge import Understander
from heard.understanding.text import model_text, split_model_text
from heard.understanding.vectorize import grams_of

POSTS = [
    "@AcmeHelp my order #1234 never arrived!!! refund please https://t.co/x",
    "@AcmeHelp my order never arrived, again",
    "Merci beaucoup pour votre aide rapide",
    "",
    "🙂🙂🙂",
    "same here same here same here",
]


def _rows(model_vocab, toks, by_token):  # type: ignore[no-untyped-def]
    return model_vocab.transform_grams(grams_of(toks, model_vocab.spec, by_token=by_token))


@pytest.mark.parametrize("cache_size", [100_000, 3])
def test_remembered_ids_give_the_same_rows(monkeypatch: pytest.MonkeyPatch, cache_size: int) -> None:
    monkeypatch.setattr(vectorize, "TOKEN_CACHE", cache_size)
    understander = Understander.default()
    toks = [split_model_text(model_text(t)) for t in POSTS]
    for model in (understander.complaint, understander.sentiment):
        model.vocab._token_ids.clear()
        full = _rows(model.vocab, toks, by_token=False)
        for _ in range(2):  # the second pass reads what the first remembered
            fast = _rows(model.vocab, toks, by_token=True)
            assert (full != fast).nnz == 0
        assert len(model.vocab._token_ids) <= max(cache_size, 1)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=8))
def test_any_text_gives_the_same_rows_either_way(texts: list[str]) -> None:
    vocab = Understander.default().complaint.vocab
    toks = [split_model_text(model_text(t)) for t in texts]
    assert (_rows(vocab, toks, by_token=False) != _rows(vocab, toks, by_token=True)).nnz == 0
