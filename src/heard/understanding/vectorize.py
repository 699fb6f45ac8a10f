"""Sparse TF-IDF rows over a fixed n-gram vocabulary, computed a batch at a time.

Word n-grams and character n-grams are two blocks of one vocabulary, each block L2-normalised on its own
(so a long word list does not drown the character evidence, or the reverse). Term frequency is sublinear
(1 + log tf) because a word said three times is not three times the complaint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import sparse

from heard.understanding.text import GramSpec, char_grams, char_tokens, word_grams


@dataclass(frozen=True)
class Grams:
    """The word n-grams of a batch of token lists, cut once and read by every model, and each post's distinct
    words: `heard.understanding.lexicon.SharedLexicon` looks up the ids of a word's character n-grams,
    remembered from the last time it saw the word, instead of cutting them for every post (the pipeline's path;
    training cuts them in full, `Vocabulary.transform`)."""

    spec: GramSpec
    words: list[list[str]]
    tokens: list[list[str]]


def grams_of(docs: Sequence[list[str]], spec: GramSpec) -> Grams:
    return Grams(spec, [word_grams(t, spec) for t in docs], [char_tokens(t) for t in docs])


@dataclass
class Vocabulary:
    """The n-grams a model knows, with their inverse document frequency."""

    spec: GramSpec
    words: dict[str, int]
    chars: dict[str, int]
    idf: np.ndarray

    @property
    def size(self) -> int:
        return len(self.words) + len(self.chars)

    def transform(self, docs: Sequence[list[str]]) -> sparse.csr_matrix:
        """TF-IDF rows for token lists (see `heard.understanding.text.tokens`)."""
        offset = len(self.words)
        wget, cget = self.words.get, self.chars.get
        feats: list[int] = []
        # Per row, how many word and character features it has: row and block ids are expanded from these with
        # np.repeat, which is much cheaper than growing two more Python lists one id per feature.
        sizes: list[int] = []
        for toks in docs:
            w = [i for i in map(wget, word_grams(toks, self.spec)) if i is not None]
            c = [i + offset for i in map(cget, char_grams(toks, self.spec)) if i is not None]
            feats.extend(w)
            feats.extend(c)
            sizes.append(len(w))
            sizes.append(len(c))
        n_rows = len(docs)
        blocks = np.repeat(np.arange(2 * n_rows, dtype=np.int64), np.asarray(sizes, dtype=np.int64))
        if not feats:
            return sparse.csr_matrix((n_rows, self.size), dtype=np.float32)
        keys = (blocks // 2) * self.size + np.asarray(feats, dtype=np.int64)
        uniq, first, counts = np.unique(keys, return_index=True, return_counts=True)
        return tfidf_rows(n_rows, self.size, uniq // self.size, uniq % self.size, counts, blocks[first], self.idf)

    def to_json(self) -> dict[str, object]:
        return {"spec": self.spec.to_json(), "words": _ordered(self.words), "chars": _ordered(self.chars)}

    @classmethod
    def from_json(cls, data: dict[str, object], idf: np.ndarray) -> Vocabulary:
        spec = GramSpec.from_json(cast(dict[str, int], data["spec"]))
        words = {str(g): i for i, g in enumerate(cast(list[str], data["words"]))}
        chars = {str(g): i for i, g in enumerate(cast(list[str], data["chars"]))}
        return cls(spec, words, chars, idf.astype(np.float32))


def _ordered(index: dict[str, int]) -> list[str]:
    return [g for g, _ in sorted(index.items(), key=lambda item: item[1])]


def tfidf_rows(
    n_docs: int,
    n_feats: int,
    docs: np.ndarray,
    cols: np.ndarray,
    counts: np.ndarray,
    blocks: np.ndarray,
    idf: np.ndarray,
) -> sparse.csr_matrix:
    """TF-IDF rows from each post's distinct features and their counts, given in post order (`docs` ascending);
    `blocks` is 2 x post + (1 for the character block), the unit each L2 norm is taken over."""
    if cols.size == 0:
        return sparse.csr_matrix((n_docs, n_feats), dtype=np.float32)
    values = (1.0 + np.log(counts)) * idf[cols]
    norms = np.sqrt(np.bincount(blocks, weights=values * values, minlength=n_docs * 2))
    values = values / np.maximum(norms[blocks], 1e-12)
    # Entries already come post by post, so the row pointers are counts: no COO sort and conversion.
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=n_docs), out=indptr[1:])
    return sparse.csr_matrix((values.astype(np.float32), cols, indptr), shape=(n_docs, n_feats))


def build_vocabulary(
    docs: Iterable[list[str]], spec: GramSpec, min_df: int = 2, max_feats: int = 200_000
) -> Vocabulary:
    """Keep n-grams seen in at least `min_df` documents, the most frequent `max_feats` of them in each block."""
    word_df: Counter[str] = Counter()
    char_df: Counter[str] = Counter()
    n = 0
    for toks in docs:
        n += 1
        word_df.update(set(word_grams(toks, spec)))
        char_df.update(set(char_grams(toks, spec)))
    words = _select(word_df, min_df, max_feats)
    chars = _select(char_df, min_df, max_feats)
    df = np.array([word_df[g] for g in words] + [char_df[g] for g in chars], dtype=np.float64)
    idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
    return Vocabulary(spec, {g: i for i, g in enumerate(words)}, {g: i for i, g in enumerate(chars)}, idf)


def _select(df: Counter[str], min_df: int, limit: int) -> list[str]:
    kept = [(g, c) for g, c in df.items() if c >= min_df]
    kept.sort(key=lambda item: (-item[1], item[0]))
    return [g for g, _ in kept[:limit]]
