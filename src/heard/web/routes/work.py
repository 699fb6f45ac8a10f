"""Working a conversation over htmx: assign, set the status, add a private note. Each route parses the form,
runs one action (heard.inbox.workflow), and answers with the refreshed thread (htmx) or a redirect back to the
conversation (a plain form post)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from heard.app import Runtime
from heard.inbox.workflow import MAX_NOTE_CHARS, add_note, assign, set_status
from heard.web.auth import Worker
from heard.web.deps import get_runtime
from heard.web.routes.conversations import render_thread

router = APIRouter()
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def _answer(request: Request, runtime: Runtime, conversation_id: int) -> Response:
    if request.headers.get("hx-request"):
        return render_thread(request, runtime, conversation_id)
    return RedirectResponse(f"/conversations/{conversation_id}", status_code=303)


@router.post("/conversations/{conversation_id}/assign")
def assign_conversation(
    request: Request,
    conversation_id: int,
    me: Worker,
    runtime: RuntimeDep,
    assignee: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """assignee: an agent id, "me", or empty for nobody."""
    if assignee == "me":
        chosen: int | None = me.id
    elif assignee.isdigit():
        chosen = int(assignee)
    elif assignee == "":
        chosen = None
    else:
        raise HTTPException(status_code=400, detail="Choose an agent")
    with runtime.sessions.begin() as session:
        assign(session, conversation_id, chosen, me)
    return _answer(request, runtime, conversation_id)


@router.post("/conversations/{conversation_id}/status")
def change_status(
    request: Request,
    conversation_id: int,
    me: Worker,
    runtime: RuntimeDep,
    status: Annotated[str, Form(max_length=16)],
    snooze_hours: Annotated[int, Form(ge=0, le=24 * 90)] = 0,
) -> Response:
    now = runtime.clock.now()
    until = now + timedelta(hours=snooze_hours) if status == "snoozed" and snooze_hours else None
    with runtime.sessions.begin() as session:
        set_status(session, conversation_id, status, me, now, until)
    return _answer(request, runtime, conversation_id)


@router.post("/conversations/{conversation_id}/notes")
def write_note(
    request: Request,
    conversation_id: int,
    me: Worker,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=MAX_NOTE_CHARS * 2)],
) -> Response:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        add_note(session, conversation_id, text, me, now)
    return _answer(request, runtime, conversation_id)
