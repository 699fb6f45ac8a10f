"""Radar commands: `heard detect`, `heard eval nab`, `heard bench pileon`, `heard alerts ...`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from heard.radar.spike import SENSITIVITIES


def detect(
    path: Annotated[Path, typer.Argument(help="A CSV with columns timestamp,value.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write timestamp,anomaly_score.")],
) -> None:
    """Score a series with the live detector, one row at a time."""
    from heard.errors import BadInput
    from heard.lab.radar.nab_eval import detect_series
    from heard.lab.radar.nab_files import read_series, write_scores

    try:
        series = read_series(path)
    except (BadInput, OSError) as exc:
        typer.echo(f"cannot read {path}: {exc}", err=True)
        raise typer.Exit(2) from exc
    write_scores(out, series.times, detect_series(series.times, series.values))


def eval_nab(
    data_dir: Annotated[Path, typer.Argument(help="NAB's data directory (with realKnownCause/ etc.).")],
    labels: Annotated[Path, typer.Option("--labels", help="combined_windows.json")],
    compare_dir: Annotated[Path | None, typer.Option("--compare", help="NAB results dir to compare with.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    per_file: Annotated[bool, typer.Option("--per-file", help="Include each file's raw score.")] = False,
    held_out: Annotated[
        bool, typer.Option("--held-out", help="Also score each category at the threshold chosen on the others.")
    ] = False,
    category: Annotated[
        list[str] | None, typer.Option("--category", help="Only this folder (repeat for more), e.g. realKnownCause.")
    ] = None,
) -> None:
    """Score the live detector on NAB with NAB's standard profile."""
    from heard.lab.radar.nab_eval import report as nab_report

    report = nab_report(data_dir, labels, compare_dir, per_file, held_out, category or ())
    if as_json:
        typer.echo(json.dumps(report, default=str))
        return
    for key, value in report.items():
        typer.echo(f"{key}: {value}")


def bench_pileon(
    days: Annotated[float, typer.Option(help="Simulated days per brand (the first is warm-up).")] = 3.0,
    seeds: Annotated[int, typer.Option(help="How many times to run the five baselines.")] = 1,
    sensitivity: Annotated[str, typer.Option(help="low, normal or high.")] = "normal",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Replay synthetic pile-ons through the live pipeline; delays and false alerts vs an hourly comparator."""
    from heard.lab.radar.pileon_bench import run_bench

    if sensitivity not in SENSITIVITIES:
        raise typer.BadParameter(f"sensitivity must be one of {', '.join(SENSITIVITIES)}")
    if days <= 1.0:
        raise typer.BadParameter("days must be more than 1 (the first day is warm-up)")
    report = run_bench(days, sensitivity, seeds)
    if as_json:
        typer.echo(json.dumps(report, default=str))
        return
    for key, value in report.items():
        typer.echo(f"{key}: {value}")
