"""Alerts: what the radar raised, newest first, and one alert with the posts behind it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse

from heard.alerts.models import Alert
from heard.alerts.queries import alert_posts, deliveries, proposals, recent_alerts
from heard.web.auth import Me
from heard.web.deps import get_session
from heard.web.templating import page

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
STATUSES = ("open", "acknowledged", "resolved")


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request, session: SessionDep, me: Me, status: Annotated[str | None, Query(max_length=16)] = None
) -> HTMLResponse:
    chosen = status if status in STATUSES else None
    context = {
        "alerts": recent_alerts(session, 100, chosen),
        "proposals": proposals(session),
        "status": chosen,
        "statuses": STATUSES,
    }
    return page(request, "alerts.html", context)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(
    request: Request, session: SessionDep, me: Me, alert_id: Annotated[int, Path(ge=1, le=2**62)]
) -> HTMLResponse:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise HTTPException(status_code=404, detail="no such alert")
    context = {"alert": alert, "posts": alert_posts(session, alert), "deliveries": deliveries(session, alert_id)}
    return page(request, "alert.html", context)
