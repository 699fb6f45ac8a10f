"""Tokens and n-grams: placeholders hide handles, links and numbers; hostile text is bounded."""

from __future__ import annotations

from heard.understanding.text import MAX_MODEL_CHARS, GramSpec, char_grams, model_text, tokens, word_grams


def test_placeholders_and_elongation() -> None:
    toks = tokens("@United flight 1234 was sooooo late!!! https://t.co/x #fail")
    assert toks == ["<user>", "flight", "<num>", "was", "soo", "late", "!!!", "<url>", "#fail"]


def test_word_and_char_grams_do_not_overlap() -> None:
    spec = GramSpec(2, 2, 3)
    words = word_grams(["my", "bag"], spec)
    assert words == ["my", "bag", "my bag"]
    chars = char_grams(["bag", "<url>"], spec)
    assert "~b" in chars
    assert "bag" in chars
    assert not any("<" in c for c in chars)


def test_long_text_is_cut_before_reading() -> None:
    assert len(model_text("a" * 100_000)) <= MAX_MODEL_CHARS
    assert len(tokens("word " * 50_000)) <= MAX_MODEL_CHARS
