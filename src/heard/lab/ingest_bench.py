"""`heard bench ingest`: generated posts through import -> event log -> pipeline -> store, on SQLite."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from heard.app import build_runtime
from heard.lab.synthetic_posts import synthetic_posts
from heard.pipeline.dedupe import Dedupe
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import Stage
from heard.settings import Settings
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker


def _core_stages() -> list[Stage]:
    return [Normalize(), Dedupe()]


def run(posts: int, batch: int, stage_set: str) -> dict[str, Any]:
    """Replay `posts` generated posts through import, the event log and the pipeline (`stage_set` "core": normalize,
    dedupe, threading and store; "all": also understand and group) in batches of `batch`, on a temporary SQLite
    file."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "posts.jsonl"
        with source.open("wb") as handle:
            for post in synthetic_posts(posts):
                handle.write(post.to_json() + b"\n")
        runtime = build_runtime(Settings(database_url=f"sqlite:///{tmp}/bench.db", batch_size=batch))
        started = time.perf_counter()
        cpu_started = time.process_time()
        summary = import_file(runtime, source, "jsonl", batch_size=batch)
        imported = time.perf_counter()
        worker = PipelineWorker(runtime, _core_stages()) if stage_set == "core" else PipelineWorker(runtime)
        totals = worker.drain()
        finished = time.perf_counter()
        cpu = time.process_time() - cpu_started
        runtime.close()
    total = finished - started
    stages = dict(totals.timings.seconds)
    stages["import (read + log append)"] = imported - started
    stages["log (consume + ack + events)"] = max(0.0, (finished - imported) - sum(totals.timings.seconds.values()))
    figures = {
        "stages": stage_set,
        "posts": posts,
        "stored": totals.stored,
        "taken": summary.taken,
        "seconds": round(total, 3),
        "posts_per_s": round(posts / total, 1),
        # The pipeline is single-threaded: CPU seconds are the one-core cost even when the machine is busy.
        "cpu_seconds": round(cpu, 3),
        "posts_per_cpu_s": round(posts / cpu, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stage_share": {name: round(sec / total, 3) for name, sec in stages.items()},
    }
    return figures
