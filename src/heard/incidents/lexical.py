"""A text representation that needs no model download and no fitting at run time.

Char 3-5-grams (robust to "cancelled"/"Cancelled Flightled"/"canceled" and to typos) and word uni/bi-grams are hashed
into 2**18 buckets, weighted by sublinear term frequency times an inverse document frequency learned once from
generic English tweets (shipped as `data/idf.npz`, document frequencies only), and folded with signed
hashing into a dense vector. Folding is a fixed random projection, so vectors made today and next year
compare, and a centroid is a plain sum. Handles and links are dropped: they name the brand, not the problem.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import cache
from importlib import resources
from io import BytesIO

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

BUCKETS = 2**18
DIMENSIONS = 1024
WORD_WEIGHT = 1.0
_HANDLE = re.compile(r"[@＠]\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_IDF_RESOURCE = "idf.npz"


def clean(text: str) -> str:
    """Lower-cased text without handles and links."""
    return _URL.sub(" ", _HANDLE.sub(" ", text)).lower()


def _vectorizer(analyzer: str, ngrams: tuple[int, int]) -> HashingVectorizer:
    return HashingVectorizer(
        n_features=BUCKETS,
        alternate_sign=False,
        norm=None,
        preprocessor=clean,
        analyzer=analyzer,
        ngram_range=ngrams,
        stop_words="english" if analyzer == "word" else None,
        dtype=np.float32,
    )


_CHARS = _vectorizer("char_wb", (3, 5))
_WORDS = _vectorizer("word", (1, 2))


def document_frequencies(texts: Iterable[str]) -> tuple[int, np.ndarray, np.ndarray]:
    """How many texts hold each char and word bucket: what `idf.npz` is built from."""
    batch = list(texts)
    chars = np.bincount(_CHARS.transform(batch).indices, minlength=BUCKETS)
    words = np.bincount(_WORDS.transform(batch).indices, minlength=BUCKETS)
    return len(batch), chars, words


def idf_archive(texts: Iterable[str]) -> bytes:
    """The bytes of an idf.npz learned from these texts."""
    count, chars, words = document_frequencies(texts)
    out = BytesIO()
    np.savez_compressed(out, count=np.array([count]), chars=_idf(count, chars), words=_idf(count, words))
    return out.getvalue()


def _idf(count: int, df: np.ndarray) -> np.ndarray:
    return (np.log((1.0 + count) / (1.0 + df)) + 1.0).astype(np.float16)


@cache
def _shipped_idf() -> tuple[np.ndarray, np.ndarray]:
    data = resources.files("heard.incidents").joinpath("data", _IDF_RESOURCE).read_bytes()
    with np.load(BytesIO(data)) as archive:
        return archive["chars"].astype(np.float32), archive["words"].astype(np.float32)


@cache
def _fold(dimensions: int) -> sp.csr_matrix:
    # Knuth's multiplicative hash picks each bucket's column and sign: fixed forever, no stored matrix.
    index = np.arange(BUCKETS, dtype=np.uint64)
    mixed = (index * np.uint64(2654435761)) % np.uint64(2**32)
    columns = (mixed % np.uint64(dimensions)).astype(np.int64)
    signs = np.where((mixed >> np.uint64(20)) & np.uint64(1), 1.0, -1.0).astype(np.float32)
    return sp.csr_matrix((signs, (np.arange(BUCKETS), columns)), shape=(BUCKETS, dimensions))


def _weighted(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    counts = counts.tocsr()
    counts.data = 1.0 + np.log(counts.data)
    counts = counts @ sp.diags(idf)
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ counts)


class LexicalEmbedder:
    """Hashed char and word n-grams with shipped IDF weights, folded to `dimensions` floats (unit length).

    `stop_terms` are the brand's own names: rare in tweets at large, so heavily weighted, yet in nearly every
    post a brand receives, they would make unrelated complaints look alike.
    """

    name = "lexical-v1"

    def __init__(
        self, dimensions: int = DIMENSIONS, word_weight: float = WORD_WEIGHT, stop_terms: Collection[str] = ()
    ) -> None:
        self.dimensions = dimensions
        self._word_weight = word_weight
        terms = sorted({t.strip().lstrip("@#").lower() for t in stop_terms if t.strip().lstrip("@#")}, key=len)
        self._stop = (
            re.compile(r"(?<!\w)[@#]?(?:" + "|".join(re.escape(t) for t in reversed(terms)) + r")(?!\w)", re.I)
            if terms
            else None
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        char_idf, word_idf = _shipped_idf()
        safe = [t if isinstance(t, str) else "" for t in texts]
        if self._stop is not None:
            safe = [self._stop.sub(" ", t) for t in safe]
        chars = _weighted(_CHARS.transform(safe), char_idf)
        words = _weighted(_WORDS.transform(safe), word_idf)
        fold = _fold(self.dimensions)
        dense = np.asarray((chars @ fold + (words @ fold) * self._word_weight).todense(), dtype=np.float32)
        return unit_rows(dense)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1; all-zero rows (empty or all-stopword text) stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    scaled: np.ndarray = (matrix / norms).astype(np.float32)
    return scaled


#: Phrases' IDF already looked up (at most _RARITY_SIZE): each incident described asks for a few dozen, most
#: asked before, and the hashing vectorizer costs a fixed ~1 ms a call besides the phrases.
_RARITY: dict[str, float] = {}
_RARITY_SIZE = 100_000


def word_idf(phrases: Sequence[str]) -> np.ndarray:
    """The shipped IDF of each phrase's rarest word bucket (for scoring key phrases)."""
    missing = list(dict.fromkeys(p for p in phrases if p not in _RARITY))
    if missing:
        _, idf = _shipped_idf()
        buckets = _WORDS.transform(missing)
        if len(_RARITY) + len(missing) > _RARITY_SIZE:
            _RARITY.clear()
        for i, phrase in enumerate(missing):
            _RARITY[phrase] = float(idf[buckets.indices[buckets.indptr[i] : buckets.indptr[i + 1]]].max(initial=1.0))
    return np.asarray([_RARITY[p] for p in phrases])
