"""Reports per agent and team (`/reports/agents`), and CSV of every report table and of conversations."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, Response

from heard.app import Runtime
from heard.audit.trail import safe_cell
from heard.errors import BadInput
from heard.inbox.sla import SlaTargets
from heard.reports.agents import COLUMNS, AgentReport, agent_report, conversations_csv, rows_csv
from heard.reports.outcomes import outcome_report
from heard.reports.period import Period, choose_period, parse_day
from heard.web.auth import Me
from heard.web.deps import get_runtime
from heard.web.templating import page

router = APIRouter()
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Day = Annotated[str | None, Query(max_length=10)]
TABLES = ("agents", "teams", "agents_by_day", "teams_by_day")


def _period(runtime: Runtime, since: str | None, until: str | None) -> Period:
    with runtime.sessions() as session:
        return choose_period(session, runtime.clock.now(), parse_day(since, "From"), parse_day(until, "To"))


def _report(runtime: Runtime, period: Period) -> AgentReport:
    with runtime.sessions() as session:
        return agent_report(session, period, SlaTargets().first_response_s)


def _csv(body: str, name: str) -> Response:
    return Response(body, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@router.get("/reports/agents", response_class=HTMLResponse)
def agents_page(request: Request, runtime: RuntimeDep, me: Me, since: Day = None, until: Day = None) -> HTMLResponse:
    period = _period(runtime, since, until)
    context: dict[str, Any] = {
        "report": _report(runtime, period),
        "columns": COLUMNS,
        "since": period.since.date().isoformat(),
        "until": period.days[-1].isoformat(),
    }
    return page(request, "reports_agents.html", context)


@router.get("/reports/agents.csv")
def agents_csv(
    runtime: RuntimeDep,
    me: Me,
    table: Annotated[str, Query(max_length=20)] = "agents",
    since: Day = None,
    until: Day = None,
) -> Response:
    if table not in TABLES:
        raise BadInput(f"table is one of {', '.join(TABLES)}")
    period = _period(runtime, since, until)
    rows = getattr(_report(runtime, period), table)
    return _csv(rows_csv(rows, "team" if table.startswith("teams") else "agent"), f"heard-{table}")


@router.get("/reports/conversations.csv")
def conversations(runtime: RuntimeDep, me: Me, since: Day = None, until: Day = None) -> Response:
    period = _period(runtime, since, until)
    with runtime.sessions() as session:
        return _csv(conversations_csv(session, period), "heard-conversations")


@router.get("/reports/outcomes.csv")
def outcomes_csv(
    runtime: RuntimeDep,
    me: Me,
    table: Annotated[str, Query(max_length=20)] = "by_day",
    since: Day = None,
    until: Day = None,
) -> Response:
    """The outcome report's tables: responses by day or by network, and the sentiment matrix."""
    with runtime.sessions() as session:
        found = outcome_report(
            session,
            runtime.clock.now(),
            SlaTargets().first_response_s,
            parse_day(since, "From"),
            parse_day(until, "To"),
        )
    out = io.StringIO()
    writer = csv.writer(out)
    keys = ("conversations", "answered", "median_first_response_s", "sla_compliance", "breaches")
    if table in ("by_day", "by_network"):
        label = "day" if table == "by_day" else "network"
        by = found.responses.by_day if table == "by_day" else found.responses.by_network
        writer.writerow([label, *keys])
        for key, figures in by.items():
            name = key.isoformat() if isinstance(key, date) else key
            writer.writerow([safe_cell(name), *(figures.get(k, "") for k in keys)])
    elif table == "sentiment":
        writer.writerow(["before", "negative", "neutral", "positive"])
        for before, row in found.sentiment.matrix.items():
            writer.writerow([safe_cell(before), row["negative"], row["neutral"], row["positive"]])
    else:
        raise BadInput("table is one of by_day, by_network, sentiment")
    return _csv(out.getvalue(), f"heard-outcomes-{table}")
