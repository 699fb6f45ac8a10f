"""Reading NAB's files (data CSVs, label windows, published result tables) for `heard eval nab`."""

from __future__ import annotations

import bisect
import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from heard.errors import BadInput
from heard.lab.radar.nab_score import Window
from heard.posts import parse_time


@dataclass(frozen=True, slots=True)
class Series:
    """One NAB data file: its name relative to the data directory, timestamps and values."""

    name: str
    times: list[datetime]
    values: list[float]


def read_series(path: Path, name: str = "") -> Series:
    times: list[datetime] = []
    values: list[float] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                times.append(parse_time(row["timestamp"]))
                values.append(float(row["value"]))
            except (KeyError, ValueError, TypeError, BadInput) as exc:
                raise BadInput(f"{path}: bad row {row!r}: {exc}") from exc
    return Series(name or path.name, times, values)


def data_files(data_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(data_dir)) for p in data_dir.glob("*/*.csv"))


def read_windows(labels: Path) -> dict[str, list[tuple[datetime, datetime]]]:
    data = json.loads(labels.read_text(encoding="utf-8"))
    return {name: [(parse_time(a), parse_time(b)) for a, b in spans] for name, spans in data.items()}


def window_rows(times: list[datetime], spans: Iterable[tuple[datetime, datetime]]) -> list[Window]:
    """Label windows as row indices: first row at or after the start, last row at or before the end."""
    rows = []
    for start, end in spans:
        first = bisect.bisect_left(times, start)
        last = bisect.bisect_right(times, end) - 1
        if first <= last:
            rows.append(Window(first, last))
    return rows


def published_scores(results_dir: Path, files: set[str]) -> Iterator[tuple[str, dict[str, float]]]:
    """(detector, {file: raw score}) for every `<detector>_standard_scores.csv` in `results_dir`."""
    for path in sorted(results_dir.glob("*_standard_scores.csv")):
        detector = path.name.removesuffix("_standard_scores.csv")
        with path.open(newline="", encoding="utf-8") as handle:
            scores = {row["File"]: float(row["Score"]) for row in csv.DictReader(handle) if row["File"] in files}
        yield detector, scores


def write_scores(path: Path, times: list[datetime], scores: list[float]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["timestamp", "anomaly_score"])
        for when, score in zip(times, scores, strict=True):
            out.writerow([when.strftime("%Y-%m-%d %H:%M:%S"), f"{score:.6f}"])


def run_detector(series: Series, make: Callable[[], Callable[[datetime, float], float]]) -> list[float]:
    update = make()
    return [update(t, v) for t, v in zip(series.times, series.values, strict=True)]
