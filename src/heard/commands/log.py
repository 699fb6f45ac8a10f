"""`heard log prune`: drop old event-log records every consumer has acknowledged (SQL backend)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer

from heard.app import build_runtime
from heard.cli import Cli
from heard.settings import Settings
from heard.stream.sql_log import SqlLog

log_app = typer.Typer(help="The event log.", no_args_is_help=True)


def register(cli: Cli) -> None:
    cli.root.add_typer(log_app, name="log")


@log_app.command("prune")
def prune(
    older_than_days: Annotated[
        float | None, typer.Option(help="Age in days; default HEARD_LOG_RETENTION_DAYS.", min=0)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Delete records older than the age that every consumer group has fetched and acknowledged (`heard serve`
    does this hourly by itself). The newest record of each topic stays, so offsets keep growing."""
    settings = Settings()
    runtime = build_runtime(settings)
    try:
        if not isinstance(runtime.log, SqlLog):
            typer.echo("this event log keeps its own retention (JetStream limits, or memory); nothing to prune")
            return
        days = settings.log_retention_days if older_than_days is None else older_than_days
        removed = runtime.log.prune(runtime.clock.now() - timedelta(days=days))
    finally:
        runtime.close()
    typer.echo(json.dumps({"removed": removed}) if as_json else f"removed {sum(removed.values())} records {removed}")
