"""`heard eval coach`, `heard train coach` and `heard bench coach` from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build
from tests.cli import run
from tests.conftest import shared_path

RUNNER = CliRunner()


def test_heard_eval_coach_refuses_a_missing_or_foreign_file(tmp_path: Path) -> None:
    assert RUNNER.invoke(build(), ["eval", "coach", str(tmp_path / "nope.csv"), "--json"]).exit_code != 0
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    result = RUNNER.invoke(build(), ["eval", "coach", str(other), "--json"])
    assert result.exit_code != 0
    assert "first_utterance" in result.output


def test_heard_eval_coach_on_twacs() -> None:
    path = shared_path("data", "twacs-airlines", "conversations.csv")
    data = run("eval", "coach", str(path), "--limit", "3000", "--json")
    assert {"roc_auc", "n_warm", "n_angry", "worst"} <= set(data)
    assert isinstance(data["worst"], list)
    assert len(data["worst"]) == 10


def test_heard_train_coach_without_write_leaves_weights_alone() -> None:
    path = shared_path("data", "twacs-airlines", "conversations.csv")
    data = run("train", "coach", str(path), "--folds", "2", "--json")
    assert "written" not in data
    assert "weights" in data


def test_heard_bench_coach() -> None:
    data = run("bench", "coach", "--previous", "20", "--json")
    assert isinstance(data["cpu_ms_mean"], float)
    assert data["reviews"] == data["draft_chars"] * 3  # type: ignore[operator]
