"""`heard bench understand`: posts per second for all judgements together, on one core, in pipeline batches.

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
    return {
        "posts_per_s": round(n / wall, 1),
        "posts_per_cpu_s": round(n / cpu, 1) if cpu > 0 else None,
        "peak_rss_mb": _peak_rss_mb(),
        "n": n,
        "batch": batch,
        "load_s": round(load_s, 2),
    }
