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
import sys
import time
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


def run(n: int, batch: int, data: Path | None = None) -> dict[str, Any]:
    # "One core" is the target: numpy is already imported by now, so environment variables would come too late
    # to keep BLAS to one thread; threadpoolctl limits the loaded pools themselves.
    with threadpool_limits(limits=1):
        return _run(n, batch, data)


def _run(n: int, batch: int, data: Path | None) -> dict[str, Any]:
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
    started = time.perf_counter()
    cpu_started = time.process_time()
    for i in range(0, n, batch):
        chunk = posts[i : i + batch]
        understander.judge(chunk, facts[: len(chunk)])
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    # Peak RSS of ours is read before the reference is built, which holds its own vocabulary in the same process.
    peak = _peak_rss_mb()
    reference = reference_speed(posts, batch, data)
    return {
        "posts_per_s": round(n / wall, 1),
        "posts_per_cpu_s": round(n / cpu, 1) if cpu > 0 else None,
        "peak_rss_mb": peak,
        "n": n,
        "batch": batch,
        "load_s": round(load_s, 2),
        "reference": reference,
        "ratio": round((n / wall) / reference["posts_per_s"], 3) if reference.get("posts_per_s") else None,
        # On a shared machine wall time includes the moments the core went to other processes; CPU time does not.
        "ratio_cpu": round((n / cpu) / reference["posts_per_cpu_s"], 3)
        if cpu > 0 and reference.get("posts_per_cpu_s")
        else None,
    }


#: Posts the reference is fitted on: its speed depends on its vocabulary, which a few thousand tweets fill.
REFERENCE_FIT = 10_000


def reference_speed(posts: list[str], batch: int, data: Path | None) -> dict[str, Any]:
    """The posts/s of a plain scikit-learn sentiment model on the same posts, in the same batches, on one core:
    TF-IDF word 1-2 grams + character 2-5 grams, then logistic regression. Fitted on the first REFERENCE_FIT
    lines of `data` with the labels file beside it (TweetEval's `train_labels.txt`), else on our own model's
    sentiment of the posts (the speed does not depend on which labels it learnt)."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union
    except ImportError:
        return {"error": "scikit-learn is not installed"}
    texts, labels = _reference_data(posts, data)
    model = make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        ),
        LogisticRegression(max_iter=300),
    )
    model.fit(texts, labels)
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(0, len(posts), batch):
        model.predict_proba(posts[i : i + batch])
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "posts_per_s": round(len(posts) / wall, 1),
        "posts_per_cpu_s": round(len(posts) / cpu, 1) if cpu > 0 else None,
        "model": "tfidf word 1-2 + char 2-5, logistic regression",
    }


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
