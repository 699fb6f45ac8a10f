"""The pipeline's embedder remembers the rows of texts it embedded lately: the rows are the inner embedder's."""

from __future__ import annotations

import numpy as np

from heard.incidents.embedders import RememberingEmbedder
from heard.incidents.lexical import LexicalEmbedder

TEXTS = ["my bag never arrived", "refund still missing after 3 weeks", "app crashes at login", "my bag never arrived"]


class Counting:
    def __init__(self) -> None:
        self.inner = LexicalEmbedder()
        self.name, self.dimensions = self.inner.name, self.inner.dimensions
        self.embedded: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return self.inner.embed(texts)


def test_rows_equal_the_inner_embedders_and_each_text_is_embedded_once() -> None:
    counting = Counting()
    remembering = RememberingEmbedder(counting, size=10)
    first = remembering.embed(TEXTS)
    again = remembering.embed(list(reversed(TEXTS)))
    assert np.array_equal(first, LexicalEmbedder().embed(TEXTS))
    assert np.array_equal(again, first[::-1])
    assert sorted(counting.embedded) == sorted(set(TEXTS))
    assert remembering.name == counting.name
    assert remembering.dimensions == counting.dimensions
    assert remembering.embed([]).shape == (0, counting.dimensions)


def test_the_oldest_texts_are_forgotten_past_the_size() -> None:
    counting = Counting()
    remembering = RememberingEmbedder(counting, size=2)
    remembering.embed(["one", "two"])
    remembering.embed(["three"])
    remembering.embed(["two", "one"])
    assert counting.embedded == ["one", "two", "three", "one"]
