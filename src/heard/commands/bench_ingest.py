"""`heard bench ingest`: generated posts through import -> event log -> pipeline -> store (`heard.lab.ingest_bench`)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from heard.lab.ingest_bench import run


def bench_ingest(
    posts: Annotated[int, typer.Option(help="How many generated posts to replay.")] = 100_000,
    batch: Annotated[int, typer.Option(help="Posts per pipeline batch.")] = 1000,
    stage_set: Annotated[
        str,
        typer.Option("--stages", help="core: normalize, dedupe, threading and store; all: also understand and group."),
    ] = "core",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Replays generated posts (real sample text, reply chains) through the whole ingest path, one core."""
    if stage_set not in ("core", "all"):
        raise typer.BadParameter("use core or all", param_hint="--stages")
    figures = run(posts, batch, stage_set)
    typer.echo(json.dumps(figures) if as_json else json.dumps(figures, indent=2))
