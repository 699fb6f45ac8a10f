"""Saved replies in the web app: the page to write them (`/saved-replies`), and what the composer's keyboard
menu (static/saved-replies.js) asks: the list, and one reply made personal for a conversation with the coach's
review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from heard.app import Runtime
from heard.errors import BadInput
from heard.inbox.saved_replies import VARIABLES, delete_saved_reply, insert_saved_reply, list_saved_replies, save_reply
from heard.web.auth import Worker
from heard.web.deps import get_runtime, get_session
from heard.web.templating import page

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


@router.get("/saved-replies", response_class=HTMLResponse)
def saved_replies_page(request: Request, session: SessionDep, me: Worker) -> HTMLResponse:
    context: dict[str, object] = {"replies": list_saved_replies(session, me), "variables": VARIABLES}
    context |= {"error": None, "form": {}}
    return page(request, "saved_replies.html", context)


@router.post("/saved-replies", response_class=HTMLResponse)
def write_saved_reply(
    request: Request,
    runtime: RuntimeDep,
    me: Worker,
    title: Annotated[str, Form(max_length=200)],
    shortcut: Annotated[str, Form(max_length=64)],
    body: Annotated[str, Form(max_length=10_000)],
    shared: Annotated[str, Form(max_length=8)] = "",
    reply_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        with runtime.sessions.begin() as session:
            save_reply(
                session,
                me,
                runtime.clock.now(),
                title=title,
                shortcut=shortcut,
                body=body,
                shared=shared == "on",
                reply_id=int(reply_id) if reply_id.isdigit() else None,
            )
    except BadInput as exc:
        with runtime.sessions() as session:
            form = {"title": title, "shortcut": shortcut, "body": body, "shared": shared == "on"}
            context = {"replies": list_saved_replies(session, me), "variables": VARIABLES, "error": str(exc)}
            return page(request, "saved_replies.html", context | {"form": form}, status_code=400)
    return RedirectResponse("/saved-replies", status_code=303)


@router.post("/saved-replies/{reply_id}/delete")
def remove_saved_reply(reply_id: int, runtime: RuntimeDep, me: Worker) -> Response:
    with runtime.sessions.begin() as session:
        delete_saved_reply(session, reply_id, me, runtime.clock.now())
    return RedirectResponse("/saved-replies", status_code=303)


@router.get("/saved-replies.json")
def saved_replies_menu(session: SessionDep, me: Worker, q: Annotated[str, Query(max_length=64)] = "") -> JSONResponse:
    """The composer menu's entries: id, shortcut, title and the first words of the text."""
    rows = [
        {"id": r.id, "shortcut": r.shortcut, "title": r.title, "preview": r.body[:120], "shared": r.owner_id is None}
        for r in list_saved_replies(session, me, q)
    ]
    return JSONResponse(rows)


@router.post("/conversations/{conversation_id}/saved-replies/{reply_id}")
def insert(conversation_id: int, reply_id: int, runtime: RuntimeDep, me: Worker) -> JSONResponse:
    """The saved reply made personal for this conversation, and the coach's review of that text."""
    with runtime.sessions.begin() as session:
        inserted = insert_saved_reply(session, conversation_id, reply_id, me)
    return JSONResponse({"text": inserted.text, "review": inserted.review.to_dict()})
