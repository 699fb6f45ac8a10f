"""Admin pages for what care teams answer for: the audit trail (read and export) and privacy requests (find a
person, download everything about them, erase them)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, Response

from heard.app import Runtime
from heard.audit.trail import ACTIONS, Actor, entries, to_csv
from heard.conversations.models import Conversation, PostRecord
from heard.errors import NotFound
from heard.privacy.person import Person, authored, find_person
from heard.privacy.requests import erase_request, export_request
from heard.web.auth import Admin
from heard.web.deps import get_runtime, get_session
from heard.web.templating import page

router = APIRouter(prefix="/admin")
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ActionFilter = Annotated[str | None, Query(max_length=64)]
Handle = Annotated[str, Form(min_length=1, max_length=256)]


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    me: Admin,
    action: ActionFilter = None,
    before: Annotated[int | None, Query(ge=1, lt=2**63)] = None,
) -> HTMLResponse:
    rows = entries(session, action=action or None, before_id=before, limit=100)
    return page(
        request,
        "admin_audit.html",
        {"rows": rows, "actions": ACTIONS, "action": action or "", "next": rows[-1].id if len(rows) == 100 else None},
    )


@router.get("/audit.csv")
def audit_csv(session: SessionDep, me: Admin, action: ActionFilter = None) -> Response:
    body = to_csv(entries(session, action=action or None, limit=10_000))
    return Response(
        body, media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="heard-audit.csv"'}
    )


def _summary(session: Session, person: Person) -> dict[str, object]:
    return {
        "person": person,
        "posts": session.scalar(select(func.count()).select_from(PostRecord).where(authored(person))),
        "conversations": session.scalar(
            select(func.count()).select_from(Conversation).where(Conversation.contact_id.in_(person.contact_ids))
        ),
    }


@router.get("/privacy", response_class=HTMLResponse)
def privacy_page(
    request: Request, session: SessionDep, me: Admin, handle: Annotated[str, Query(max_length=256)] = ""
) -> HTMLResponse:
    context: dict[str, object] = {"handle": handle, "found": None, "error": None, "erased": None}
    if handle.strip():
        try:
            context["found"] = _summary(session, find_person(session, handle=handle))
        except NotFound as exc:
            context["error"] = str(exc)
    return page(request, "admin_privacy.html", context)


@router.post("/privacy/export")
def privacy_export(handle: Handle, runtime: RuntimeDep, me: Admin) -> Response:
    document = export_request(runtime.sessions, actor=Actor(me.id, me.email), now=runtime.clock.now(), handle=handle)
    name = "heard-export-" + "-".join(map(str, (c["id"] for c in document["contacts"]))) + ".json"
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/privacy/erase", response_class=HTMLResponse)
def privacy_erase(
    request: Request,
    handle: Handle,
    confirm: Annotated[str, Form(max_length=256)],
    runtime: RuntimeDep,
    me: Admin,
) -> HTMLResponse:
    """Erase after the admin typed the handle again (there is no undo)."""
    context: dict[str, object] = {"handle": handle, "found": None, "error": None, "erased": None}
    if confirm.strip().lstrip("@").lower() != handle.strip().lstrip("@").lower():
        context["error"] = "Type the handle again to confirm the erasure."
        with runtime.sessions() as session:
            context["found"] = _summary(session, find_person(session, handle=handle))
        return page(request, "admin_privacy.html", context, status_code=400)
    erasure = erase_request(
        runtime.sessions, runtime.log, actor=Actor(me.id, me.email), now=runtime.clock.now(), handle=handle
    )
    context["erased"] = erasure.to_json()
    context["handle"] = ""
    return page(request, "admin_privacy.html", context)
