"""How `heard demo` starts and how other commands find it: the port is checked before anything is touched, the
address and password are printed only once the server answers, and a small file beside the database
(`var/demo.json`) names the running demo's database so that `heard user add` writes where the demo reads.

Kept apart from `demo.py` (what the demo replays) so the two can change independently.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import typer

#: Where a running demo says which database it uses (removed when it stops).
DEMO_MARKER = Path("var/demo.json")


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


def write_marker(database_url: str, url: str, marker: Path = DEMO_MARKER) -> Callable[[], None]:
    """Record the running demo; returns the function that removes the record again."""
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"database_url": database_url, "url": url, "pid": os.getpid()}))

    def remove() -> None:
        marker.unlink(missing_ok=True)

    return remove


def running_demo_database(marker: Path = DEMO_MARKER) -> str | None:
    """The database URL of a demo running from this directory, or None (no marker, or its process is gone)."""
    try:
        data = json.loads(marker.read_text())
        pid = int(data["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    url = data.get("database_url")
    return url if isinstance(url, str) else None
