"""`heard bench inbox-queries`: the inbox's queries over many stored conversations (`heard.lab.inbox_queries_bench`)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from heard.lab.inbox_queries_bench import run


def bench_inbox(
    conversations: Annotated[int, typer.Option(help="How many conversations to store.")] = 100_000,
    repeat: Annotated[int, typer.Option(help="Times each query runs.")] = 10,
    database_url: Annotated[str | None, typer.Option(help="An empty database to fill (default: temp SQLite).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Time the inbox's queries over a database of generated conversations (one core, warm cache)."""
    figures = run(conversations, repeat, database_url)
    if as_json:
        typer.echo(json.dumps(figures))
        return
    typer.echo(f"{conversations} conversations on {figures['backend']} (filled in {figures['fill_seconds']:.1f} s)")
    for name, timing in figures["queries"].items():
        typer.echo(f"  {name:32} p50 {timing['p50_ms']:8.2f} ms   max {timing['max_ms']:8.2f} ms")
