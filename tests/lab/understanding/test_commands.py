"""The eval and bench commands on small fixtures whose answers are known."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from heard.cli import build
from tests.cli import run

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def test_eval_complaints_on_obvious_rows_is_perfect_and_skips_bad_rows() -> None:
    figures = run("eval", "complaints", str(FIXTURES / "complaints-small.csv"), "--json")
    assert figures["n"] == 8
    assert figures["skipped_rows"] == 1
    assert figures["macro_f1"] == 100.0
    assert figures["f1_complaint"] == 100.0
    assert figures["accuracy"] == 100.0
    assert figures["roc_auc"] == 100.0
    assert isinstance(figures["vader"], dict)
    assert figures["vader"]["n"] == 8


def test_eval_complaints_cv_reports_every_fold_and_their_spread() -> None:
    figures = run("eval", "complaints", str(FIXTURES / "complaints-small.csv"), "--cv", "2", "--json")
    assert figures["folds"] == 2
    per_fold = figures["macro_f1_folds"]
    assert isinstance(per_fold, list)
    assert len(per_fold) == 2
    assert all(0.0 <= f <= 100.0 for f in per_fold)
    assert isinstance(figures["macro_f1_sd"], float)


def test_eval_complaints_cv_repeated_on_other_splits_reports_each_and_the_mean() -> None:
    once = run("eval", "complaints", str(FIXTURES / "complaints-small.csv"), "--cv", "2", "--json")
    figures = run("eval", "complaints", str(FIXTURES / "complaints-small.csv"), "--cv", "2", "--repeats", "3", "--json")
    assert "repeated" not in once
    repeated = figures["repeated"]
    assert repeated["splits"] == 3
    per_split = repeated["macro_f1_per_split"]
    assert len(per_split) == 3
    assert per_split[0] == figures["macro_f1"] == once["macro_f1"]  # the first split is the one --cv alone uses
    assert (
        repeated["macro_f1_mean"] == round(sum(per_split) / 3, 2)
        or abs(repeated["macro_f1_mean"] - sum(per_split) / 3) < 0.01
    )
    refused = runner.invoke(build(), ["eval", "complaints", str(FIXTURES / "complaints-small.csv"), "--repeats", "0"])
    assert refused.exit_code == 2


def test_eval_complaints_refuses_a_file_without_the_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(build(), ["eval", "complaints", str(bad), "--json"])
    assert result.exit_code == 2
    assert "text and label" in result.output


def test_eval_sentiment_on_obvious_lines_is_perfect() -> None:
    figures = run(
        "eval",
        "sentiment",
        "--text",
        str(FIXTURES / "sentiment-small_text.txt"),
        "--labels",
        str(FIXTURES / "sentiment-small_labels.txt"),
        "--json",
    )
    assert figures["n"] == 5
    assert figures["macro_recall"] == 100.0
    assert figures["accuracy"] == 100.0
    assert isinstance(figures["vader"], dict)


def test_bench_reports_speed_and_memory() -> None:
    out = run("bench", "understand", "--n", "600", "--batch", "200", "--json")
    assert isinstance(out["posts_per_s"], float)
    assert out["posts_per_s"] > 0
    assert isinstance(out["peak_rss_mb"], float)
    assert out["n"] == 600
    # The scikit-learn reference runs in the same process on the same posts, and the ratio is ours over it.
    assert out["reference"]["posts_per_s"] > 0
    assert out["ratio"] == pytest.approx(out["posts_per_s"] / out["reference"]["posts_per_s"], rel=0.01)
    assert out["ratio_cpu"] > 0
