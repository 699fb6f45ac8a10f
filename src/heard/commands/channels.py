"""`heard channels add|list|remove|accept-hashtags` and `heard listen`.

Credentials can be given as options, or left out to be asked for without echo (so they stay out of shell
history); they are stored encrypted with a key derived from HEARD_SECRET_KEY and never printed.
"""

from __future__ import annotations

import json
import signal
import sys
from datetime import timedelta
from typing import Annotated, Any, TextIO, cast

import structlog
import typer

from heard.app import Runtime, build_runtime
from heard.channels.actions import accept_hashtags, add_channel, list_channels, remove_channel
from heard.connectors.base import BackfillUnsupported, ListeningRules
from heard.connectors.failures import ConnectorFailure
from heard.connectors.registry import connector_class, known_kinds
from heard.errors import HeardError, MissingExtra
from heard.settings import Settings
from heard.workers.listen import ChannelOutcome, Listener

#: Options `channels add` takes by name; each maps to the connector option of the same name (dashes to _).
NAMED = (
    "instance",
    "token",
    "bearer_token",
    "user_token",
    "user_id",
    "consumer_secret",
    "identifier",
    "app_password",
    "mode",
    "client_id",
    "client_secret",
    "username",
    "password",
    "subreddits",
    "channel_id",
    "api_key",
    "access_token",
    "page_id",
    "page_token",
    "app_secret",
    "verify_token",
    "organization",
    "path",
    "format",
)

channels = typer.Typer(help="Network accounts Heard listens to and answers through.", no_args_is_help=True)


def _options(ctx: typer.Context, settings: list[str]) -> dict[str, str]:
    """--instance x --token y ... (any NAMED option) and --set key=value for the rest."""
    options: dict[str, str] = {}
    args = list(ctx.args)
    while args:
        flag = args.pop(0)
        name = flag.lstrip("-").replace("-", "_")
        if not flag.startswith("--") or name not in NAMED or not args:
            raise typer.BadParameter(
                f"unknown option {flag!r}; known: --{', --'.join(n.replace('_', '-') for n in NAMED)}"
                " or --set key=value"
            )
        options[name] = args.pop(0)
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"--set takes key=value, not {item!r}")
        options[key.strip()] = value
    return options


@channels.command("add", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="mastodon, bluesky, reddit, x, facebook, linkedin, youtube, replay.")],
    name: Annotated[str | None, typer.Option(help="A name for the channel (default: the kind).")] = None,
    handle: Annotated[str | None, typer.Option(help="The brand's account on this network.")] = None,
    listen_handle: Annotated[list[str], typer.Option("--listen-handle", help="Handles to listen for.")] = [],  # noqa: B006
    keyword: Annotated[list[str], typer.Option(help="Keywords to listen for (repeat or comma-separate).")] = [],  # noqa: B006
    hashtag: Annotated[list[str], typer.Option(help="Hashtags to listen for.")] = [],  # noqa: B006
    brand_handle: Annotated[list[str], typer.Option(help="Other handles of the brand on this network.")] = [],  # noqa: B006
    set_: Annotated[list[str], typer.Option("--set", help="Any other connector option, key=value.")] = [],  # noqa: B006
) -> None:
    """Add a channel, e.g. `heard channels add mastodon --instance https://mastodon.social --token ...`."""
    if kind not in known_kinds():
        raise typer.BadParameter(f"use one of {', '.join(known_kinds())}", param_hint="KIND")
    options = _options(ctx, set_)
    cls = connector_class(kind)
    for option in cls.required_options:
        if not options.get(option):
            secret = option in cls.secret_options or option in ("token", "password")
            options[option] = typer.prompt(option.replace("_", " "), hide_input=secret)
    rules = ListeningRules(tuple(listen_handle), tuple(keyword), tuple(hashtag))
    settings = Settings()
    with build_runtime(settings) as runtime:
        try:
            with runtime.sessions.begin() as session:
                add_channel(
                    session,
                    kind=kind,
                    name=name or kind,
                    options=options,
                    secret_key=settings.secret_key,
                    now=runtime.clock.now(),
                    handle=handle,
                    rules=rules,
                    brand_handles=brand_handle,
                )
        except HeardError as exc:
            raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"added {kind} channel {name or kind!r}; run `heard listen` to start reading")


@channels.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Channels with their health (credentials are never shown)."""
    with build_runtime(Settings()) as runtime, runtime.sessions() as session:
        rows = list_channels(session)
    if as_json:
        channels: list[dict[str, Any]] = [
            {
                "name": r.name,
                "kind": r.kind,
                "handle": r.handle,
                "health": r.health,
                "detail": r.health_detail,
                "rules": {"handles": r.rules.handles, "keywords": r.rules.keywords, "hashtags": r.rules.hashtags},
                "options": r.options,
            }
            for r in rows
        ]
        typer.echo(json.dumps({"channels": channels}))
        return
    if not rows:
        typer.echo("no channels yet: heard channels add <kind> ...")
    for r in rows:
        typer.echo(f"{r.name:20} {r.kind:9} {r.health:13} {r.health_detail or ''}")


@channels.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The channel's name.")]) -> None:
    """Remove a channel and its stored credentials."""
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                remove_channel(session, name)
        except HeardError as exc:
            raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"removed {name}")


BackfillDays = Annotated[
    float,
    typer.Option(
        help="Also fetch the hashtags' posts of this many past days, where the network can search (0: no).", min=0
    ),
]


@channels.command("accept-hashtags")
def accept(
    name: Annotated[str, typer.Argument(help="The channel's name.")],
    hashtags: Annotated[list[str], typer.Argument(help="Hashtags to start listening for.")],
    backfill_days: BackfillDays = 7.0,
) -> None:
    """Listen for hashtags (for example, ones discovery suggested) on a channel, and back-fill their recent past."""
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                rules = accept_hashtags(session, name, hashtags)
            typer.echo(f"{name} now listens for #{', #'.join(rules.hashtags)}")
            if backfill_days:
                typer.echo(backfill(runtime, name, tuple(hashtags), backfill_days))
        except HeardError as exc:
            raise typer.BadParameter(str(exc)) from exc


def backfill(runtime: Runtime, name: str, hashtags: tuple[str, ...], days: float) -> str:
    """Back-fill `hashtags` on channel `name` for `days`; a sentence saying what happened (never raises for a
    network that cannot search, or one that fails: the hashtag is in the rules either way)."""
    since = runtime.clock.now() - timedelta(days=days)
    try:
        outcome = Listener(runtime).backfill(name, hashtags, since)
    except BackfillUnsupported as exc:
        return f"no back-fill: {exc}"
    except (ConnectorFailure, MissingExtra) as exc:
        return f"back-fill failed, new posts will still be read: {exc}"
    return f"back-filled {outcome.taken} posts ({outcome.duplicates} already known, {outcome.set_aside} set aside)"


def _outcome(o: ChannelOutcome) -> dict[str, Any]:
    return {
        "channel": o.name,
        "health": o.health,
        "taken": o.taken,
        "duplicates": o.duplicates,
        "set_aside": o.set_aside,
        "wait_s": round(o.wait_s, 1),
        "detail": o.detail,
    }


class _Stderr:
    """Whatever sys.stderr is at the time of writing (test runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _print_round(outcomes: list[ChannelOutcome]) -> None:
    for outcome in outcomes:
        typer.echo(json.dumps(_outcome(outcome)))


def listen(
    once: Annotated[bool, typer.Option(help="Read every channel once, report and exit.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between reads of a healthy channel.")] = 60.0,
    kind: Annotated[list[str], typer.Option(help="Only channels of these kinds.")] = [],  # noqa: B006
    as_json: Annotated[bool, typer.Option("--json", help="With --once: print one JSON object.")] = False,
) -> None:
    """Run the readers: each channel from its stored cursor onto the event log (`heard worker` does the rest)."""
    # logs go to stderr, so stdout carries only the report (one JSON object with --json)
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(cast(TextIO, _Stderr())))
    runtime = build_runtime(Settings())
    listener = Listener(runtime, interval_s=interval, kinds=frozenset(kind) if kind else None)
    if once:
        outcomes = listener.run_once()
        runtime.close()
        if as_json:
            typer.echo(json.dumps({"channels": [_outcome(o) for o in outcomes]}))
        else:
            for o in outcomes:
                typer.echo(f"{o.name:20} {o.health:13} +{o.taken} posts  {o.detail or ''}")
        return
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    typer.echo(f"listening (every {interval:.0f}s a channel; Ctrl-C stops)")
    try:
        listener.run(lambda: bool(stopping), on_round=_print_round)
    except KeyboardInterrupt:
        pass
    finally:
        runtime.close()
