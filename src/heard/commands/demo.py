"""`heard demo`: the whole product on a laptop, on the bundled real sample, in one process."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Sequence
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from heard.accounts.agents import ensure_demo_agent
from heard.alerts.queries import open_alert_counts
from heard.app import Runtime, build_runtime
from heard.brands.actions import brands_for_accounts
from heard.commands.core import serve_runtime
from heard.commands.users import write_marker
from heard.connectors.replay.connector import in_time_order, warped
from heard.connectors.replay.formats import read_file
from heard.ingest.queries import ingest_counts
from heard.knowledge.demo_articles import seed_demo_articles
from heard.posts import RawPost
from heard.radar.radar import LIVE_LAG_S
from heard.settings import Settings
from heard.stream.base import append_posts
from heard.web.server import answers
from heard.workers.importer import Pace, import_rows
from heard.workers.pipeline import PipelineWorker
from heard.workers.staged_pileon import pick_complaint, pileon_replies, stage_pileon


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
    sample_brands(runtime, rows)
    with runtime.sessions.begin() as session:
        email, password = ensure_demo_agent(session)
        seed_demo_articles(session, runtime.clock)
    thread = threading.Thread(target=replay_sample, args=(runtime, rows, speed, preload), daemon=True)
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
    sample_brands(runtime, rows)
    import_rows(runtime, rows, "twcs-sample.csv")
    worker = PipelineWorker(runtime)
    worker.drain()
    # The sample is years old: the radar learns from it as history and raises nothing on it. Then the staged
    # pile-on arrives live, as it does a minute into `heard demo`, and the radar has to find it.
    root = pick_complaint(runtime)
    if root is not None:
        append_posts(runtime.log, pileon_replies(root, runtime.clock.now()))
        worker.drain()
    with runtime.sessions() as session:
        summary: dict[str, object] = dict(ingest_counts(session))
        summary["alerts"] = open_alert_counts(session)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    runtime.close()
    typer.echo(json.dumps(summary) if as_json else "\n".join(f"{k}: {v}" for k, v in summary.items()))


def sample_brands(runtime: Runtime, rows: Sequence[object]) -> int:
    """Each support account in the sample (76 companies) becomes a brand, before any post is read, so every post
    is attributed to the company it addresses; returns how many."""
    handles = [r.author_handle for r in rows if isinstance(r, RawPost) and r.is_brand]
    with runtime.sessions.begin() as session:
        return len(brands_for_accounts(session, "twitter", handles, runtime.clock.now()))


#: The live replay's pace: the sample's gaps divided by `--speed`, and none longer than this many seconds.
MAX_GAP_S = 3.0


def replay_sample(runtime: Runtime, rows: Sequence[object], speed: float, preload: int) -> None:
    """Old sample, live feel: the first `preload` posts are stored at once, the rest arrive live at `speed` x real
    time (gaps capped at `MAX_GAP_S`), stamped with the moment they arrive.

    Both parts are one stream on one clock (decision 0203): the first load is laid out with the gaps the live
    replay gives (`warped`), ending just over an hour ago, so the radar learns it as history at the rate it will
    then see live. Moved back in one piece instead, with the sample's own gaps of days, it taught the radar rates
    sixty times lower than what then arrived, and every brand looked like a spike."""
    posts = [r for r in rows if isinstance(r, RawPost)]
    if not posts:
        return
    head, tail = posts[:preload], posts[preload:]
    if head:
        ended = runtime.clock.now() - timedelta(seconds=LIVE_LAG_S + 60)
        import_rows(runtime, warped(head, speed, MAX_GAP_S, ended), "twcs-sample.csv")
    import_rows(runtime, tail, "twcs-sample.csv", Pace(speed=speed, max_gap_s=MAX_GAP_S, retime=True))


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
        if answers(url, timeout_s):
            typer.echo(message)
        else:
            typer.echo(f"warning: the demo did not answer at {url} within {timeout_s:.0f} s", err=True)

    thread = threading.Thread(target=wait, name="demo-ready", daemon=True)
    thread.start()
    return thread
