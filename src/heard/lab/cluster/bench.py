"""`heard bench cluster`: PostgreSQL + NATS JetStream, an importer, N pipeline workers and one radar as separate
processes (the `heard` commands a deployment runs), for each N in one run: posts/s end to end, the ratio to one
worker, each process's share of time waiting on the database and on the log, and a count of what was lost or
doubled.

Each N gets a fresh PostgreSQL schema and NATS stream prefix. The workers and the radar start first and report
ready (their models loaded); the clock starts when the importer starts and stops when every post is stored.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from heard.app import build_runtime
from heard.conversations.models import Conversation, Message, PostRecord
from heard.events import JUDGED_TOPIC
from heard.ingest.models import DeadLetter
from heard.lab.synthetic_posts import synthetic_posts
from heard.settings import Settings
from heard.workers.radar import GROUP as RADAR_GROUP


def run(
    worker_counts: Sequence[int], posts: int, batch: int, database_url: str, nats_url: str, timeout_s: float = 600
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "posts.jsonl"
        made = list(synthetic_posts(posts))
        with source.open("wb") as handle:
            for post in made:
                handle.write(post.to_json() + b"\n")
        expected = {
            "posts": len(made),
            "incoming": sum(1 for p in made if not p.is_brand),
            "conversations": len({p.external_id.split("-")[0] for p in made}),
        }
        runs = [_one(n, source, expected, batch, database_url, nats_url, Path(tmp), timeout_s) for n in worker_counts]
    figures: dict[str, Any] = {"posts": posts, "batch": batch, "runs": runs}
    first = runs[0]["posts_per_s"]
    figures["ratio"] = {str(r["workers"]): round(r["posts_per_s"] / first, 2) for r in runs[1:]} if first else {}
    # Below 1: N workers spend more CPU a post than one (contention, retries); the wall ratio cannot pass the
    # cores there are to run them.
    one = runs[0]["workers_posts_per_cpu_s"]
    figures["ratio_per_cpu_s"] = {
        str(r["workers"]): round(r["workers_posts_per_cpu_s"] / one, 2)
        for r in runs[1:]
        if one and r["workers_posts_per_cpu_s"]
    }
    figures["load"] = os.getloadavg()
    return figures


def _one(
    workers: int,
    source: Path,
    expected: dict[str, int],
    batch: int,
    database_url: str,
    nats_url: str,
    tmp: Path,
    timeout_s: float,
) -> dict[str, Any]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "HEARD_DATABASE_URL": url_text,
        "HEARD_EVENT_LOG": "nats",
        "HEARD_NATS_URL": nats_url,
        "HEARD_NATS_PREFIX": prefix,
        "HEARD_RADAR_MODE": "separate",
        "HEARD_BATCH_SIZE": str(batch),
        "HEARD_LOG_LEVEL": "warning",
        # A batch slower than the ack wait (30 s) on a busy machine is redelivered to the other worker and judged
        # twice (dedupe keeps it from being stored twice): the bench would measure the neighbours' load twice.
        "HEARD_ACK_WAIT_S": "300",
    }
    settings = Settings(database_url=url_text, event_log="nats", nats_url=nats_url, nats_prefix=prefix, ack_wait_s=300)
    runtime = build_runtime(settings)  # migrates once, before the processes race to
    procs: dict[str, subprocess.Popen[bytes]] = {}
    reports = {f"worker{i + 1}": tmp / f"{schema}-worker{i + 1}.json" for i in range(workers)}
    reports["radar"] = tmp / f"{schema}-radar.json"
    try:
        for name, report in reports.items():
            command = "radar" if name == "radar" else "worker"
            procs[name] = _start([command, "--report", str(report)], env, report.with_suffix(".out"))
        _wait_for(lambda: all(r.exists() for r in reports.values()), 120, procs)
        started = time.perf_counter()
        arguments = ["import", str(source), "--format", "jsonl", "--no-process", "--json"]
        importer = _start(arguments, env, tmp / f"{schema}-importer.out")
        procs["importer"] = importer

        def stored() -> bool:
            with runtime.sessions() as session:
                return bool(session.execute(select(func.count()).select_from(PostRecord)).scalar_one() >= len_posts)

        len_posts = expected["posts"]
        _wait_for(stored, timeout_s, _running(procs), poll_s=0.1)
        seconds = time.perf_counter() - started
        import_usage = {**_usage(importer), "wall_s": round(time.perf_counter() - started, 3)}

        # The radar reads the stored posts after the workers: let it catch up before stopping it, so what it
        # observed is counted whole, and say how far behind it was. The workers hand posts over after their
        # commit, so the topic must hold them all first, or a last batch not yet handed over looks caught up.
        def radar_caught_up() -> bool:
            log = runtime.log
            return bool(log.head(JUDGED_TOPIC) >= len_posts and log.lag(JUDGED_TOPIC, RADAR_GROUP) == 0)

        _wait_for(radar_caught_up, timeout_s, _running(procs))
        radar_behind = time.perf_counter() - started - seconds
        for name, proc in procs.items():
            if name != "importer":
                proc.send_signal(signal.SIGTERM)
        usages = {name: _usage(proc) for name, proc in procs.items() if name != "importer"}
        processes = {"importer": import_usage}
        for name, report in reports.items():
            processes[name] = {**json.loads(report.read_text(encoding="utf-8")), **usages[name]}
            processes[name].pop("ready", None)
            if "cpu_s" in processes[name]:
                processes[name]["work_cpu_s"] = round(processes[name]["cpu_s"] - processes[name]["ready_cpu_s"], 3)
        counted = _count(runtime)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        runtime.log.delete_streams()  # type: ignore[attr-defined]
        runtime.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    # CPU seconds after each process was ready (the importer's from its start): on a shared machine posts per
    # CPU second say what the set costs, where posts/s also measure the neighbours.
    pipeline_cpu = sum(p.get("work_cpu_s", 0.0) for name, p in processes.items() if name.startswith("worker"))
    all_cpu = pipeline_cpu + processes["radar"].get("work_cpu_s", 0.0) + processes["importer"].get("cpu_s", 0.0)
    return {
        "workers": workers,
        "seconds": round(seconds, 3),
        "posts_per_s": round(expected["posts"] / seconds, 1),
        "workers_posts_per_cpu_s": round(expected["posts"] / pipeline_cpu, 1) if pipeline_cpu else None,
        "posts_per_cpu_s": round(expected["posts"] / all_cpu, 1) if all_cpu else None,
        "load": os.getloadavg(),
        "counted": counted,
        "expected": expected,
        "lost_or_doubled": counted != {**expected, "dead_letters": 0},
        "radar_behind_s": round(radar_behind, 3),
        "radar_observed": processes["radar"].get("observed"),
        "processes": processes,
    }


def _running(procs: dict[str, subprocess.Popen[bytes]]) -> dict[str, subprocess.Popen[bytes]]:
    return {name: proc for name, proc in procs.items() if name != "importer"}


def _start(args: list[str], env: dict[str, str], output: Path) -> subprocess.Popen[bytes]:
    with output.open("wb") as out:
        # Our own interpreter and our own command table: no outside input reaches the command line.
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", _MAIN, *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


_MAIN = "from heard.cli import main; main()"


def _wait_for(done: Any, timeout_s: float, procs: dict[str, subprocess.Popen[bytes]], poll_s: float = 0.2) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        for name, proc in procs.items():
            if proc.poll() is not None and proc.returncode != 0:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"not done after {timeout_s} s")
        time.sleep(poll_s)


def _usage(proc: subprocess.Popen[bytes]) -> dict[str, Any]:
    """Wait for the process and read its CPU seconds from the kernel (wait4)."""
    if proc.returncode is not None:
        return {"exit": proc.returncode}
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"exit": proc.returncode, "cpu_s": round(usage.ru_utime + usage.ru_stime, 3)}


def _count(runtime: Any) -> dict[str, int]:
    with runtime.sessions() as session:

        def count(*columns: Any, where: Any = None) -> int:
            query = select(*columns)
            if where is not None:
                query = query.where(where)
            return int(session.execute(query).scalar_one())

        return {
            "posts": count(func.count(PostRecord.id)),
            "incoming": count(func.count(Message.id), where=Message.direction == "incoming"),
            "conversations": count(func.count(Conversation.id)),
            "dead_letters": count(func.count(DeadLetter.id)),
        }
