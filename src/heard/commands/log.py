"""`heard log prune|groups|drop-group`: the SQL event log's retention and its consumer groups."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from typing import Annotated

import typer

from heard.app import build_runtime
from heard.settings import Settings
from heard.stream.sql_log import SqlLog

log_app = typer.Typer(help="The event log.", no_args_is_help=True)


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
    with build_runtime(settings) as runtime:
        if not isinstance(runtime.log, SqlLog):
            typer.echo("this event log keeps its own retention (JetStream limits, or memory); nothing to prune")
            return
        days = settings.log_retention_days if older_than_days is None else older_than_days
        removed = runtime.log.prune(runtime.clock.now() - timedelta(days=days))
    typer.echo(json.dumps({"removed": removed}) if as_json else f"removed {sum(removed.values())} records {removed}")


@log_app.command("groups")
def groups(as_json: Annotated[bool, typer.Option("--json", help="Print the groups as JSON.")] = False) -> None:
    """List the consumer groups of the SQL event log with their lag; a group whose lag only grows is one nobody
    runs any more, and it holds back pruning of its topic until dropped."""
    with build_runtime(Settings()) as runtime:
        if not isinstance(runtime.log, SqlLog):
            typer.echo("consumer groups of this event log are managed by its server (JetStream) or live in memory")
            return
        found = [asdict(g) for g in runtime.log.groups()]
    if as_json:
        typer.echo(json.dumps({"groups": found}))
        return
    lines = [f"{g['topic']}\t{g['group']}\tlag {g['lag']}\tpending {g['pending']}" for g in found]
    typer.echo("\n".join(lines) or "no consumer groups yet")


@log_app.command("drop-group")
def drop_group(
    topic: Annotated[str, typer.Argument(help="The topic, e.g. posts.raw or events.")],
    group: Annotated[str, typer.Argument(help="The group's name, as `heard log groups` lists it.")],
) -> None:
    """Forget a consumer group nobody runs any more, so its topic can be pruned again."""
    with build_runtime(Settings()) as runtime:
        if not isinstance(runtime.log, SqlLog):
            typer.echo("consumer groups of this event log are managed by its server (JetStream) or live in memory")
            return
        dropped = runtime.log.drop_group(topic, group)
    if not dropped:
        typer.echo(f"error: no consumer group {group!r} on topic {topic!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"dropped {group} on {topic}")
