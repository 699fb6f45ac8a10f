"""`heard bench understand`: posts per second for all judgements together, on one core, in pipeline batches, and
in the same run the posts per second of a plain scikit-learn TF-IDF + logistic regression sentiment model on the
same posts (the reference), and the ratio of the two.

The default posts are built from templates of customer-care tweets (complaints, questions, thanks, noise,
other languages, emoji) with varied details, so no two posts in a batch are the same text; `--data` reads a
file of real posts instead. BLAS threads are limited to one so the figure is per core.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

_TEMPLATES = [
    "@{brand} my flight {n} has been delayed {h} hours and nobody at the gate can tell us anything",
    "@{brand} you charged me twice for order #{n}, I want a refund now!!",
    "@{brand} how do I reset my password? the link in the email doesn't work",
    "Thanks @{brand} for sorting out my booking so quickly, great service as always 😊",
    "@{brand} still waiting for my package, tracking hasn't updated in {h} days. Not happy",
    "just landed in Denver, what a view {n} #travel",
    "@{brand} the app keeps crashing since the latest update on my phone. Fix it please",
    "@{brand} lost my luggage AGAIN. {h} days and no call back. I'm done with you",
    "¿Alguien sabe por qué @{brand} no funciona hoy? llevo {h} horas sin internet",
    "😡😡😡 @{brand}",
    "@{brand} my daughter is in pain and the flight attendant refused to help, I will be contacting a lawyer",
    "Does anyone know if @{brand} stores are open on Sunday?",
    "Le service client de @{brand} est vraiment nul, {h} heures d'attente",
    "@{brand} love the new seats on flight {n}, very comfortable!",
    "RT @someone: big game tonight, who's watching? #{brand}",
    "@{brand} I want to cancel my account, this is the third outage this week. Switching to a competitor",
]
_BRANDS = ["united", "AmazonHelp", "AppleSupport", "comcastcares", "SpotifyCares", "Delta", "Uber_Support"]


def sample_posts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [
        rng.choice(_TEMPLATES).format(brand=rng.choice(_BRANDS), n=rng.randint(10, 99_999), h=rng.randint(1, 12))
        for _ in range(n)
    ]


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


#: Timed passes of each model, alternated (ours, reference, ours, ...): on a shared machine one pass of each
#: varied by about 8 % run to run (the ratio of three runs: 0.94-1.13), so the figures are each side's median.
ROUNDS = 3


def run(n: int, batch: int, data: Path | None = None, rounds: int = ROUNDS) -> dict[str, Any]:
    # "One core" is the target: numpy is already imported by now, so environment variables would come too late
    # to keep BLAS to one thread; threadpoolctl limits the loaded pools themselves.
    with threadpool_limits(limits=1):
        return _run(n, batch, data, max(1, rounds))


def _run(n: int, batch: int, data: Path | None, rounds: int) -> dict[str, Any]:
    from heard.understanding.judge import PostFacts, Understander

    if data is not None:
        lines = [x for x in data.read_text(encoding="utf-8", errors="replace").split("\n") if x.strip()]
        posts = [lines[i % len(lines)] for i in range(n)] if lines else sample_posts(n)
    else:
        posts = sample_posts(n)
    load_started = time.perf_counter()
    understander = Understander.load()
    load_s = time.perf_counter() - load_started
    understander.judge(posts[: min(batch, 200)])  # warm caches (regexes, language model)
    facts = [PostFacts(followers=1000, waited_minutes=30.0)] * batch

    def ours() -> tuple[float, float]:
        return _timed(lambda chunk: understander.judge(chunk, facts[: len(chunk)]), posts, batch)

    passes = [ours()]
    # Peak RSS of ours is read before the reference is built, which holds its own vocabulary in the same process.
    peak = _peak_rss_mb()
    reference = reference_model(posts, data)
    if reference is None:
        return {**_figures(n, passes), "peak_rss_mb": peak, "n": n, "batch": batch, "load_s": round(load_s, 2),
                "reference": {"error": "scikit-learn is not installed"}, "ratio": None, "ratio_cpu": None}  # fmt: skip
    reference_passes = []
    for round_ in range(rounds):
        reference_passes.append(_timed(reference.predict_proba, posts, batch))
        if round_ + 1 < rounds:
            passes.append(ours())
    mine, theirs = _figures(n, passes), _figures(n, reference_passes)
    return {
        **mine,
        "peak_rss_mb": peak,
        "n": n,
        "batch": batch,
        "rounds": rounds,
        "load_s": round(load_s, 2),
        "reference": {**theirs, "model": "tfidf word 1-2 + char 2-5, logistic regression"},
        "ratio": round(mine["posts_per_s"] / theirs["posts_per_s"], 3),
        # On a shared machine wall time includes the moments the core went to other processes; CPU time does not.
        "ratio_cpu": round(mine["posts_per_cpu_s"] / theirs["posts_per_cpu_s"], 3),
    }


def _timed(judge: Callable[[list[str]], object], posts: list[str], batch: int) -> tuple[float, float]:
    """Wall and CPU seconds of one pass over the posts, a batch at a time."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(0, len(posts), batch):
        judge(posts[i : i + batch])
    return time.perf_counter() - started, time.process_time() - cpu_started


def _figures(n: int, passes: list[tuple[float, float]]) -> dict[str, Any]:
    """Posts per second and per CPU second of the median pass (each measure's own median)."""
    wall = statistics.median(w for w, _ in passes)
    cpu = statistics.median(c for _, c in passes)
    return {
        "posts_per_s": round(n / wall, 1),
        "posts_per_cpu_s": round(n / max(cpu, 1e-9), 1),
        "posts_per_s_passes": [round(n / w, 1) for w, _ in passes],
    }


#: Posts the reference is fitted on: its speed depends on its vocabulary, which a few thousand tweets fill.
REFERENCE_FIT = 10_000


def reference_model(posts: list[str], data: Path | None) -> Any:
    """A plain scikit-learn sentiment model to time on the same posts, in the same batches, on one core:
    TF-IDF word 1-2 grams + character 2-5 grams, then logistic regression. Fitted on the first REFERENCE_FIT
    lines of `data` with the labels file beside it (TweetEval's `train_labels.txt`), else on our own model's
    sentiment of the posts (the speed does not depend on which labels it learnt). None without scikit-learn."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union
    except ImportError:
        return None
    texts, labels = _reference_data(posts, data)
    model = make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        ),
        LogisticRegression(max_iter=300),
    )
    model.fit(texts, labels)
    return model


def _reference_data(posts: list[str], data: Path | None) -> tuple[list[str], list[str]]:
    if data is not None:
        labels_path = data.with_name(data.name.replace("_text", "_labels"))
        if labels_path != data and labels_path.is_file():
            texts = data.read_text(encoding="utf-8", errors="replace").split("\n")
            labels = labels_path.read_text(encoding="utf-8").split()
            pairs = [(t, y) for t, y in zip(texts, labels, strict=False) if t.strip()][:REFERENCE_FIT]
            if len({y for _, y in pairs}) > 1:
                return [t for t, _ in pairs], [y for _, y in pairs]
    from heard.understanding.judge import Understander

    sample = posts[:REFERENCE_FIT]
    return sample, [j.sentiment for j in Understander.default().judge(sample)]
