"""Routing in the web app: teams and how they route, agents' team, away and capacity (admins); an agent marks
themself away or back (`/me/away`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.accounts.agents import list_agents
from heard.accounts.teams import create_team, list_teams, set_agent_team
from heard.app import Runtime
from heard.audit.trail import Actor
from heard.inbox.routing import MODES, Availability, TeamRouting, route_waiting, set_availability, set_team_mode
from heard.web.auth import Admin, Worker
from heard.web.deps import get_runtime, get_session
from heard.web.templating import page

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Small = Annotated[str, Form(max_length=128)]


@router.get("/routing", response_class=HTMLResponse)
def routing_page(request: Request, session: SessionDep, me: Admin) -> HTMLResponse:
    modes = dict(session.execute(select(TeamRouting.team_id, TeamRouting.mode)).all())
    availability = {a.agent_id: a for a in session.scalars(select(Availability))}
    context = {
        "teams": list_teams(session),
        "modes": modes,
        "all_modes": MODES,
        "agents": list_agents(session),
        "availability": availability,
    }
    return page(request, "routing.html", context)


@router.post("/routing/teams")
def new_team(runtime: RuntimeDep, me: Admin, name: Small) -> Response:
    with runtime.sessions.begin() as session:
        create_team(session, name)
    return RedirectResponse("/routing", status_code=303)


@router.post("/routing/teams/{team_id}")
def team_mode(team_id: int, runtime: RuntimeDep, me: Admin, mode: Small) -> Response:
    with runtime.sessions.begin() as session:
        set_team_mode(session, team_id, mode, Actor(me.id, me.email), runtime.clock.now())
        route_waiting(session, runtime.clock.now())
    return RedirectResponse("/routing", status_code=303)


@router.post("/routing/agents/{agent_id}")
def agent_settings(
    agent_id: int, runtime: RuntimeDep, me: Admin, team_id: Small = "", capacity: Small = "", away: Small = ""
) -> Response:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        set_agent_team(session, agent_id, int(team_id) if team_id.isdigit() else None)
        set_availability(
            session,
            agent_id,
            by=Actor(me.id, me.email),
            now=now,
            away=away == "on",
            capacity=int(capacity) if capacity.isdigit() else None,
            clear_capacity=not capacity.isdigit(),
        )
        route_waiting(session, now)
    return RedirectResponse("/routing", status_code=303)


@router.post("/me/away")
def me_away(request: Request, runtime: RuntimeDep, me: Worker, away: Small = "") -> Response:
    """I am away (my open conversations go back to my team) or back (I take waiting ones again)."""
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        set_availability(session, me.id, by=Actor(me.id, me.email), now=now, away=away == "on")
        route_waiting(session, now)
    return RedirectResponse(request.headers.get("referer") or "/", status_code=303)
