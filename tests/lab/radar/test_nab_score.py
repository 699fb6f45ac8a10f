"""NAB scoring against hand-computed cases and against the published per-file results."""

from __future__ import annotations

import csv
import math

import pytest

from heard.lab.radar import nab_score
from heard.lab.radar.nab_files import data_files, read_series, read_windows, window_rows
from heard.lab.radar.nab_score import Window, scaled_sigmoid, score_at, sweep_rows
from tests.conftest import shared_path

EARLY = 2.0 / (1.0 + math.exp(-5.0)) - 1.0  # the reward for a detection at a window's first row


def test_scaled_sigmoid_by_hand() -> None:
    assert scaled_sigmoid(-1.0) == pytest.approx(0.986614, abs=1e-6)
    assert scaled_sigmoid(0.0) == pytest.approx(0.0)
    assert scaled_sigmoid(3.5) == -1.0
    assert scaled_sigmoid(1.0) == pytest.approx(-0.986614, abs=1e-6)


def _one_window() -> nab_score.ScoredRows:
    return sweep_rows(100, [Window(40, 49)])  # 15 rows of probation, a window of width 10


def _detections(*rows: int) -> list[float]:
    scores = [0.0] * 100
    for row in rows:
        scores[row] = 1.0
    return scores


def test_first_detection_in_window_is_the_one_that_counts() -> None:
    rows = _one_window()
    assert score_at(rows, _detections(40), 0.5).score == pytest.approx(EARLY)
    # A later detection in the same window adds nothing, and is not a false positive.
    both = score_at(rows, _detections(40, 45), 0.5)
    assert both.score == pytest.approx(EARLY)
    assert both.fp == 0
    # Only a late detection: position -(49-45+1)/10 = -0.5.
    late = score_at(rows, _detections(45), 0.5)
    assert late.score == pytest.approx(2.0 / (1.0 + math.exp(-2.5)) - 1.0)
    assert late.detection_delays == [5]


def test_missed_window_and_false_positives_by_hand() -> None:
    rows = _one_window()
    assert score_at(rows, _detections(), 0.5).score == -1.0
    # Before any window a false positive costs the full fp weight.
    assert score_at(rows, _detections(20), 0.5).score == pytest.approx(-1.0 - 0.11)
    # After the window it costs less the closer it is: |49-60| / (10-1) past the window.
    past = 11 / 9
    expected = -1.0 + 0.11 * (2.0 / (1.0 + math.exp(5 * past)) - 1.0)
    assert score_at(rows, _detections(60), 0.5).score == pytest.approx(expected)
    # Far past the window (more than 3 widths) the full weight again.
    assert score_at(rows, _detections(99), 0.5).score == pytest.approx(-1.0 - 0.11)


def test_probation_rows_are_not_scored() -> None:
    rows = _one_window()
    result = score_at(rows, _detections(5, 14), 0.5)
    assert result.score == -1.0
    assert result.fp == 0
    assert nab_score.probation_length(100) == 15
    assert nab_score.probation_length(20_000) == 750


def test_normalised_score_is_zero_for_null_and_hundred_for_perfect() -> None:
    rows = [_one_window(), sweep_rows(100, [Window(20, 29), Window(60, 69)])]
    null, perfect = nab_score.null_score(rows), nab_score.perfect_score(rows)
    assert (null, perfect) == (-3.0, 3.0)
    assert nab_score.normalised(null, null, perfect) == 0.0
    assert nab_score.normalised(perfect, null, perfect) == 100.0


def _published(name: str) -> dict[str, dict[str, str]]:
    path = shared_path("data", "nab", "results", f"{name}_standard_scores.csv")
    with path.open(newline="") as handle:
        return {row["File"]: row for row in csv.DictReader(handle)}


def test_null_detector_matches_published_per_file_scores_and_counts() -> None:
    """NAB's null detector never fires: its published score and TN/FN counts check our windows and probation."""
    data = shared_path("data", "nab", "data")
    windows = read_windows(shared_path("data", "nab", "labels", "combined_windows.json"))
    published = _published("null")
    artime = _published("ARTime")
    for name in data_files(data):
        series = read_series(data / name, name)
        rows = sweep_rows(len(series.times), window_rows(series.times, windows[name]))
        result = score_at(rows, [0.0] * len(series.times), 0.5)
        row = published[name]
        assert result.score == pytest.approx(float(row["Score"])), name
        assert (result.tn, result.fn) == (int(row["TN"]), int(row["FN"])), name
        counted = sum(int(artime[name][k]) for k in ("TP", "TN", "FP", "FN"))
        assert counted == result.tn + result.fn, name
