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
    out = run("bench", "understand", "--n", "600", "--batch", "200", "--rounds", "2", "--json")
    assert isinstance(out["posts_per_s"], float)
    assert out["posts_per_s"] > 0
    assert isinstance(out["peak_rss_mb"], float)
    assert out["n"] == 600
    # The scikit-learn reference runs in the same process on the same posts, and the ratio is ours over it.
    assert out["reference"]["posts_per_s"] > 0
    assert out["ratio"] == pytest.approx(out["posts_per_s"] / out["reference"]["posts_per_s"], rel=0.01)
    assert out["ratio_cpu"] > 0
    # Alternated passes: each side's figure is the median of its own passes.
    assert out["rounds"] == 2
    assert len(out["posts_per_s_passes"]) == len(out["reference"]["posts_per_s_passes"]) == 2


def test_eval_sentiment_cv_prints_val_and_cross_validated_recall_side_by_side(tmp_path: Path) -> None:
    """--cv cross-validates the training recipe on train_*.txt from --train and prints it beside val's figure."""
    lines = {
        "0": ["this is awful", "I hate it so much", "worst day ever", "terrible service, never again"],
        "1": ["the meeting is at noon", "it is a tuesday", "the bus leaves at nine", "here is the report"],
        "2": ["I love it", "what a wonderful day", "thank you so much, great job", "this is amazing"],
    }
    texts = [t for label in lines for t in lines[label] * 3]
    labels = [label for label in lines for _ in lines[label] * 3]
    (tmp_path / "train_text.txt").write_text("\n".join(texts) + "\n")
    (tmp_path / "train_labels.txt").write_text("\n".join(labels) + "\n")
    figures = run(
        "eval",
        "sentiment",
        "--text",
        str(FIXTURES / "sentiment-small_text.txt"),
        "--labels",
        str(FIXTURES / "sentiment-small_labels.txt"),
        "--cv",
        "3",
        "--train",
        str(tmp_path),
        "--json",
    )
    assert figures["val_macro_recall"] == figures["macro_recall"] == 100.0
    assert figures["cv"]["n"] == len(texts)
    assert figures["cv"]["folds"] == 3
    assert len(figures["cv"]["macro_recall_folds"]) == 3
    assert figures["cv_macro_recall"] == figures["cv"]["macro_recall"]
    assert figures["cv_macro_recall"] > 80.0  # every training line has copies in the other folds


def test_eval_sentiment_cv_refuses_a_folder_without_train_files(tmp_path: Path) -> None:
    text, labels = FIXTURES / "sentiment-small_text.txt", FIXTURES / "sentiment-small_labels.txt"
    args = ["eval", "sentiment", "--text", str(text), "--labels", str(labels), "--cv", "5", "--train", str(tmp_path)]
    result = runner.invoke(build(), args)
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_eval_complaints_holdout_sets_rows_aside_and_reports_both_figures() -> None:
    figures = run(
        "eval", "complaints", str(FIXTURES / "complaints-small.csv"), "--holdout", "0.5", "--cv", "2", "--json"
    )
    assert figures["held_out"]["n"] + figures["cv_on_the_rest"]["n"] == 8
    assert figures["held_out_fraction"] == 0.5
    assert figures["cv_on_the_rest"]["folds"] == 2
    assert 0.0 <= figures["held_out"]["macro_f1"] <= 100.0


def test_eval_complaints_refuses_a_holdout_outside_its_range() -> None:
    args = ["eval", "complaints", str(FIXTURES / "complaints-small.csv"), "--holdout", "0.9", "--json"]
    result = runner.invoke(build(), args)
    assert result.exit_code == 2
    assert "between 0.05 and 0.5" in result.output
