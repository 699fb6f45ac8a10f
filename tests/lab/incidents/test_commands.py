"""`heard eval grouping` on small labelled files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build
from tests.incidents.fixtures import labelled


def _csv(path: Path, rows: list[tuple[str, str]], header: tuple[str, str] = ("text", "label")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_eval_grouping_prints_scores_beside_the_baseline(tmp_path: Path) -> None:
    texts, labels = labelled()
    # The fixture's brand name is spelled without @ in some posts; a real brand would list it in settings.
    rows = [(t.replace("acme", "").replace("Acme", ""), lab) for t, lab in zip(texts, labels, strict=True)]
    result = CliRunner().invoke(build(), ["eval", "grouping", str(_csv(tmp_path / "g.csv", rows)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["heard"]) >= {"nmi", "ari", "accuracy", "groups"}
    assert data["baseline_tfidf_kmeans"]["groups"] == 4
    assert data["heard"]["nmi"] >= 0.8
    assert data["file_rows"] == len(rows)


def test_eval_grouping_refuses_a_file_without_the_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path / "bad.csv", [("a", "b")], header=("tweet", "reason"))
    result = CliRunner().invoke(build(), ["eval", "grouping", str(path), "--json"])
    assert result.exit_code != 0
    assert "text,label" in result.output


def test_eval_grouping_reads_another_label_column_and_skips_labels(tmp_path: Path) -> None:
    texts, labels = labelled()
    rows = [(t, lab) for t, lab in zip(texts, labels, strict=True)] + [("no idea", "Can't Tell"), ("meh", "")]
    path = _csv(tmp_path / "a.csv", rows, header=("text", "negativereason"))
    args = ["eval", "grouping", str(path), "--label-column", "negativereason", "--skip-label", "Can't Tell"]
    result = CliRunner().invoke(build(), [*args, "--brand-term", "acme", "--brand-term", "acmehelp", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["file_rows"] == len(texts)
    assert data["labels"] == 4
