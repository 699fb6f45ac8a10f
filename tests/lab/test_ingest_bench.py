"""`heard bench ingest` runs end to end at a tiny size."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from heard.cli import build
from tests.cli import run


@pytest.mark.parametrize("stages", ["core", "all"])
def test_bench_ingest_stores_every_generated_post(stages: str) -> None:
    figures = run("bench", "ingest", "--posts", "300", "--batch", "100", "--stages", stages, "--json")
    assert figures["stages"] == stages
    assert figures["posts"] == figures["taken"] == figures["stored"] == 300
    assert isinstance(figures["stage_share"], dict)
    assert "import (read + log append)" in figures["stage_share"]


def test_bench_ingest_refuses_an_unknown_stage_set() -> None:
    result = CliRunner().invoke(build(), ["bench", "ingest", "--stages", "some"])
    assert result.exit_code == 2
    assert "use core or all" in result.output
