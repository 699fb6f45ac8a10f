"""`heard report`: the outcome report (response times, SLA, pile-ons, sentiment shift, incidents, articles)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

import heard.schema  # noqa: F401  (all models, so foreign keys resolve)
from heard.app import build_runtime
from heard.errors import HeardError
from heard.inbox.reasons import waited
from heard.inbox.sla import SlaTargets
from heard.reports.outcomes import OutcomeReport, as_json, outcome_report
from heard.reports.period import parse_day
from heard.settings import Settings


def report(
    since: Annotated[
        str | None, typer.Option(help="First day (YYYY-MM-DD, UTC); default 29 days before --until.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Last day (YYYY-MM-DD, UTC); default the latest customer message.")
    ] = None,
    as_json_: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """How the team did: response times and SLA, pile-ons and their cost, sentiment before and after the reply,
    incidents resolved, and whether published fixes cut complaints."""
    with build_runtime(Settings()) as runtime:
        try:
            first, last = parse_day(since, "--since"), parse_day(until, "--until")
            with runtime.sessions.begin() as session:
                found = outcome_report(session, runtime.clock.now(), SlaTargets().first_response_s, first, last)
        except HeardError as exc:
            raise typer.BadParameter(str(exc)) from exc
    if as_json_:
        typer.echo(json.dumps(as_json(found)))
        return
    for line in _summary(found):
        typer.echo(line)


def _span(seconds: float | None) -> str:
    return "-" if seconds is None else waited(seconds)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _summary(found: OutcomeReport) -> list[str]:
    r, s, p, i = found.responses, found.sentiment, found.pileons, found.incidents
    first: datetime = found.period.since
    lines = [
        f"period                  {first.date()} to {found.period.days[-1]}",
        f"conversations           {r.conversations} ({r.answered} answered)",
        f"first response          median {_span(r.median_first_response_s)}, p90 {_span(r.p90_first_response_s)}",
        f"SLA compliance          {_share(r.sla_compliance)} ({r.breaches} breaches)",
        f"sentiment after reply   {s.turned_around} turned around ({s.unhappy_to_loyal} unhappy to happy), "
        f"{s.soured} soured, {s.no_word_after} no word after",
        f"pile-ons                {p.count} ({p.answered} answered, median {_span(p.median_answer_s)} after the start; "
        f"{p.joined_while_waiting} people joined while waiting)",
        f"incidents               {i.opened} opened, {i.resolved} resolved, {i.open_now} open now",
    ]
    for a in found.articles:
        change = "-" if a.change is None else f"{a.change:+.0%}"
        lines.append(
            f"article {a.slug}: {a.per_day_before:.1f} complaints/day before, {a.per_day_after:.1f} after ({change})"
        )
    return lines
