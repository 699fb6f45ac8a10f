"""The text representations grouping can use, by name (vectors of different embedders are never compared).

`lexical` ships with this feature. `static` wraps the understanding feature's static sentence embeddings
(`heard.understanding.embeddings.embed`, distilled from MiniLM) when that module and its weights are
installed; it is looked up at run time so grouping works without it. `hybrid` concatenates both, each
scaled by 1/sqrt(2) so rows stay unit length and a cosine is the mean of the two cosines.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Sequence
from typing import Any

import numpy as np

from heard.errors import BadInput
from heard.incidents.lexical import LexicalEmbedder, unit_rows
from heard.pipeline.group import Embedder

DEFAULT = "lexical"
NAMES = ("lexical", "static", "hybrid")


class StaticEmbedder:
    """The understanding feature's static embeddings, behind grouping's Embedder protocol."""

    name = "static-minilm"

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray], dimensions: int) -> None:
        self._embed = embed
        self.dimensions = dimensions

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return unit_rows(np.asarray(self._embed([t if isinstance(t, str) else "" for t in texts])))


class HybridEmbedder:
    """Lexical and static vectors side by side: exact wording and meaning both count."""

    def __init__(self, first: Embedder, second: Embedder) -> None:
        self._parts = (first, second)
        self.name = f"hybrid:{first.name}+{second.name}"
        self.dimensions = first.dimensions + second.dimensions

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        parts = [part.embed(texts) for part in self._parts]
        joined: np.ndarray = (np.hstack(parts) / np.sqrt(2.0)).astype(np.float32)
        return joined


def static_embedder() -> StaticEmbedder:
    try:
        module: Any = importlib.import_module("heard.understanding.embeddings")
        probe = np.asarray(module.embed(["probe"]))
    except (ImportError, AttributeError, OSError, ValueError) as exc:
        raise BadInput(f"static embeddings are not installed here ({type(exc).__name__}: {exc})", "static") from exc
    return StaticEmbedder(module.embed, int(probe.shape[1]))


def make_embedder(name: str = DEFAULT, brand_terms: Collection[str] = ()) -> Embedder:
    """The embedder called `name`; `brand_terms` (the brand's handles and names) are ignored in texts."""
    if name == "lexical":
        return LexicalEmbedder(stop_terms=brand_terms)
    if name == "static":
        return static_embedder()
    if name == "hybrid":
        return HybridEmbedder(LexicalEmbedder(stop_terms=brand_terms), static_embedder())
    raise BadInput(f"unknown embedder {name!r}; choose one of {', '.join(NAMES)}", name)


class RememberingEmbedder:
    """Another embedder's rows for the texts it embedded last, kept (at most `size`): the pipeline embeds a
    batch's complaints to group them, then the posts of the incidents they opened or grew to describe them,
    mostly the same texts. Rows are the inner embedder's, so vectors compare with its own."""

    def __init__(self, inner: Embedder, size: int = 4096) -> None:
        self._inner = inner
        self._size = size
        self._rows: dict[str, np.ndarray] = {}
        self.name = inner.name
        self.dimensions = inner.dimensions

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self._inner.embed(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self._rows))
        if missing:
            for text, row in zip(missing, self._inner.embed(missing), strict=True):
                self._rows[text] = row
        rows = np.stack([self._rows[t] for t in texts])
        # Oldest first out (dicts keep insertion order), once this call's rows are read.
        for stale in list(self._rows)[: max(0, len(self._rows) - self._size)]:
            del self._rows[stale]
        return rows
