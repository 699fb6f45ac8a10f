"""Static sentence embeddings: a word -> vector table distilled offline from all-MiniLM-L6-v2.

`embed(texts)` averages the vectors of a text's words (tokens from `heard.understanding.text.tokens`) and
L2-normalises the result, so cosine similarity is a dot product. Words the table does not know are skipped;
a text with no known word gets the zero vector (similar to nothing). The table is a few MB of float16 and
costs microseconds per post, where the transformer it was distilled from costs tens of milliseconds.
How the table was made (docs/understanding.md, `heard.lab.understanding.distill`): each word's MiniLM vector,
then PCA to 128 dimensions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

from heard.understanding.text import tokens

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DEFAULT_STEM = WEIGHTS_DIR / "embeddings"


@dataclass
class StaticEmbeddings:
    """A vocabulary and its vectors (rows of `vectors`, float32 in memory)."""

    index: dict[str, int]
    vectors: np.ndarray

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def ids(self, toks: Sequence[str]) -> list[int]:
        get = self.index.get
        out: list[int] = []
        for tok in toks:
            i = get(tok)
            if i is None and len(tok) > 1 and tok[0] == "#":
                i = get(tok[1:])
            if i is not None:
                out.append(i)
        return out

    def embed_tokens(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """Unit-length mean vectors of token lists; zero rows for texts with no known word."""
        rows: list[int] = []
        cols: list[int] = []
        for row, toks in enumerate(docs):
            ids = self.ids(toks)
            cols.extend(ids)
            rows.extend([row] * len(ids))
        if not cols:
            return np.zeros((len(docs), self.dim), np.float32)
        bag = sparse.csr_matrix(
            (np.ones(len(cols), np.float32), (np.asarray(rows), np.asarray(cols))),
            shape=(len(docs), len(self.index)),
        )
        summed = np.asarray(bag @ self.vectors)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        out: np.ndarray = (summed / np.maximum(norms, 1e-9)).astype(np.float32)
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_tokens([tokens(t) for t in texts])

    def save(self, stem: Path) -> None:
        words = [w for w, _ in sorted(self.index.items(), key=lambda item: item[1])]
        np.savez_compressed(stem.with_suffix(".npz"), vectors=self.vectors.astype(np.float16))
        stem.with_suffix(".json").write_text(json.dumps({"words": words}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, stem: Path = DEFAULT_STEM) -> StaticEmbeddings:
        words = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))["words"]
        with np.load(stem.with_suffix(".npz"), allow_pickle=False) as arrays:
            vectors = arrays["vectors"].astype(np.float32)
        return cls({w: i for i, w in enumerate(words)}, vectors)


@cache
def default_embeddings() -> StaticEmbeddings:
    """The committed table, loaded once per process."""
    return StaticEmbeddings.load(DEFAULT_STEM)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length static embeddings (n x dim, float32) of texts, with the committed table."""
    return default_embeddings().embed(texts)
