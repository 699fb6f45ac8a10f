"""`heard bench cluster`: an importer, N pipeline workers and one radar as processes on PostgreSQL + NATS
(`heard.lab.cluster.bench`)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from heard.lab.cluster.bench import run


def bench_cluster(
    workers: Annotated[
        list[int] | None, typer.Option("--workers", help="Worker counts to measure in this run (repeat).")
    ] = None,
    posts: Annotated[int, typer.Option(help="How many generated posts to import.")] = 20_000,
    batch: Annotated[int, typer.Option(help="Posts per pipeline batch.")] = 500,
    database_url: Annotated[
        str, typer.Option(help="A PostgreSQL database; each run gets a schema of its own, dropped afterwards.")
    ] = os.environ.get("HEARD_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    nats_url: Annotated[str, typer.Option(help="A NATS server with JetStream.")] = "nats://127.0.0.1:4222",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one line of JSON.")] = False,
) -> None:
    """PostgreSQL + NATS, an importer, N workers and a radar as processes: posts/s for each N, the ratio."""
    figures = run(sorted(set(workers or [1, 2])), posts, batch, database_url, nats_url)
    typer.echo(json.dumps(figures) if as_json else json.dumps(figures, indent=2))
