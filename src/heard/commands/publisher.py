"""`heard publisher`: publish queued replies through their channels until interrupted."""

from __future__ import annotations

from heard.settings import Settings
from heard.workers.publisher import Publisher
from heard.workers.running import run_until_interrupted


def publisher() -> None:
    """Send pending replies (distributed mode: run as many as you like, each reply goes out once)."""
    run_until_interrupted(Settings(), lambda runtime: Publisher(runtime).run)
