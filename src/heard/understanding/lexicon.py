"""One lookup of a batch's n-grams for every model that reads them: the pipeline's path to TF-IDF rows.

The complaint and sentiment models have vocabularies of their own (built with different cut-offs from
different data) but read the same n-grams of the same posts. Looking each n-gram up once, in the union of the
vocabularies, and turning union ids into each model's ids with one numpy take, does the per-post Python work
once instead of once per model; what is left per model is array arithmetic over the batch. The rows are the
ones each `Vocabulary.transform` gives (a property test checks it).

Character n-grams are looked up per word, and the ids of a word's n-grams are remembered (up to
`TOKEN_CACHE` words): words repeat across posts far more than posts do, so most of the slicing and dictionary
lookups are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from scipy import sparse

from heard.understanding.text import GramSpec, token_char_grams
from heard.understanding.vectorize import Grams, Vocabulary, tfidf_rows

#: Words whose character n-gram ids are remembered (about 0.2 KB a word); past this the memory starts again,
#: so it stays bounded whatever the stream says.
TOKEN_CACHE = 100_000


@dataclass(frozen=True)
class Counted:
    """Each post's distinct n-grams, as union ids with their counts (sorted by post)."""

    n_docs: int
    docs: np.ndarray
    ids: np.ndarray
    counts: np.ndarray


class SharedLexicon:
    """The union of several vocabularies of one `GramSpec`, with each vocabulary's id for every union id."""

    def __init__(self, vocabs: Sequence[Vocabulary]) -> None:
        if not vocabs:
            raise ValueError("a lexicon needs at least one vocabulary")
        spec = vocabs[0].spec
        if any(v.spec != spec for v in vocabs):
            raise ValueError("the vocabularies of a shared lexicon must cut the same n-grams")
        self.spec: GramSpec = spec
        self.vocabs = list(vocabs)
        self.words: dict[str, int] = {}
        chars: dict[str, int] = {}
        for vocab in vocabs:
            for gram in vocab.words:
                self.words.setdefault(gram, len(self.words))
            for gram in vocab.chars:
                chars.setdefault(gram, len(chars))
        offset = len(self.words)
        self.chars = {gram: offset + i for gram, i in chars.items()}
        self.size = offset + len(chars)
        self._maps: list[np.ndarray] = []
        for vocab in vocabs:
            to_model = np.full(self.size, -1, dtype=np.int64)
            to_model[[self.words[g] for g in vocab.words]] = list(vocab.words.values())
            to_model[[self.chars[g] for g in vocab.chars]] = [len(vocab.words) + i for i in vocab.chars.values()]
            self._maps.append(to_model)
        self._token_ids: dict[str, np.ndarray] = {}

    def count(self, grams: Grams) -> Counted:
        """Union ids and counts of each post's n-grams (word n-grams, then the n-grams of its distinct words)."""
        if grams.spec != self.spec:
            raise ValueError("n-grams cut with another spec than the lexicon's")
        n_docs = len(grams.words)
        doc_ids = np.arange(n_docs, dtype=np.int64)
        # The whole batch at once: one flat lookup per kind of n-gram, with the posts' boundaries kept as
        # lengths, costs far less than a list and an array per post.
        words = [w for word_list in grams.words for w in word_list]
        word_ids = np.fromiter(map(self.words.get, words, repeat(-1)), dtype=np.int64, count=len(words))
        word_docs = np.repeat(doc_ids, [len(word_list) for word_list in grams.words])
        per_token = [self._char_ids(tok) for toks in grams.tokens for tok in toks]
        char_ids = np.concatenate(per_token) if per_token else np.zeros(0, dtype=np.int64)
        token_docs = np.repeat(doc_ids, [len(toks) for toks in grams.tokens])
        char_docs = np.repeat(token_docs, np.fromiter(map(len, per_token), dtype=np.int64, count=len(per_token)))
        ids = np.concatenate([word_ids, char_ids])
        docs = np.concatenate([word_docs, char_docs])
        known = ids >= 0
        ids, docs = ids[known], docs[known]
        keys, counts = np.unique(docs * self.size + ids, return_counts=True)
        return Counted(n_docs, keys // self.size, keys % self.size, counts)

    def rows(self, which: int, counted: Counted) -> sparse.csr_matrix:
        """TF-IDF rows of the `which`-th vocabulary (the order given at construction)."""
        vocab = self.vocabs[which]
        cols = self._maps[which][counted.ids]
        keep = cols >= 0
        cols = cols[keep]
        blocks = counted.docs[keep] * 2 + (cols >= len(vocab.words))
        return tfidf_rows(counted.n_docs, vocab.size, counted.docs[keep], cols, counted.counts[keep], blocks, vocab.idf)

    def _char_ids(self, tok: str) -> np.ndarray:
        remembered = self._token_ids.get(tok)
        if remembered is not None:
            return remembered
        cget = self.chars.get
        ids = np.asarray([i for i in map(cget, token_char_grams(tok, self.spec)) if i is not None], dtype=np.int64)
        if len(self._token_ids) >= TOKEN_CACHE:
            self._token_ids.clear()
        self._token_ids[tok] = ids
        return ids
