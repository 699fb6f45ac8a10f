"""`heard bench ingest`: generated posts through import -> event log -> pipeline -> store, on SQLite."""

from __future__ import annotations

import resource
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from heard.app import build_runtime
from heard.db.engine import make_engine
from heard.db.migrate import upgrade
from heard.lab.synthetic_posts import synthetic_posts
from heard.pipeline.dedupe import Dedupe
from heard.pipeline.normalize import Normalize
from heard.pipeline.stage import Stage
from heard.posts import Post
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
        # Models load before the clock starts, as the judgements-only reference's do: a worker loads them once.
        worker = PipelineWorker(runtime, _core_stages()) if stage_set == "core" else PipelineWorker(runtime)
        started = time.perf_counter()
        cpu_started = time.process_time()
        summary = import_file(runtime, source, "jsonl", batch_size=batch)
        imported = time.perf_counter()
        cpu_imported = time.process_time()
        totals = worker.drain()
        finished = time.perf_counter()
        cpu = time.process_time() - cpu_started
        runtime.close()
        reference = (
            bare_sqlite_reference(Path(tmp) / "bench.db", Path(tmp) / "reference.db")
            if stage_set == "core"
            else judgements_only(posts, batch)
        )
    total = finished - started
    stages = dict(totals.timings.seconds)
    stages["import (read + log append)"] = imported - started
    stages["other (loop, radar keeper)"] = max(0.0, (finished - imported) - sum(totals.timings.seconds.values()))
    stages_cpu = dict(totals.timings.cpu_seconds)
    stages_cpu["import (read + log append)"] = cpu_imported - cpu_started
    stages_cpu["other (loop, radar keeper)"] = max(
        0.0, (cpu - stages_cpu["import (read + log append)"]) - sum(totals.timings.cpu_seconds.values())
    )
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
        # Each stage's share of the run's CPU time: steadier than the wall shares when the machine is shared.
        "stage_cpu_share": {name: round(sec / cpu, 3) for name, sec in stages_cpu.items()},
    }
    if stage_set == "core":
        rows = reference["rows"]
        figures["rows_per_s"] = round(rows / total, 1)
        figures["rows_per_cpu_s"] = round(rows / cpu, 1)
        figures["bare_sqlite3"] = reference
        # Per CPU second, as the rest of this bench: on a shared machine wall time measures the neighbours.
        figures["ratio_to_bare_sqlite3"] = round((rows / cpu) / reference["rows_per_cpu_s"], 3)
        figures["ratio_to_bare_sqlite3_wall"] = round((rows / total) / reference["rows_per_s"], 3)
    else:
        figures["judgements_only"] = reference
        figures["ratio_to_judgements"] = round(figures["posts_per_cpu_s"] / reference["posts_per_cpu_s"], 3)
    return figures


#: The tables a stored post, its message and its conversation fill: what the reference writes.
_REFERENCE_TABLES = ("conversations", "posts", "messages")


def bare_sqlite_reference(stored: Path, empty: Path) -> dict[str, Any]:
    """The floor to compare with: the very rows the pipeline stored (posts, messages, conversations), read back
    and written again into an empty database of the same schema (its indexes included) with the standard
    library's sqlite3 `executemany`, in one transaction, with nothing computed. Rows/s of the write alone."""
    engine = make_engine(f"sqlite:///{empty}")
    upgrade(engine)
    engine.dispose()
    source = sqlite3.connect(stored)
    tables = {}
    for table in _REFERENCE_TABLES:
        cursor = source.execute(f"SELECT * FROM {table}")
        columns = [d[0] for d in cursor.description]
        tables[table] = (columns, cursor.fetchall())
    source.close()
    target = sqlite3.connect(empty)
    started = time.perf_counter()
    cpu_started = time.process_time()
    with target:
        for table, (columns, rows) in tables.items():
            marks = ", ".join("?" * len(columns))
            target.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    target.close()
    count = sum(len(rows) for _, rows in tables.values())
    return {
        "rows": count,
        "seconds": round(seconds, 3),
        "rows_per_s": round(count / seconds, 1),
        "rows_per_cpu_s": round(count / max(cpu, 1e-6), 1),
    }


def judgements_only(count: int, batch: int) -> dict[str, Any]:
    """The judgements alone on the same posts (normalized as the pipeline does, in the same batches), with the
    committed models: the speed the whole pipeline is compared with."""
    from heard.pipeline.stage import StageContext
    from heard.understanding.judge import Understander

    ctx = StageContext(now=datetime.now(UTC))
    posts = Normalize()([Post(raw=r, text=r.text) for r in synthetic_posts(count)], ctx)
    understander = Understander.default()
    understander.judge([p.text for p in posts[:200]])  # warm caches, as the pipeline's first batch does
    cpu_started = time.process_time()
    for start in range(0, len(posts), batch):
        understander.judge([p.text for p in posts[start : start + batch]])
    cpu = time.process_time() - cpu_started
    return {"posts": len(posts), "cpu_seconds": round(cpu, 3), "posts_per_cpu_s": round(len(posts) / cpu, 1)}
