"""The whole distributed set from deploy/Procfile, run by honcho as separate processes on one machine over
PostgreSQL and NATS JetStream: it serves, stores what is imported, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from heard.conversations.models import PostRecord
from heard.lab.synthetic_posts import synthetic_posts
from tests.conftest import database_url
from tests.contract.test_event_log import NATS_URL, nats_reachable

pytestmark = [pytest.mark.postgres, pytest.mark.nats, pytest.mark.timeout(240)]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check, timeout_s: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{what} not within {timeout_s} s")


def test_the_procfile_runs_the_distributed_set_and_stops_on_sigterm(tmp_path: Path) -> None:
    if not nats_reachable():
        pytest.skip(f"no NATS server at {NATS_URL}")
    if not (BIN / "honcho").exists():
        pytest.skip("honcho is not installed (dev extra)")
    prefix = f"p{uuid.uuid4().hex[:10]}"
    port = free_port()
    with database_url("postgresql", tmp_path) as url:
        env = {
            **os.environ,
            "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
            "HEARD_DATABASE_URL": url,
            "HEARD_EVENT_LOG": "nats",
            "HEARD_NATS_URL": NATS_URL,
            "HEARD_NATS_PREFIX": prefix,
            "HEARD_RADAR_MODE": "separate",
            "HEARD_PORT": str(port),
            "HEARD_WEB_PROCESSES": "2",
        }
        # The release step: migrate once, before the processes start.
        subprocess.run([BIN / "heard", "init"], env=env, check=True, capture_output=True, timeout=120)
        out = (tmp_path / "honcho.out").open("wb")
        honcho = subprocess.Popen(
            [BIN / "honcho", "--no-colour", "-f", str(ROOT / "deploy" / "Procfile"), "-d", str(tmp_path), "start"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        engine = create_engine(url)
        try:
            health = f"http://127.0.0.1:{port}/healthz"
            wait_until(lambda: urllib.request.urlopen(health, timeout=2).read() == b"ok", 90, "the web processes")
            source = tmp_path / "posts.jsonl"
            source.write_bytes(b"\n".join(p.to_json() for p in synthetic_posts(600)) + b"\n")
            subprocess.run(
                [BIN / "heard", "import", str(source), "--format", "jsonl", "--no-process"],
                env=env,
                check=True,
                capture_output=True,
                timeout=120,
            )

            def stored() -> bool:
                with engine.connect() as conn:
                    return conn.execute(select(func.count()).select_from(PostRecord)).scalar_one() == 600

            wait_until(stored, 120, "the worker storing the import")
            for _ in range(6):  # two processes share the port; each answers
                assert urllib.request.urlopen(health, timeout=2).read() == b"ok"
            assert honcho.poll() is None, "every process still runs"
            honcho.send_signal(signal.SIGTERM)
            honcho.wait(timeout=60)
        finally:
            if honcho.poll() is None:
                os.killpg(honcho.pid, signal.SIGKILL)
                honcho.wait()
            out.close()
            engine.dispose()
            from heard.stream.nats import NatsLog

            nats = NatsLog(NATS_URL, prefix=prefix)
            nats.delete_streams()
            nats.close()
    output = (tmp_path / "honcho.out").read_text(errors="replace")
    for name in ("web", "worker", "radar", "publisher", "hooks", "scheduler", "listen"):
        assert f"{name}.1 started" in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
