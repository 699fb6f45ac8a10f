"""`heard hooks add|list|remove|retry|dispatch`: outgoing webhooks for other tools (docs/api.md)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Annotated, Any

import typer

from heard.app import build_runtime
from heard.events import EVENTS_TOPIC
from heard.hooks.actions import (
    EVENT_NAMES,
    HookError,
    add_subscription,
    remove_subscription,
    retry_failed,
    subscriptions,
)
from heard.settings import Settings
from heard.workers.hooks import HookDispatcher
from heard.workers.running import run_until_interrupted

hooks = typer.Typer(help="Outgoing webhooks: POST each domain event to other tools, signed.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@hooks.command("add")
def add(
    url: Annotated[str, typer.Argument(help="Where to POST the events (http or https).")],
    event: Annotated[
        list[str] | None,
        typer.Option(help=f"An event to send (repeatable; default all): {', '.join(sorted(EVENT_NAMES))}."),
    ] = None,
    secret_stdin: Annotated[
        bool, typer.Option("--secret-stdin", help="Read a signing secret (16-256 characters) from stdin.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Subscribe a URL to events from now on (not the history)."""
    secret = sys.stdin.readline().rstrip("\r\n") if secret_stdin else None
    with build_runtime(Settings()) as runtime:
        try:
            head = runtime.log.head(EVENTS_TOPIC)
            with runtime.sessions.begin() as session:
                row = add_subscription(
                    session, url, event or [], secret, runtime.clock.now(), head, secret_key=runtime.settings.secret_key
                )
                found: dict[str, Any] = {
                    "id": row.id,
                    "url": row.url,
                    "events": row.events,
                    "signed": row.secret is not None,
                }
        except HookError as exc:
            raise typer.BadParameter(str(exc)) from exc
    typer.echo(json.dumps(found) if as_json else f"webhook {found['id']} -> {url} ({', '.join(found['events'])})")


@hooks.command("list")
def list_(as_json: Json = False) -> None:
    """Every subscription with its deliveries by status (never the secret)."""
    with build_runtime(Settings()) as runtime, runtime.sessions() as session:
        rows: list[dict[str, Any]] = [
            {"id": s.id, "url": s.url, "events": s.events, "signed": s.secret is not None, "deliveries": counts}
            for s, counts in subscriptions(session)
        ]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for r in rows:
        typer.echo(f"{r['id']:>4}  {r['url']}  {', '.join(r['events'])}  {r['deliveries'] or 'no deliveries yet'}")


@hooks.command("remove")
def remove(subscription_id: Annotated[int, typer.Argument(help="The webhook's id (heard hooks list).", min=1)]) -> None:
    """Stop sending to a webhook and forget its deliveries."""
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                remove_subscription(session, subscription_id)
        except HookError as exc:
            raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"removed webhook {subscription_id}")


@hooks.command("retry")
def retry(subscription_id: Annotated[int, typer.Argument(help="The webhook's id.", min=1)]) -> None:
    """Send a webhook's failed deliveries again (after the receiver is fixed)."""
    with build_runtime(Settings()) as runtime, runtime.sessions.begin() as session:
        count = retry_failed(session, subscription_id, runtime.clock.now())
    typer.echo(f"{count} deliveries queued again")


@hooks.command("dispatch")
def dispatch(
    once: Annotated[bool, typer.Option("--once", help="One pass, print what it did, exit.")] = False,
) -> None:
    """Send webhooks until interrupted (`heard serve` runs this itself; distributed mode runs it apart)."""
    if once:
        with build_runtime(Settings()) as runtime:
            typer.echo(json.dumps(asdict(HookDispatcher(runtime).pass_once())))
        return
    run_until_interrupted(Settings(), lambda runtime: HookDispatcher(runtime).run)
