"""Alerts: what the radar raised, what needs action first (`heard.alerts.wording`), and one alert with the posts
behind it; agents acknowledge (who and when are kept), resolve or reopen alerts; editors take proposed hashtags
into a channel's listening rules (its back-fill runs with the channel's next read) or turn them down."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.alerts.actions import acknowledge, decide_proposal
from heard.alerts.models import Alert
from heard.alerts.queries import alert_posts, deliveries, proposals, recent_alerts, thread_roots
from heard.alerts.wording import details, people, ranked, title
from heard.app import Runtime
from heard.brands.queries import list_brands
from heard.channels.actions import accept_hashtags, list_channels, request_backfill
from heard.errors import NotFound
from heard.web.auth import Editor, Me, Worker
from heard.web.deps import get_runtime, get_session
from heard.web.templating import page

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
AlertId = Annotated[int, Path(ge=1, le=2**62)]
STATUSES = ("open", "acknowledged", "resolved")
BACKFILL_DAYS = 7


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    session: SessionDep,
    me: Me,
    status: Annotated[str | None, Query(max_length=16)] = None,
    brand: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    chosen = status if status in STATUSES else None
    brands = list_brands(session)
    picked = brand if brand in {b.slug for b in brands} else None
    alerts = ranked(recent_alerts(session, 100, chosen, picked))
    roots = thread_roots(session, alerts)
    context = {
        "alerts": alerts,
        "titles": {a.id: title(a, roots.get(a.id)) for a in alerts},
        "people": {a.id: people(a) for a in alerts},
        "proposals": proposals(session, brand=picked),
        "channels": [c.name for c in list_channels(session)],
        "can_decide": me.can("editor"),
        "status": chosen,
        "statuses": STATUSES,
        "brands": brands,
        "brand": picked,
    }
    return page(request, "alerts.html", context)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, session: SessionDep, me: Me, alert_id: AlertId) -> HTMLResponse:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("no such alert")
    root = thread_roots(session, [alert]).get(alert.id)
    context = {
        "alert": alert,
        "title": title(alert, root),
        "people": people(alert),
        "details": details(alert),
        "posts": alert_posts(session, alert),
        "deliveries": deliveries(session, alert_id),
        "statuses": STATUSES,
        "can_act": me.can("agent"),
    }
    return page(request, "alert.html", context)


@router.post("/alerts/{alert_id}/status")
def set_status(
    alert_id: AlertId, runtime: RuntimeDep, me: Worker, status: Annotated[str, Form(max_length=16)]
) -> Response:
    """Acknowledge (someone is on it), resolve, or reopen an alert."""
    with runtime.sessions.begin() as session:
        acknowledge(session, alert_id, runtime.clock.now(), status, by=(me.id, me.name))
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)


@router.post("/alerts/hashtags")
def decide_hashtag(
    runtime: RuntimeDep,
    me: Editor,
    tag: Annotated[str, Form(min_length=1, max_length=120)],
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
    channel: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Take a proposed hashtag into a channel's listening rules, asking for its last week to be back-filled
    with the channel's next read, or turn it down."""
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        row = decide_proposal(session, tag, decision == "accept", now)
        if decision == "accept" and channel:
            accept_hashtags(session, channel, [row.tag])
            request_backfill(session, channel, [row.tag], now - timedelta(days=BACKFILL_DAYS))
    return RedirectResponse("/alerts", status_code=303)
