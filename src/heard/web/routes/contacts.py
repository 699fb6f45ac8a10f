"""One customer across networks: merge suggestions an agent confirms, recent merges with Undo (`/contacts/merge`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.app import Runtime
from heard.audit.trail import Actor
from heard.conversations.contacts import merge_contacts, merge_suggestions, recent_merges, undo_merge
from heard.conversations.models import Contact, ContactIdentity
from heard.web.auth import Worker
from heard.web.deps import get_runtime, get_session
from heard.web.templating import page

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def _people(session: Session, ids: set[int]) -> dict[int, dict[str, object]]:
    out: dict[int, dict[str, object]] = {
        c.id: {"name": c.display_name, "identities": []}
        for c in session.scalars(select(Contact).where(Contact.id.in_(ids)))
    }
    for i in session.scalars(select(ContactIdentity).where(ContactIdentity.contact_id.in_(ids))):
        identities = out[i.contact_id]["identities"]
        assert isinstance(identities, list)
        identities.append(f"{i.network}: @{i.handle}")
    return out


@router.get("/contacts/merge", response_class=HTMLResponse)
def merge_page(request: Request, session: SessionDep, me: Worker) -> HTMLResponse:
    suggestions = merge_suggestions(session)
    merges = recent_merges(session)
    people = _people(
        session, {s.keep_id for s in suggestions} | {s.other_id for s in suggestions} | {m.into_id for m in merges}
    )
    return page(request, "contacts_merge.html", {"suggestions": suggestions, "merges": merges, "people": people})


@router.post("/contacts/merge")
def merge(
    runtime: RuntimeDep,
    me: Worker,
    into_id: Annotated[int, Form(ge=1, lt=2**63)],
    from_id: Annotated[int, Form(ge=1, lt=2**63)],
    reason: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    with runtime.sessions.begin() as session:
        merge_contacts(session, into_id, from_id, by=Actor(me.id, me.email), now=runtime.clock.now(), reason=reason)
    return RedirectResponse("/contacts/merge", status_code=303)


@router.post("/contacts/merges/{merge_id}/undo")
def undo(merge_id: int, runtime: RuntimeDep, me: Worker) -> Response:
    with runtime.sessions.begin() as session:
        undo_merge(session, merge_id, by=Actor(me.id, me.email), now=runtime.clock.now())
    return RedirectResponse("/contacts/merge", status_code=303)
