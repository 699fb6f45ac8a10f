"""`heard bench inbox-queries` runs end to end at a tiny size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heard.cli import build


def test_bench_inbox_prints_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        build(), ["bench", "inbox-queries", "--conversations", "500", "--repeat", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["conversations"] == 500
    assert figures["backend"] == "sqlite"
    assert set(figures["queries"]["to do, first page"]) == {"p50_ms", "max_ms"}
