from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heard.cli import build
from heard.db.engine import make_engine, session_factory
from heard.db.migrate import upgrade
from tests.reports.scenario import build as build_history


def test_report_prints_the_figures_as_json_and_refuses_bad_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'report.db'}"
    monkeypatch.setenv("HEARD_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as session:
        build_history(session)
    engine.dispose()
    cli, runner = build(), CliRunner()
    result = runner.invoke(cli, ["report", "--since", "2026-03-02", "--until", "2026-03-02", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["responses"]["answered"] == 2
    assert figures["pileons"]["worst"][0]["joined_while_waiting"] == 3
    words = runner.invoke(cli, ["report", "--since", "2026-03-02", "--until", "2026-03-02"])
    assert "SLA compliance          25%" in words.output
    refused = runner.invoke(cli, ["report", "--since", "2026-03-02x"])
    assert refused.exit_code != 0
    assert "not a date" in refused.output
