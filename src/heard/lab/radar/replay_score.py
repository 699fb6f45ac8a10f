"""Judging `heard radar replay` against NAB's labelled windows: which windows got an alert, and how many alerts
fell outside every window (false alerts), per brand-week (the file's span in weeks, as one brand's stream)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from heard.lab.radar.nab_files import read_series, read_windows
from heard.radar.replay import replay

_WEEK_S = 7 * 86_400.0


def judge(
    alerts: Sequence[datetime], windows: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime
) -> dict[str, float | int]:
    alerted = sum(any(a <= at <= b for at in alerts) for a, b in windows)
    false = sum(not any(a <= at <= b for a, b in windows) for at in alerts)
    weeks = max((end - start).total_seconds(), 0.0) / _WEEK_S
    return {
        "windows": len(windows),
        "windows_alerted": alerted,
        "false_alerts": false,
        "brand_weeks": round(weeks, 3),
    }


def score_files(paths: Sequence[Path], labels: Path) -> dict[str, object]:
    """Each file replayed as one brand's posts and judged on its windows; the totals, and false alerts per
    brand-week over all files."""
    windows = read_windows(labels)
    per_file: dict[str, dict[str, float | int]] = {}
    for path in paths:
        name = f"{path.parent.name}/{path.name}"
        series = read_series(path, name)
        result = replay(series.times, series.values)
        figures = judge([s.at for s in result.spikes], windows.get(name, []), series.times[0], series.times[-1])
        per_file[name] = {**figures, "alerts": len(result.spikes), "posts": result.posts, "scale": result.scale}
    weeks = sum(float(f["brand_weeks"]) for f in per_file.values())
    false = sum(int(f["false_alerts"]) for f in per_file.values())
    return {
        "files": len(per_file),
        "windows": sum(int(f["windows"]) for f in per_file.values()),
        "windows_alerted": sum(int(f["windows_alerted"]) for f in per_file.values()),
        "false_alerts": false,
        "brand_weeks": round(weeks, 3),
        "false_alerts_per_brand_week": round(false / weeks, 3) if weeks else None,
        "per_file": per_file,
    }
