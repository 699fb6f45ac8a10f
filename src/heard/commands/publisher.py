"""`heard publisher`: publish queued replies through their channels until interrupted."""

from __future__ import annotations

import threading

from heard.app import build_runtime
from heard.cli import Cli
from heard.settings import Settings
from heard.workers.publisher import Publisher


def register(cli: Cli) -> None:
    cli.root.command("publisher")(publisher)


def publisher() -> None:
    """Send pending replies (distributed mode: run as many as you like, each reply goes out once)."""
    runtime = build_runtime(Settings())
    stop = threading.Event()
    try:
        Publisher(runtime).run(stop)
    except KeyboardInterrupt:
        stop.set()
    finally:
        runtime.close()
