"""`heard demo --once --json`: the sample is history, the staged pile-on is news, and it is the one alert."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build


def test_demo_once_raises_exactly_the_staged_pileon(tmp_path: Path) -> None:
    result = CliRunner().invoke(build(), ["demo", "--once", "--json", "--database", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    alerts = summary["alerts"]
    assert alerts.get("pileon") == 1
    assert sum(alerts.values()) - 1 <= 2
