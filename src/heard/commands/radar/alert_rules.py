"""`heard alerts ...`: alert rules, the list of alerts, hashtag proposals, and one notification pass."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from heard.errors import BadInput, NotFound

alerts_app = typer.Typer(help="Alert rules, alerts and hashtag proposals.", no_args_is_help=True)


@alerts_app.command("add-rule")
def add_rule(
    name: Annotated[str, typer.Argument(help="A unique name.")],
    series: Annotated[str, typer.Option(help="Glob on series keys: 'thread:*', 'brand:acme', 'hashtag:*'.")] = "*",
    sensitivity: Annotated[str, typer.Option(help="low, normal or high.")] = "normal",
    cooldown: Annotated[int, typer.Option(help="Seconds to stay quiet after notifying.")] = 1800,
    min_severity: Annotated[float, typer.Option(help="Only alerts at least this severe (0..1).")] = 0.0,
    webhook: Annotated[list[str] | None, typer.Option(help="Webhook URL (JSON, signed with --secret).")] = None,
    secret: Annotated[str | None, typer.Option(help="HMAC secret for --webhook.")] = None,
    chat: Annotated[list[str] | None, typer.Option(help="Slack or Mattermost incoming-webhook URL.")] = None,
    email: Annotated[list[str] | None, typer.Option(help="E-mail address.")] = None,
) -> None:
    """Add an alert rule: what series, how sensitive, how quiet after a notice, and who to tell."""
    from heard.alerts.actions import create_rule
    from heard.app import build_runtime
    from heard.settings import Settings

    targets: list[dict[str, Any]] = [{"kind": "webhook", "url": u, "secret": secret} for u in webhook or []]
    targets += [{"kind": "chat", "url": u} for u in chat or []]
    targets += [{"kind": "email", "to": a} for a in email or []]
    for target in targets:
        if "url" in target and urlsplit(target["url"]).scheme not in ("http", "https"):
            raise typer.BadParameter(f"{target['url']} is not an http(s) URL")
    with build_runtime(Settings()) as runtime:
        from heard.sealing import seal

        for target in targets:  # stored sealed (heard.sealing); the delivery loop unseals
            if target.get("secret"):
                target["secret"] = seal(str(target["secret"]), runtime.settings.secret_key)
        try:
            with runtime.sessions.begin() as session:
                rule = create_rule(
                    session, name, runtime.clock.now(), series, sensitivity, cooldown, min_severity, targets
                )
                typer.echo(f"rule {rule.id} {rule.name}: {rule.series} -> {len(targets)} target(s)")
        except BadInput as exc:
            raise typer.BadParameter(exc.reason) from exc


@alerts_app.command("list")
def list_alerts(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The newest alerts, with rules and open hashtag proposals."""
    from heard.alerts.notify import alert_payload
    from heard.alerts.queries import proposals, recent_alerts, rules
    from heard.app import build_runtime
    from heard.settings import Settings

    with build_runtime(Settings()) as runtime, runtime.sessions() as session:
        report = {
            "alerts": [alert_payload(a) for a in recent_alerts(session, limit)],
            "rules": [{"name": r.name, "series": r.series, "targets": len(r.targets)} for r in rules(session)],
            "proposals": [{"tag": p.tag, "growth": p.growth, "posts": p.posts} for p in proposals(session)],
        }
    if as_json:
        typer.echo(json.dumps(report, default=str))
        return
    for alert in report["alerts"]:
        typer.echo(f"#{alert['id']} {alert['kind']} {alert['series']} severity {alert['severity']}")


@alerts_app.command("decide")
def decide(
    tag: Annotated[str, typer.Argument(help="The proposed hashtag.")],
    accept: Annotated[bool, typer.Option("--accept/--reject", help="Join the listening rules, or not.")] = True,
    channel: Annotated[str | None, typer.Option(help="The channel whose listening rules it joins.")] = None,
    backfill_days: Annotated[
        float,
        typer.Option(help="Also fetch the tag's posts of this many past days, where the network can search.", min=0),
    ] = 7.0,
) -> None:
    """Accept a proposed hashtag into the listening rules (of --channel) and back-fill its recent past, or reject
    it."""
    from heard.alerts.actions import decide_proposal
    from heard.app import build_runtime
    from heard.channels.actions import ChannelProblem, accept_hashtags
    from heard.commands.channels import backfill
    from heard.settings import Settings

    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                row = decide_proposal(session, tag, accept, runtime.clock.now())
                if accept and channel:
                    accept_hashtags(session, channel, [row.tag])
                typer.echo(f"{row.tag}: {row.status}" + (f" on {channel}" if accept and channel else ""))
                accepted_tag = row.tag
            if accept and channel and backfill_days:
                typer.echo(backfill(runtime, channel, (accepted_tag,), backfill_days))
        except BadInput as exc:
            raise typer.BadParameter(exc.reason) from exc
        except ChannelProblem as exc:
            raise typer.BadParameter(str(exc)) from exc


@alerts_app.command("notify")
def notify(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Deliver every alert no rule has been told about yet (one pass)."""
    from heard.app import build_runtime
    from heard.settings import Settings
    from heard.workers.alert_delivery import notify_pending

    with build_runtime(Settings()) as runtime:
        counts = notify_pending(runtime.sessions, runtime.clock, runtime.settings)
    typer.echo(json.dumps(counts) if as_json else f"delivered {counts['delivered']}, failed {counts['failed']}")


@alerts_app.command("ack")
def ack(
    alert_id: Annotated[int, typer.Argument(help="The alert's number.")],
    resolve: Annotated[bool, typer.Option("--resolve", help="Resolve it rather than acknowledge it.")] = False,
) -> None:
    """Acknowledge (someone is on it) or resolve an alert."""
    from heard.alerts.actions import acknowledge
    from heard.app import build_runtime
    from heard.settings import Settings

    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                status = "resolved" if resolve else "acknowledged"
                alert = acknowledge(session, alert_id, runtime.clock.now(), status)
                typer.echo(f"alert {alert.id}: {alert.status}")
        except (BadInput, NotFound) as exc:
            raise typer.BadParameter(str(exc)) from exc
