"""The queue's team tools: bulk actions on the chosen conversations, and saved views with their counts (the inbox
page includes `team_inbox.html`; `static/bulk.js` adds the row checkboxes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.app import Runtime
from heard.inbox.bulk import bulk_action
from heard.inbox.views import FIELDS, delete_view, save_view, views_with_counts
from heard.web.auth import Me, Worker
from heard.web.deps import get_runtime, get_session
from heard.web.templating import fragment

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Small = Annotated[str, Form(max_length=200)]


def _back(to: str) -> str:
    """Only a path of this site (never //elsewhere) to go back to."""
    return to if to.startswith("/") and not to.startswith("//") else "/"


@router.post("/inbox/bulk")
def bulk(
    runtime: RuntimeDep,
    me: Worker,
    action: Small,
    ids: Annotated[list[int], Form(max_length=500)],
    agent_id: Small = "",
    tags: Small = "",
    snooze_hours: Small = "",
    back: Small = "/",
) -> Response:
    with runtime.sessions.begin() as session:
        bulk_action(
            session,
            ids,
            action,
            by=me,
            now=runtime.clock.now(),
            agent_id=int(agent_id) if agent_id.isdigit() else None,
            tags=tags.split(","),
            snooze_hours=float(snooze_hours) if snooze_hours.replace(".", "", 1).isdigit() else None,
        )
    return RedirectResponse(_back(back), status_code=303)


@router.get("/views", response_class=HTMLResponse)
def views(request: Request, session: SessionDep, runtime: RuntimeDep, me: Me) -> HTMLResponse:
    """The saved views with their counts, and a form to save what the inbox shows now as a view."""
    current = {k: v for k, v in request.query_params.items() if k in FIELDS and v}
    context = {"saved_views": views_with_counts(session, me, runtime.clock.now()), "current": current}
    return fragment(request, "team_inbox.html", "views", context)


@router.post("/views")
async def new_view(request: Request, runtime: RuntimeDep, me: Worker) -> Response:
    form = await request.form()
    params = {k: str(form.get(k) or "") for k in FIELDS}
    with runtime.sessions.begin() as session:
        view = save_view(
            session, me, str(form.get("name") or "")[:200], params, form.get("shared") == "on", runtime.clock.now()
        )
        query = "&".join(f"{k}={v}" for k, v in view.params.items())
    return RedirectResponse("/?" + query if query else "/", status_code=303)


@router.post("/views/{view_id}/delete")
def remove_view(view_id: int, runtime: RuntimeDep, me: Worker) -> Response:
    with runtime.sessions.begin() as session:
        delete_view(session, view_id, me, runtime.clock.now())
    return RedirectResponse("/", status_code=303)
