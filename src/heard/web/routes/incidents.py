"""Incident pages: the open incidents by last activity, one incident in full, and agents' edits (rename, status,
owner, merge, split, move a post). Each edit runs one `heard.incidents.actions` function and redirects back to
the incident page (post/redirect/get), so a refresh never repeats it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.accounts.models import Agent
from heard.alerts.queries import incident_alerts
from heard.app import Runtime
from heard.brands.queries import list_brands
from heard.conversations.models import PostRecord
from heard.errors import BadInput, NotFound
from heard.incidents import actions
from heard.incidents.embedders import make_embedder
from heard.incidents.models import STATUSES, Incident
from heard.incidents.queries import incident_view, resolve
from heard.web.auth import Me, Worker
from heard.web.deps import get_runtime
from heard.web.templating import page

router = APIRouter(prefix="/incidents")
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Id = Annotated[int, Form(ge=1, lt=2**63)]
#: Incidents on the list page, and posts on an incident page (the ones split and move act on).
LISTED = 100
SHOWN_POSTS = 50
DEFAULT_PEOPLE = 2
MAX_ID = 2**63 - 1


def _networks(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    query = select(PostRecord.incident_id, PostRecord.network).where(PostRecord.incident_id.in_(ids)).distinct()
    for incident_id, network in session.execute(query.order_by(PostRecord.network)):
        out.setdefault(int(incident_id or 0), []).append(network)
    return out


def _owners(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {a.id: a.name for a in session.scalars(select(Agent).where(Agent.id.in_(ids)))}


def _open_incidents(session: Session, min_people: int, brand: str | None = None) -> list[Incident]:
    query = (
        select(Incident)
        .where(
            Incident.merged_into_id.is_(None),
            Incident.status != "closed",
            Incident.post_count > 0,
            Incident.author_count >= min_people,
        )
        .order_by(func.coalesce(Incident.last_post_at, Incident.updated_at).desc(), Incident.id.desc())
        .limit(LISTED)
    )
    if brand:
        query = query.where(Incident.brand == brand)
    return list(session.scalars(query))


@router.get("", response_class=HTMLResponse)
def incidents_page(
    request: Request,
    runtime: RuntimeDep,
    me: Me,
    people: Annotated[int, Query(ge=1, le=1000)] = DEFAULT_PEOPLE,
    brand: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """Open incidents, latest activity first; by default only those two or more people reported (one person's
    complaint is a conversation, and it stays one click away). Incidents are grouped within a brand, so a brand's
    list is its own incidents."""
    with runtime.sessions() as session:
        brands = list_brands(session)
        picked = brand if brand in {b.slug for b in brands} else None
        found = _open_incidents(session, people, picked)
        context = {
            "incidents": found,
            "people": people,
            "brands": brands,
            "brand": picked,
            "networks": _networks(session, [i.id for i in found]),
            "owners": _owners(session, {i.owner_id for i in found if i.owner_id is not None}),
        }
        return page(request, "incidents/list.html", context)


def _posts(session: Session, incident_id: int) -> list[PostRecord]:
    query = (
        select(PostRecord)
        .where(PostRecord.incident_id == incident_id)
        .order_by(PostRecord.created_at.desc(), PostRecord.id.desc())
        .limit(SHOWN_POSTS)
    )
    return list(session.scalars(query))


@router.get("/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, incident_id: int, runtime: RuntimeDep, me: Me) -> Response:
    with runtime.sessions() as session:
        incident = resolve(session, incident_id) if 0 < incident_id <= MAX_ID else None
        if incident is None:
            raise NotFound("No such incident")
        if incident.id != incident_id:  # merged away: its posts are in the other one now
            return RedirectResponse(f"/incidents/{incident.id}", status_code=303)
        view = incident_view(session, incident.id)
        assert view is not None  # resolved just above, in the same session
        peak = max((count for _, count in view.timeline), default=0)
        context: dict[str, Any] = {
            "incident": incident,
            "view": view,
            "alerts": incident_alerts(session, incident.id),
            "peak": peak,
            "posts": _posts(session, incident.id),
            "owner": _owners(session, {incident.owner_id} if incident.owner_id else set()).get(incident.owner_id or 0),
            "statuses": STATUSES,
        }
        return page(request, "incidents/detail.html", context)


def _edit(
    runtime: Runtime, incident_id: int, change: Callable[[Session], object], land_on: int | None = None
) -> Response:
    """Run one edit; refusals (unknown or merged incident, bad title...) become a 400 with the action's words."""
    with runtime.sessions.begin() as session:
        change(session)
    return RedirectResponse(f"/incidents/{land_on or incident_id}", status_code=303)


@router.post("/{incident_id}/rename")
def rename(incident_id: int, runtime: RuntimeDep, me: Worker, title: Annotated[str, Form(max_length=512)]) -> Response:
    now = runtime.clock.now()
    return _edit(runtime, incident_id, lambda s: actions.rename(s, incident_id, title, now))


@router.post("/{incident_id}/status")
def set_status(
    incident_id: int, runtime: RuntimeDep, me: Worker, status: Annotated[str, Form(max_length=16)]
) -> Response:
    now = runtime.clock.now()
    return _edit(runtime, incident_id, lambda s: actions.set_status(s, incident_id, status, now))


@router.post("/{incident_id}/owner")
def take_ownership(incident_id: int, runtime: RuntimeDep, me: Worker) -> Response:
    now = runtime.clock.now()

    def change(session: Session) -> None:
        incident = session.get(Incident, incident_id)
        status = incident.status if incident is not None else "investigating"
        actions.set_status(session, incident_id, status, now, owner_id=me.id)

    return _edit(runtime, incident_id, change)


@router.post("/{incident_id}/merge")
def merge_into(incident_id: int, runtime: RuntimeDep, me: Worker, into: Id) -> Response:
    """Fold this incident into incident `into`; the page then shows the one that holds the posts."""
    embedder, now = make_embedder(brand_terms=runtime.settings.brand_handles), runtime.clock.now()
    return _edit(runtime, incident_id, lambda s: actions.merge(s, into, [incident_id], embedder, now), into)


@router.post("/{incident_id}/split")
def split_off(
    incident_id: int, runtime: RuntimeDep, me: Worker, post_ids: Annotated[list[int] | None, Form()] = None
) -> Response:
    embedder, now = make_embedder(brand_terms=runtime.settings.brand_handles), runtime.clock.now()
    created: list[int] = []

    def change(session: Session) -> None:
        created.append(actions.split(session, incident_id, post_ids or [], embedder, now))

    _edit(runtime, incident_id, change)
    return RedirectResponse(f"/incidents/{created[0]}", status_code=303)


@router.post("/{incident_id}/move")
def move_post(incident_id: int, runtime: RuntimeDep, me: Worker, post_id: Id, to: Id) -> Response:
    """Move one post of this incident to incident `to`; back to this incident's page."""
    embedder, now = make_embedder(brand_terms=runtime.settings.brand_handles), runtime.clock.now()

    def change(session: Session) -> None:
        if session.scalar(select(PostRecord.incident_id).where(PostRecord.id == post_id)) != incident_id:
            raise BadInput(f"post {post_id} is not in incident {incident_id}", "")
        actions.move(session, post_id, to, embedder, now)

    return _edit(runtime, incident_id, change)
