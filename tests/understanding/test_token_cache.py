"""The pipeline's path to TF-IDF rows (one n-gram lookup shared by both models, character n-gram ids remembered
per word) gives each model exactly the rows of cutting every n-gram through its own vocabulary, also when the
memory fills and starts again."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.understanding import lexicon as lexicon_module
from heard.understanding.judge import Understander
from heard.understanding.lexicon import SharedLexicon
from heard.understanding.text import GramSpec, model_text, split_model_text
from heard.understanding.vectorize import build_vocabulary, grams_of

POSTS = [
    "@AcmeHelp my order #1234 never arrived!!! refund please https://t.co/x",
    "@AcmeHelp my order never arrived, again",
    "Merci beaucoup pour votre aide rapide",
    "",
    "🙂🙂🙂",
    "same here same here same here",
]


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a.shape == b.shape and np.allclose(a.toarray(), b.toarray(), rtol=1e-6, atol=1e-7)


def _shared_rows(lexicon: SharedLexicon, toks: list[list[str]]) -> list:  # type: ignore[type-arg]
    counted = lexicon.count(grams_of(toks, lexicon.spec))
    return [lexicon.rows(i, counted) for i in range(len(lexicon.vocabs))]


@pytest.mark.parametrize("cache_size", [100_000, 3])
def test_shared_lookup_gives_each_model_its_own_rows(monkeypatch: pytest.MonkeyPatch, cache_size: int) -> None:
    monkeypatch.setattr(lexicon_module, "TOKEN_CACHE", cache_size)
    understander = Understander.default()
    vocabs = [understander.sentiment.vocab, understander.complaint.vocab]
    lexicon = SharedLexicon(vocabs)
    toks = [split_model_text(model_text(t)) for t in POSTS]
    for _ in range(2):  # the second pass reads what the first remembered
        for vocab, rows in zip(vocabs, _shared_rows(lexicon, toks), strict=True):
            full = vocab.transform(toks)
            assert full.nnz > 0
            assert _same(full, rows)
    assert len(lexicon._token_ids) <= max(cache_size, 1)


def test_vocabularies_that_differ_keep_their_own_ids_and_norms() -> None:
    spec = GramSpec()
    docs = [["late", "again", "!"], ["late", "refund"], ["thanks", "again"], ["refund", "refund", "now"]]
    first = build_vocabulary(docs[:2], spec, min_df=1)
    second = build_vocabulary(docs[2:], spec, min_df=1)
    lexicon = SharedLexicon([first, second])
    toks = [["late", "refund", "refund", "thanks"], ["nothing", "known"], []]
    for vocab, rows in zip([first, second], _shared_rows(lexicon, toks), strict=True):
        assert _same(vocab.transform(toks), rows)


def test_a_lexicon_refuses_vocabularies_that_cut_different_grams() -> None:
    a = build_vocabulary([["late"]], GramSpec(), min_df=1)
    b = build_vocabulary([["late"]], GramSpec(word_n=1), min_df=1)
    with pytest.raises(ValueError, match="same n-grams"):
        SharedLexicon([a, b])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=8))
def test_any_text_gives_the_same_rows_either_way(texts: list[str]) -> None:
    understander = Understander.default()
    toks = [split_model_text(model_text(t)) for t in texts]
    vocabs = [understander.sentiment.vocab, understander.complaint.vocab]
    assert len(understander.lexicons) == 1, "the shipped models cut the same n-grams and share one lookup"
    for vocab, rows in zip(vocabs, _shared_rows(understander.lexicons[0], toks), strict=True):
        assert _same(vocab.transform(toks), rows)


def test_a_model_retrained_with_other_ngrams_gets_its_own_lookup() -> None:
    from dataclasses import replace

    from heard.understanding.text import GramSpec

    shipped = Understander.default()
    toks = [split_model_text(model_text(t)) for t in POSTS]
    other = build_vocabulary(toks, GramSpec(word_n=1, char_min=3, char_max=4), min_df=1)
    complaint = replace(
        shipped.complaint, vocab=other, weights=shipped.complaint.weights[: other.size + shipped.complaint.dense_dim]
    )
    mixed = Understander(shipped.embeddings, complaint, shipped.sentiment, shipped.topics)
    assert len(mixed.lexicons) == 2
    judged = mixed.judge(POSTS)
    assert len(judged) == len(POSTS)
