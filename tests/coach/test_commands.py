"""`heard coach`, `heard eval coach`, `heard train coach` and `heard bench coach` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build
from tests.conftest import shared_path

RUNNER = CliRunner()


def run(*args: str) -> dict[str, object]:
    result = RUNNER.invoke(build(), list(args))
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def test_heard_coach_prints_score_and_findings() -> None:
    data = run("coach", "As stated, per our policy we can't help.", "--post", "You lost my bag!", "--json")
    assert isinstance(data["score"], int)
    assert data["score"] < 70
    findings = data["findings"]
    assert isinstance(findings, list)
    assert {"humble.blame", "ownership.apology"} <= {f["rule"] for f in findings}
    assert all({"rule", "severity", "what", "why", "fix", "span"} <= set(f) for f in findings)


def test_heard_coach_can_suggest_a_draft() -> None:
    data = run("coach", "ok", "--post", "You lost my bag on the Rome flight!", "--name", "Jane", "--suggest", "--json")
    assert "Jane" in str(data["suggestion"])


def test_heard_coach_reads_like_text_without_json() -> None:
    result = RUNNER.invoke(build(), ["coach", "thanks", "--post", "You lost my bag!"])
    assert result.exit_code == 0
    assert result.output.startswith("score ")
    assert "fix:" in result.output


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
