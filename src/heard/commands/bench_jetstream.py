"""`heard bench jetstream`: Jetstream events per CPU-second through the Bluesky connector's reader
(`heard.lab.jetstream_bench`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from heard.lab.jetstream_bench import run


def bench_jetstream(
    events: Annotated[int, typer.Option(help="How many frames to replay.")] = 200_000,
    source: Annotated[
        Path | None, typer.Option(help="Recorded Jetstream events (JSON lines); default: the shared recording.")
    ] = None,
    compress: Annotated[bool, typer.Option(help="Send zstd frames (Jetstream's compress=true).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Jetstream over a local WebSocket server at full speed: prefilter, end to end, beside a bare decode."""
    figures = run(events, source, compress)
    typer.echo(json.dumps(figures) if as_json else json.dumps(figures, indent=2))
