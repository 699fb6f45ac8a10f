"""`heard bench inbox`: the inbox and a conversation page under concurrent requests (`heard.lab.inbox_bench`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from heard.lab.inbox_bench import run


def bench_inbox(
    posts: Annotated[int, typer.Option(help="Posts to store.")] = 1_000_000,
    conversations: Annotated[int, typer.Option(help="Conversations they form.")] = 200_000,
    requests: Annotated[int, typer.Option(help="Requests per page kind (bounded by --seconds).")] = 2000,
    concurrency: Annotated[int, typer.Option(help="Concurrent clients (the server is one uvicorn process).")] = 4,
    seconds: Annotated[float, typer.Option(help="Most seconds spent on each page kind.")] = 60.0,
    database: Annotated[Path | None, typer.Option(help="Keep the filled SQLite file here (reused if present).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Fill a SQLite database, then measure p50/p95/p99 of the inbox and conversation pages (target: inbox p95
    <= 50 ms)."""
    figures = run(posts, conversations, requests, concurrency, seconds, database)
    if as_json:
        typer.echo(json.dumps(figures))
    else:
        for key, value in figures.items():
            typer.echo(f"{key}: {value}")
