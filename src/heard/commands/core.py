"""`heard init`, `import`, `worker`, `radar`, `serve`: the embedded path from a file to the inbox, and its workers."""

from __future__ import annotations

import json
import resource
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from heard.app import Runtime, build_runtime
from heard.connectors.replay.formats import Format
from heard.ingest.queries import ingest_counts
from heard.settings import Settings
from heard.web.app import create_app
from heard.web.headers import exposure_warning
from heard.web.server import serve as serve_app
from heard.web.server import serve_processes
from heard.workers.hooks import HookDispatcher
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker
from heard.workers.publisher import Publisher
from heard.workers.radar import RadarWorker
from heard.workers.running import run_until_interrupted
from heard.workers.scheduler import Scheduler
from heard.workers.sla_watch import SlaWatcher
from heard.workers.waits import Waits


def init() -> None:
    """Create the database or bring it to the newest schema (safe to run again)."""
    with build_runtime(Settings()) as runtime:
        typer.echo(f"database ready: {runtime.engine.url.render_as_string(hide_password=True)}")


def import_(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="An export file.")],
    fmt: Annotated[str, typer.Option("--format", help="twcs (Kaggle CSV) or jsonl (docs/formats.md).")] = "twcs",
    process: Annotated[bool, typer.Option(help="Run the pipeline here until the import is stored.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import an export: every row is taken or set aside as a dead letter with its reason."""
    if fmt not in ("twcs", "jsonl"):
        raise typer.BadParameter("use twcs or jsonl", param_hint="--format")
    chosen: Format = "twcs" if fmt == "twcs" else "jsonl"
    with build_runtime(Settings()) as runtime:
        started = time.perf_counter()
        imported = import_file(runtime, path, chosen)
        summary: dict[str, float | int] = dict(imported.as_dict())
        if process:
            PipelineWorker(runtime).drain()
            with runtime.sessions() as session:
                summary.update(ingest_counts(session))
        summary["seconds"] = round(time.perf_counter() - started, 3)
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        typer.echo(f"{imported.line()} in {summary['seconds']} s")


_REPORT_HELP = 'Write a JSON report here: {"ready": true} once running, its totals and waits once stopped.'


def worker(report: Annotated[Path | None, typer.Option(help=_REPORT_HELP)] = None) -> None:
    """Run the pipeline worker until interrupted (distributed mode: many of these may run)."""

    def loop(runtime: Runtime) -> Callable[[threading.Event], None]:
        waits = Waits.attach(runtime) if report else None
        pipeline = PipelineWorker(runtime, waits=waits)

        def run(stop: threading.Event) -> None:
            ready = _ready()
            _report(report, ready)
            try:
                pipeline.run(stop)
            finally:
                totals = pipeline.totals
                figures = {"batches": totals.batches, "records": totals.records, "stored": totals.stored}
                figures |= {"dead_letters": totals.dead_letters, "collisions": totals.collisions}
                _report(report, {**ready, "stopped": True, **figures, **_waited(waits)})

        return run

    run_until_interrupted(Settings(), loop)


def _report(path: Path | None, figures: dict[str, object]) -> None:
    if path is not None:
        path.write_text(json.dumps(figures), encoding="utf-8")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 3)


def _ready() -> dict[str, object]:
    """The report of a process ready to work, with the CPU seconds its start took (imports, models, the
    connections), which `heard bench cluster` takes off what it counts as the work's."""
    return {"ready": True, "ready_cpu_s": _cpu_s()}


def _waited(waits: Waits | None) -> dict[str, float]:
    cpu = {"cpu_s": _cpu_s()}
    return {**cpu, **waits.as_dict()} if waits else cpu


def scheduler() -> None:
    """Run the periodic jobs and the SLA watch until interrupted (distributed mode: run one)."""

    def loop(runtime: Runtime) -> Callable[[threading.Event], None]:
        def run(stop: threading.Event) -> None:
            watch = threading.Thread(target=SlaWatcher(runtime).run, args=(stop,), daemon=True)
            watch.start()
            Scheduler(runtime).run(stop)
            watch.join(timeout=5)

        return run

    run_until_interrupted(Settings(), loop)


def radar(report: Annotated[Path | None, typer.Option(help=_REPORT_HELP)] = None) -> None:
    """Run the installation's one pile-on radar until interrupted (with HEARD_RADAR_MODE=separate)."""
    settings = Settings()
    if settings.radar_mode != "separate":
        raise typer.BadParameter(
            "HEARD_RADAR_MODE is 'inline': each pipeline worker already runs the radar. Set it to 'separate' for "
            "the workers and this process."
        )

    def loop(runtime: Runtime) -> Callable[[threading.Event], None]:
        waits = Waits.attach(runtime) if report else None
        watcher = RadarWorker(runtime)

        def run(stop: threading.Event) -> None:
            ready = _ready()
            _report(report, ready)
            try:
                watcher.run(stop)
            finally:
                _report(report, {**ready, "stopped": True, "observed": watcher.observed, **_waited(waits)})

        return run

    run_until_interrupted(settings, loop)


def serve(
    with_worker: Annotated[bool, typer.Option(help="Also run a pipeline worker in this process.")] = True,
    workers: Annotated[
        int, typer.Option(min=1, help="Web processes sharing the port (more than 1 needs --no-with-worker).")
    ] = 1,
) -> None:
    """Serve the web inbox (and, in embedded mode, process posts in the same process)."""
    settings = Settings()
    if workers > 1:
        if with_worker:
            raise typer.BadParameter(
                "several web processes serve only: run `heard worker`, `heard publisher` and the others as "
                "processes of their own (docs/deployment.md) and pass --no-with-worker",
                param_hint="--workers",
            )
        with build_runtime(settings):
            pass  # migrate once here, not in each web process at the same time
        serve_processes(workers, settings.host, settings.port, log_level="warning")
        return
    runtime = build_runtime(settings)
    serve_runtime(runtime, with_worker)


def serve_runtime(runtime: Runtime, with_worker: bool, ready_message: str | None = None) -> None:
    stop = threading.Event()
    threads: list[threading.Thread] = []
    if with_worker:
        threads.append(threading.Thread(target=PipelineWorker(runtime).run, args=(stop,), daemon=True))
        threads.append(threading.Thread(target=Publisher(runtime).run, args=(stop,), daemon=True))
        threads.append(threading.Thread(target=SlaWatcher(runtime).run, args=(stop,), daemon=True))
        threads.append(threading.Thread(target=Scheduler(runtime).run, args=(stop,), daemon=True))
        threads.append(threading.Thread(target=HookDispatcher(runtime).run, args=(stop,), daemon=True))
    for thread in threads:
        thread.start()
    settings = runtime.settings
    if with_worker and settings.radar_mode == "separate":
        typer.echo("HEARD_RADAR_MODE=separate: this worker raises no alerts; run one `heard radar` for them", err=True)
    if (warning := exposure_warning(settings)) is not None:
        typer.echo(warning, err=True)
    if ready_message:
        typer.echo(ready_message)
    try:
        serve_app(create_app(runtime), settings.host, settings.port, log_level="warning")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        runtime.close()
