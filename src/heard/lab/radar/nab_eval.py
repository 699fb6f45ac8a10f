"""`heard eval nab`: run the live detector over NAB's files and score it with NAB's standard profile."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from heard.lab.radar import nab_score
from heard.lab.radar.nab_files import (
    data_files,
    published_scores,
    read_series,
    read_windows,
    window_rows,
)
from heard.radar.series import SeriesDetector


@dataclass(frozen=True, slots=True)
class Prepared:
    name: str
    rows: nab_score.ScoredRows
    scores: list[float]


def detect_series(times: list, values: list[float]) -> list[float]:  # type: ignore[type-arg]
    """The live detector, fed one row at a time."""
    detector = SeriesDetector()
    return [detector.update(when, value) for when, value in zip(times, values, strict=True)]


def prepare(data_dir: Path, labels: Path, profile: str = "standard", categories: Sequence[str] = ()) -> list[Prepared]:
    windows = read_windows(labels)
    costs = nab_score.PROFILES[profile]
    prepared = []
    for name in data_files(data_dir):
        if categories and name.split("/", 1)[0] not in categories:
            continue
        series = read_series(data_dir / name, name)
        rows = nab_score.sweep_rows(len(series.times), window_rows(series.times, windows.get(name, [])), costs)
        prepared.append(Prepared(name, rows, detect_series(series.times, series.values)))
    return prepared


def best_threshold(prepared: list[Prepared], costs: nab_score.CostMatrix) -> tuple[float, float]:
    """(summed raw score, threshold) at the threshold that maximises the summed raw score, as NAB chooses it."""
    best_total, best = float("-inf"), 1.0
    for threshold in nab_score.candidate_thresholds([p.scores for p in prepared]):
        total = sum(nab_score.score_at(p.rows, p.scores, threshold, costs).score for p in prepared)
        if total > best_total:
            best_total, best = total, threshold
    return best_total, best


def category_held_out(prepared: list[Prepared], profile: str = "standard") -> float:
    """The normalised score when each category's files are scored at the threshold chosen on the other
    categories: how much of the score is owed to choosing the threshold on the files it is reported on."""
    costs = nab_score.PROFILES[profile]
    categories = sorted({p.name.split("/", 1)[0] for p in prepared})
    total = 0.0
    for category in categories:
        held = [p for p in prepared if p.name.split("/", 1)[0] == category]
        rest = [p for p in prepared if p.name.split("/", 1)[0] != category]
        _, threshold = best_threshold(rest, costs)
        total += sum(nab_score.score_at(p.rows, p.scores, threshold, costs).score for p in held)
    rows = [p.rows for p in prepared]
    return round(
        nab_score.normalised(total, nab_score.null_score(rows, costs), nab_score.perfect_score(rows, costs)), 2
    )


def evaluate(prepared: list[Prepared], profile: str = "standard") -> dict[str, object]:
    """NAB's threshold sweep over all files, then the figures at the best threshold."""
    costs = nab_score.PROFILES[profile]
    best_total, best_threshold_ = best_threshold(prepared, costs)
    results = {p.name: nab_score.score_at(p.rows, p.scores, best_threshold_, costs) for p in prepared}
    rows = [p.rows for p in prepared]
    delays = [d for r in results.values() for d in r.detection_delays]
    return {
        "profile": profile,
        "files": len(prepared),
        "threshold": best_threshold_,
        "raw_score": round(best_total, 4),
        "normalised_score": round(
            nab_score.normalised(best_total, nab_score.null_score(rows, costs), nab_score.perfect_score(rows, costs)),
            2,
        ),
        "windows": sum(r.n_windows for r in rows),
        "windows_found": sum(r.windows_found for r in results.values()),
        "false_positives": sum(r.fp for r in results.values()),
        "median_delay_rows": statistics.median(delays) if delays else None,
        "per_file": {name: round(r.score, 4) for name, r in results.items()},
    }


def report(
    data_dir: Path,
    labels: Path,
    compare_dir: Path | None = None,
    per_file: bool = False,
    held_out: bool = False,
    categories: Sequence[str] = (),
) -> dict[str, object]:
    """`heard eval nab`: the figures at NAB's best threshold; with `held_out` also each category scored at the
    threshold chosen on the others, with `per_file` each file's raw score, with `compare_dir` the published
    detectors' scores on the same files; `categories` keeps only those folders (e.g. realKnownCause)."""
    prepared = prepare(data_dir, labels, categories=categories)
    figures = evaluate(prepared)
    if held_out:
        figures["category_held_out_score"] = category_held_out(prepared)
    if not per_file:
        figures.pop("per_file")
    if compare_dir is not None:
        figures["published"] = compare(compare_dir, prepared)
    return figures


def compare(results_dir: Path, prepared: list[Prepared]) -> dict[str, dict[str, float | int]]:
    """The published detectors' normalised scores on the same files (standard profile, their thresholds)."""
    files = {p.name for p in prepared}
    windows = sum(p.rows.n_windows for p in prepared)
    out: dict[str, dict[str, float | int]] = {}
    for detector, scores in published_scores(results_dir, files):
        if set(scores) != files:
            continue
        raw = sum(scores.values())
        out[detector] = {
            "normalised_score": round(nab_score.normalised(raw, -float(windows), float(windows)), 2),
            "raw_score": round(raw, 4),
        }
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["normalised_score"]))
