"""`heard radar` (the installation's one radar process) and `heard radar replay FILE.csv`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

radar_app = typer.Typer(
    help="Run the installation's one pile-on radar until interrupted (with HEARD_RADAR_MODE=separate).",
    invoke_without_command=True,
)


@radar_app.callback()
def radar_main(
    ctx: typer.Context,
    report: Annotated[
        Path | None,
        typer.Option(help='Write a JSON report here: {"ready": true} once running, its totals and waits once stopped.'),
    ] = None,
) -> None:
    """Run the installation's one pile-on radar until interrupted (with HEARD_RADAR_MODE=separate)."""
    if ctx.invoked_subcommand is None:
        from heard.commands.core import radar

        radar(report)


@radar_app.command("replay")
def replay_command(
    paths: Annotated[list[Path], typer.Argument(help="CSV files: timestamp,value (value = posts in the interval).")],
    labels: Annotated[
        Path | None, typer.Option("--labels", help="NAB's combined_windows.json: judge the alerts on its windows.")
    ] = None,
    sensitivity: Annotated[str, typer.Option(help="low, normal or high.")] = "normal",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Feed count series as one brand's posts into the live radar; print the alerts it raises."""
    from heard.errors import BadInput
    from heard.lab.radar.nab_files import read_series
    from heard.radar.replay import replay
    from heard.radar.spike import SENSITIVITIES

    if sensitivity not in SENSITIVITIES:
        raise typer.BadParameter(f"sensitivity must be one of {', '.join(SENSITIVITIES)}")
    if labels is not None:
        from heard.lab.radar.replay_score import score_files

        report: dict[str, object] = score_files(paths, labels)
    else:
        alerts: list[dict[str, object]] = []
        for path in paths:
            try:
                series = read_series(path)
            except (BadInput, OSError) as exc:
                typer.echo(f"cannot read {path}: {exc}", err=True)
                raise typer.Exit(2) from exc
            result = replay(series.times, series.values, sensitivity=sensitivity)
            alerts += [
                {"at": s.at.isoformat(), "series": s.series_key, "kind": s.kind, "severity": s.severity}
                for s in result.spikes
            ]
        report = {"alerts": alerts}
    if as_json:
        typer.echo(json.dumps(report, default=str))
        return
    for key, value in report.items():
        typer.echo(f"{key}: {value}")
