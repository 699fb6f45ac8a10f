"""`heard bench inbox` runs end to end at a tiny size (logging in, through the real server)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build
from heard.lab.inbox_bench import fill, percentiles


def test_bench_inbox_prints_the_figures(tmp_path: Path) -> None:
    database = tmp_path / "bench.db"
    args = ["bench", "inbox", "--posts", "600", "--conversations", "100", "--requests", "30", "--concurrency", "2"]
    result = CliRunner().invoke(build(), [*args, "--seconds", "20", "--database", str(database), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    for page in ("inbox_first_page", "conversation_page"):
        assert figures[page]["requests"] == 30
        assert figures[page]["errors"] == 0
        assert 0 < figures[page]["server_ms"]["p50"] <= figures[page]["server_ms"]["p99"]
        assert figures[page]["server_ms"]["p50"] <= figures[page]["e2e_ms"]["p99"]
        assert figures[page]["server_cpu_ms_per_request"] > 0  # the served process's CPU, read from /proc
    assert figures["server_rss_mb"] > 10  # the served process's resident memory after the pages, from /proc
    assert 10 < figures["server_rss_anon_mb"] <= figures["server_rss_mb"]  # its heap, without the mapped file
    wanted = {"posts", "conversations", "fill_s", "db_mb", "inbox_p95_ok", "target_p95_ms", "load_average"}
    assert set(figures) >= wanted


def test_fill_threads_posts_into_conversations(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "fill.db"
    fill(path, 1003, 200)
    db = sqlite3.connect(path)
    assert db.execute("select count(*) from posts").fetchone() == (1003,)
    assert db.execute("select count(*) from messages").fetchone() == (1003,)
    assert db.execute("select count(*) from conversations").fetchone() == (200,)
    assert db.execute("select sum(incoming_count + outgoing_count) from conversations").fetchone() == (1003,)


def test_percentiles() -> None:
    assert percentiles([]) == {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    figures = percentiles([float(v) for v in range(1, 101)])
    assert figures["p50"] == 50.5
    assert figures["p99"] > figures["p95"] > figures["p50"]
