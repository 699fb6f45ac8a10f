"""`heard demo`: the whole product on a laptop, on the bundled real sample, in one process."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated

import httpx
import typer

from heard.accounts.agents import ensure_demo_agent
from heard.app import Runtime, build_runtime
from heard.commands.core import serve_runtime
from heard.commands.users import write_marker
from heard.connectors.replay.connector import in_time_order
from heard.connectors.replay.formats import read_file
from heard.ingest.queries import ingest_counts
from heard.knowledge.demo_articles import seed_demo_articles
from heard.posts import RawPost
from heard.settings import Settings
from heard.workers.importer import Pace, import_rows
from heard.workers.pipeline import PipelineWorker
from heard.workers.staged_pileon import stage_pileon


def sample_path() -> Path:
    return Path(str(resources.files("heard.samples").joinpath("twcs-sample.csv")))


def demo(
    once: Annotated[bool, typer.Option(help="Replay the whole sample as fast as possible, report, exit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --once: print the summary as JSON.")] = False,
    speed: Annotated[float, typer.Option(help="Replay speed, times real time.")] = 60.0,
    preload: Annotated[int, typer.Option(help="Posts stored before the live replay starts.")] = 3000,
    database: Annotated[Path, typer.Option(help="The demo's SQLite file, recreated each run.")] = Path("var/demo.db"),
    pileon: Annotated[
        bool, typer.Option(help="Stage a pile-on (invented replies to one real complaint) a minute in.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port the demo's web app listens on.", min=1, max=65535)] = 8000,
) -> None:
    """Migrate a fresh SQLite file, replay the bundled twcs sample live and serve the inbox."""
    if not once:
        refuse_taken_port("127.0.0.1", port)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = Settings(database_url=f"sqlite:///{database}", event_log="sql", port=port)
    runtime = build_runtime(settings)
    if once:
        _once(runtime, as_json)
        return
    rows = in_time_order(read_file(sample_path(), "twcs", channel="twcs-sample"))
    url = f"http://{settings.host}:{settings.port}/"
    with runtime.sessions.begin() as session:
        email, password = ensure_demo_agent(session)
        seed_demo_articles(session, runtime.clock)
    thread = threading.Thread(target=_replay, args=(runtime, rows, speed, preload), daemon=True)
    thread.start()
    if pileon:
        staged = threading.Thread(target=stage_pileon, args=(runtime, threading.Event()), daemon=True)
        staged.start()
    ready = (
        f"Heard demo: open {url} and log in as {email} / {password}\n"
        f"           the public tips-and-tricks site is at {url}kb/ (Ctrl-C to stop)"
    )
    if pileon:
        ready += (
            "\n           in about a minute the demo stages a pile-on: a dozen invented replies to one real"
            "\n           complaint, to show the radar (see /alerts; --no-pileon leaves the sample as it is)"
        )
    _serve_announced(runtime, url, ready)


def _serve_announced(runtime: Runtime, url: str, ready: str) -> None:
    """Serve; the address and password are printed once the server answers, and `heard user add` run beside the
    demo finds its database through the marker file while it runs."""
    remove_marker = write_marker(runtime.settings.database_url, url)
    announce_when_ready(url, ready)
    try:
        serve_runtime(runtime, with_worker=True, ready_message=None)
    finally:
        remove_marker()


def _once(runtime: Runtime, as_json: bool) -> None:
    started = time.perf_counter()
    rows = in_time_order(read_file(sample_path(), "twcs", channel="twcs-sample"))
    import_rows(runtime, rows, "twcs-sample.csv")
    PipelineWorker(runtime).drain()
    with runtime.sessions() as session:
        summary: dict[str, float | int] = dict(ingest_counts(session))
    summary["seconds"] = round(time.perf_counter() - started, 3)
    runtime.close()
    typer.echo(json.dumps(summary) if as_json else "\n".join(f"{k}: {v}" for k, v in summary.items()))


def _replay(runtime: Runtime, rows: list[RawPost | object], speed: float, preload: int) -> None:
    """Old sample, live feel: the first `preload` posts are moved in time to end just now; the rest arrive live
    at `speed` x real time (gaps capped at 3 s), stamped with the moment they arrive."""
    posts = [r for r in rows if isinstance(r, RawPost)]
    if not posts:
        return
    head, tail = posts[:preload], posts[preload:]
    if head:
        shift = runtime.clock.now() - head[-1].created_at - timedelta(seconds=30)
        import_rows(runtime, head, "twcs-sample.csv", Pace(shift=shift))
    import_rows(runtime, tail, "twcs-sample.csv", Pace(speed=speed, max_gap_s=3.0, retime=True))


# Start-up checks (issue 18), apart from what the demo replays: the port is checked before anything is touched,
# and the address and password are printed only once the server answers.


def port_taken(host: str, port: int) -> bool:
    """True when something already listens on host:port (a second demo, another server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def refuse_taken_port(host: str, port: int) -> None:
    """Stop before deleting the database or printing a password for a server that is not this one."""
    if port_taken(host, port):
        typer.echo(
            f"error: {host}:{port} is already in use (is another `heard demo` or `heard serve` running?). "
            f"Stop it, or start this one on another port: heard demo --port {port + 1}",
            err=True,
        )
        raise typer.Exit(2)


def announce_when_ready(url: str, message: str, timeout_s: float = 60.0) -> threading.Thread:
    """Print `message` once `url`healthz answers, from a thread (the server runs in the calling one)."""

    def wait() -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}healthz", timeout=1.0).status_code == 200:
                    typer.echo(message)
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        typer.echo(f"warning: the demo did not answer at {url} within {timeout_s:.0f} s", err=True)

    thread = threading.Thread(target=wait, name="demo-ready", daemon=True)
    thread.start()
    return thread
