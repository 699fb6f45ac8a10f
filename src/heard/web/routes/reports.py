"""The outcome report page: how the team did over a period, with charts drawn on the server."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse

from heard.app import Runtime
from heard.brands.queries import list_brands
from heard.errors import HeardError
from heard.inbox.reasons import waited
from heard.inbox.sla import SlaTargets
from heard.reports.outcomes import OutcomeReport, outcome_report
from heard.reports.period import parse_day
from heard.web.auth import Me
from heard.web.charts import duration_bars, stacked_bars
from heard.web.deps import get_runtime
from heard.web.templating import page

router = APIRouter()
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Day = Annotated[str | None, Query(max_length=10)]


def _charts(found: OutcomeReport) -> dict[str, Any]:
    days = [day.isoformat() for day in found.period.days]
    per_day = list(found.responses.by_day.values())
    kept = [int(f["conversations"] or 0) - int(f["breaches"] or 0) for f in per_day]
    breached = [int(f["breaches"] or 0) for f in per_day]
    medians = [f["median_first_response_s"] for f in per_day]
    words = ["no conversations" if m is None else f"median first response {waited(m)}" for m in medians]
    return {
        "volume": stacked_bars(days, [("kept", "within SLA", kept), ("breached", "SLA breached", breached)]),
        "response": duration_bars(days, [None if m is None else float(m) for m in medians], "median", words),
    }


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    runtime: RuntimeDep,
    me: Me,
    since: Day = None,
    until: Day = None,
    brand: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    with runtime.sessions() as session:
        brands = list_brands(session)
        picked = brand if brand in {b.slug for b in brands} else None
        try:
            found = outcome_report(
                session,
                runtime.clock.now(),
                SlaTargets().first_response_s,
                parse_day(since, "From"),
                parse_day(until, "To"),
                picked,
            )
        except HeardError as exc:
            refused: dict[str, Any] = {
                "error": str(exc),
                "since": since or "",
                "until": until or "",
                "brands": brands,
                "brand": picked,
            }
            return page(request, "reports.html", refused, status_code=400)
    context: dict[str, Any] = {
        "brands": brands,
        "brand": picked,
        "error": None,
        "report": found,
        "charts": _charts(found),
        "since": found.period.since.date().isoformat(),
        "until": found.period.days[-1].isoformat(),
    }
    return page(request, "reports.html", context)
