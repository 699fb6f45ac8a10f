"""`heard detect` writes one score per row in [0, 1]; `heard eval nab` prints JSON."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build
from tests.conftest import shared_path


def test_detect_scores_every_row(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    rows = [(f"2026-01-01 00:{i:02d}:00", 10 + math.sin(i)) for i in range(60)]
    rows[40] = (rows[40][0], 500.0)
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "value"])
        writer.writerows(rows)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(build(), ["detect", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        scored = list(csv.DictReader(handle))
    assert len(scored) == 60
    scores = [float(r["anomaly_score"]) for r in scored]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[40] == max(scores)


def test_detect_refuses_a_bad_file(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("timestamp,value\nyesterday,abc\n")
    result = CliRunner().invoke(build(), ["detect", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2


def test_eval_nab_on_one_category_prints_figures_and_published(tmp_path: Path) -> None:
    nab = shared_path("data", "nab")
    data = tmp_path / "data"
    (data / "realKnownCause").mkdir(parents=True)
    for name in ("ec2_request_latency_system_failure.csv", "ambient_temperature_system_failure.csv"):
        (data / "realKnownCause" / name).write_bytes((nab / "data" / "realKnownCause" / name).read_bytes())
    args = ["eval", "nab", str(data), "--labels", str(nab / "labels" / "combined_windows.json")]
    result = CliRunner().invoke(build(), [*args, "--compare", str(nab / "results"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["files"] == 2
    assert report["windows"] == 5
    assert 0 <= report["windows_found"] <= 5
    assert -100 <= report["normalised_score"] <= 100
    assert "ARTime" in report["published"]


def test_eval_nab_held_out_scores_each_category_at_the_others_threshold(tmp_path: Path) -> None:
    nab = shared_path("data", "nab")
    data = tmp_path / "data"
    for name in ("realKnownCause/ec2_request_latency_system_failure.csv", "realTraffic/speed_6005.csv"):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes((nab / "data" / name).read_bytes())
    args = ["eval", "nab", str(data), "--labels", str(nab / "labels" / "combined_windows.json"), "--held-out"]
    result = CliRunner().invoke(build(), [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert -100 <= report["category_held_out_score"] <= 100
    assert report["category_held_out_score"] != report["normalised_score"]  # thresholds from one file each differ
